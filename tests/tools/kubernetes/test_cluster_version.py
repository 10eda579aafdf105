"""k8s cluster version: OpenShift ClusterVersion + ClusterOperators, and plain Kubernetes' /version."""

from __future__ import annotations

from typing import Any

from tests.tools.kubernetes import shapes, shapes_apps
from tests.tools.kubernetes.conftest import api, target
from tools.kubernetes import KubernetesService

HUB, PLAIN = api("hub"), api("plain")
CV = "/apis/config.openshift.io/v1/clusterversions/version"
CO = "/apis/config.openshift.io/v1/clusteroperators"


async def test_openshift_and_plain_kubernetes_side_by_side(router: Any, service: KubernetesService) -> None:
    router.get(f"{HUB}{CV}").respond(200, json=shapes_apps.cluster_version("4.16.8", failing=True))
    router.get(f"{HUB}{CO}").respond(
        200,
        json=shapes.object_list(
            "ClusterOperator",
            [
                shapes_apps.cluster_operator("dns"),
                shapes_apps.cluster_operator("monitoring", degraded="True", message="rule sync"),
            ],
            api_version="config.openshift.io/v1",
        ),
    )
    router.get(f"{HUB}/version").respond(200, json=shapes.version_info("v1.29.7"))
    router.get(f"{PLAIN}{CV}").respond(
        404, json=shapes.status(404, "NotFound", "the server could not find the requested resource")
    )
    router.get(f"{PLAIN}/version").respond(200, json=shapes.version_info("v1.31.6"))

    result = await service.cluster_version([target("hub"), target("plain")])

    by_cluster = {v.cluster: v for v in result.versions}
    hub = by_cluster["hub"]
    assert (hub.platform, hub.version, hub.kubernetes_version, hub.operators_total) == (
        "openshift",
        "4.16.8",
        "v1.29.7",
        2,
    )
    assert [o.name for o in hub.operators_unhealthy] == ["monitoring"]
    failing = next(c for c in hub.conditions if c.type == "Failing")
    assert (failing.status, failing.reason) == ("True", "ClusterOperatorDegraded")
    plain = by_cluster["plain"]
    assert (plain.platform, plain.version) == ("kubernetes", "v1.31.6")
    assert any("plain: ClusterVersion does not exist" in n for n in result.notes)
    assert [v.cluster for v in result.versions] == ["hub", "plain"]  # clusters with unhealthy operators first
    assert result.total == 2


async def test_operators_that_cannot_be_listed_are_a_note_not_a_failure(
    router: Any, service: KubernetesService
) -> None:
    router.get(f"{HUB}{CV}").respond(200, json=shapes_apps.cluster_version())
    router.get(f"{HUB}{CO}").respond(
        403, json=shapes.forbidden("list", "clusteroperators", group="config.openshift.io")
    )
    router.get(f"{HUB}/version").respond(200, json=shapes.version_info())
    result = await service.cluster_version([target("hub")])
    assert result.versions[0].operators_total is None
    assert any("hub: ClusterOperators not read" in n and "not allowed" in n for n in result.notes)
