"""Capability discovery through the Kubernetes API, and the prober/registry merging it into capabilities."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from tests.tools.kubernetes import shapes, shapes_apps
from tests.tools.kubernetes.conftest import TOKEN, api, target
from tools.errors import BackendError
from tools.fleet.crypto import CredentialCipher
from tools.fleet.events import InProcessEventBus
from tools.fleet.models import API_CAPABILITIES as FLEET_API_CAPABILITIES
from tools.fleet.models import Capabilities, ClusterSpec, Credentials, Endpoints
from tools.fleet.probe import Prober
from tools.fleet.registry import FleetRegistry
from tools.fleet.store import SqlClusterStore
from tools.kubernetes import API_CAPABILITIES, discover_capabilities
from tools.targets import HttpClientPool

HUB = api("hub")
PROM = "https://prom.hub.test"
MARKERS = {
    "loki.grafana.com": ("v1", "lokistacks", "LokiStack", True),
    "tempo.grafana.com": ("v1alpha1", "tempostacks", "TempoStack", True),
    "nvidia.com": ("v1", "clusterpolicies", "ClusterPolicy", False),
    "ptp.openshift.io": ("v1", "ptpconfigs", "PtpConfig", True),
    "sriovnetwork.openshift.io": ("v1", "sriovnetworknodestates", "SriovNetworkNodeState", True),
}


def serve(
    router: Any,
    *,
    groups: tuple[str, ...] = tuple(MARKERS),
    instances: dict[str, int] | None = None,
    forbidden: tuple[str, ...] = (),
    monitoring: bool = True,
    dcgm: bool = False,
) -> None:
    """Serve the discovery documents and lists of a cluster that has the given API groups and instances."""
    instances = instances if instances is not None else {g: 1 for g in groups}
    router.get(f"{HUB}/apis").respond(
        200, json=shapes.api_group_list(("apps", "v1"), *((g, MARKERS[g][0]) for g in groups))
    )
    for group in groups:
        version, plural, kind, namespaced = MARKERS[group]
        router.get(f"{HUB}/apis/{group}/{version}").respond(
            200, json=shapes.api_resource_list(group, version, (plural, kind, namespaced))
        )
        path = f"{HUB}/apis/{group}/{version}/{plural}"
        if group in forbidden:
            router.get(path).respond(403, json=shapes.forbidden("list", plural, group=group))
        else:
            items = [{"metadata": {"name": f"{plural}-{i}"}} for i in range(instances.get(group, 0))]
            router.get(path).respond(200, json=shapes.object_list(kind, items))
    for name in ("thanos-querier", "prometheus-k8s"):
        url = f"{HUB}/api/v1/namespaces/openshift-monitoring/services/{name}"
        if monitoring:
            router.get(url).respond(200, json={"kind": "Service", "metadata": {"name": name}})
        else:
            router.get(url).respond(404, json=shapes.not_found("services", name))
    daemonsets = [shapes_apps.daemonset("nvidia-dcgm-exporter", labels={"app": "nvidia-dcgm-exporter"})] if dcgm else []
    router.get(f"{HUB}/apis/apps/v1/daemonsets").respond(200, json=shapes.object_list("DaemonSet", daemonsets))


async def discover(pool: HttpClientPool) -> tuple[dict[str, bool], list[str]]:
    t = target("hub")
    found = await discover_capabilities(pool.for_target(t), t)
    return found.flags, found.notes


def test_the_discovered_names_are_the_fleet_capability_fields() -> None:
    assert API_CAPABILITIES == FLEET_API_CAPABILITIES
    assert set(API_CAPABILITIES) <= set(Capabilities.model_fields)


async def test_a_full_openshift_cluster_has_every_capability(router: Any, pool: HttpClientPool) -> None:
    serve(router)
    flags, notes = await discover(pool)
    assert flags == dict.fromkeys(API_CAPABILITIES, True)
    assert notes == []
    lists = [c.request for c in router.calls if c.request.url.path.endswith("stacks")]
    assert all(r.url.params["limit"] == "1" for r in lists)
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r in lists)


async def test_a_bare_cluster_has_none_and_no_crd_is_listed(router: Any, pool: HttpClientPool) -> None:
    serve(router, groups=(), monitoring=False)
    flags, notes = await discover(pool)
    assert flags == dict.fromkeys(API_CAPABILITIES, False)
    assert notes == []
    paths = {c.request.url.path for c in router.calls}
    assert not any("grafana" in p or "nvidia.com" in p for p in paths)


async def test_an_installed_crd_without_instances_is_not_a_capability(router: Any, pool: HttpClientPool) -> None:
    serve(router, instances={"loki.grafana.com": 0, "ptp.openshift.io": 2})
    flags, _ = await discover(pool)
    assert (flags["lokistack"], flags["ptp_operator"], flags["tempostack"]) == (False, True, False)


async def test_the_dcgm_exporter_daemonset_alone_marks_the_gpu_operator(router: Any, pool: HttpClientPool) -> None:
    serve(router, groups=("loki.grafana.com",), dcgm=True)
    flags, _ = await discover(pool)
    assert flags["gpu_operator"] is True
    label = next(c.request for c in router.calls if c.request.url.path == "/apis/apps/v1/daemonsets")
    assert label.url.params["labelSelector"] == "app=nvidia-dcgm-exporter"


async def test_a_forbidden_list_leaves_that_flag_unknown_and_says_why(router: Any, pool: HttpClientPool) -> None:
    serve(router, forbidden=("tempo.grafana.com",))
    flags, notes = await discover(pool)
    assert "tempostack" not in flags
    assert flags["lokistack"] is True
    assert len(notes) == 1
    assert notes[0].startswith("tempostack unknown")
    assert "403" in notes[0]


async def test_an_unreadable_group_list_raises(router: Any, pool: HttpClientPool) -> None:
    router.get(f"{HUB}/apis").respond(401, json=shapes.status(401, "Unauthorized", "Unauthorized"))
    with pytest.raises(BackendError, match="refused the credentials"):
        await discover(pool)


# -- through the prober and the registry --------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlClusterStore]:
    sql = SqlClusterStore(f"sqlite:///{tmp_path / 'aiops.db'}", CredentialCipher(Fernet.generate_key()))
    yield sql
    sql.close()


def up(router: Any, *metrics: str) -> None:
    router.get(f"{HUB}/readyz").respond(200, text="ok")
    router.get(f"{PROM}/-/ready").respond(200, text="ready")
    result = [{"metric": {"__name__": m}, "value": [1795680000, "1"]} for m in metrics]
    router.get(f"{PROM}/api/v1/query").respond(
        200, json={"status": "success", "data": {"resultType": "vector", "result": result}}
    )


async def test_a_discovery_driven_change_publishes_capabilities_changed(
    router: Any, pool: HttpClientPool, store: SqlClusterStore
) -> None:
    bus = InProcessEventBus()
    registry = FleetRegistry(
        store, prober=Prober(pool, endpoint_timeout=2.0, api_discovery=discover_capabilities), events=bus
    )
    await registry.add(
        ClusterSpec(name="hub", endpoints=Endpoints(api=HUB, prometheus=PROM)),
        Credentials(bearer_token=SecretStr(TOKEN)),
    )
    up(router, "DCGM_FI_DEV_GPU_UTIL")
    serve(router, groups=("loki.grafana.com",), monitoring=True)

    async with bus.subscribe() as sub:
        first = await registry.probe("hub")
        router.routes.clear()
        up(router, "DCGM_FI_DEV_GPU_UTIL")
        serve(router, groups=("loki.grafana.com", "nvidia.com"), monitoring=True)
        second = await registry.probe("hub")
        events = [e for e in sub.pending() if e.type == "CLUSTER_CAPABILITIES_CHANGED"]

    assert (first.capabilities.gpu, first.capabilities.lokistack, first.capabilities.gpu_operator) == (
        True,
        True,
        False,
    )
    assert second.capabilities.gpu_operator is True
    assert [(e.old, e.new) for e in events][-1] == (
        ["gpu", "lokistack", "monitoring_stack"],
        ["gpu", "gpu_operator", "lokistack", "monitoring_stack"],
    )
    assert TOKEN not in (await registry.get("hub")).model_dump_json()


async def test_a_failed_discovery_keeps_the_api_flags_and_says_so(
    router: Any, pool: HttpClientPool, store: SqlClusterStore
) -> None:
    registry = FleetRegistry(store, prober=Prober(pool, endpoint_timeout=2.0, api_discovery=discover_capabilities))
    await registry.add(
        ClusterSpec(name="hub", endpoints=Endpoints(api=HUB, prometheus=PROM)),
        Credentials(bearer_token=SecretStr(TOKEN)),
    )
    up(router)
    serve(router)
    before = await registry.probe("hub")
    assert before.capabilities.tempostack is True

    router.routes.clear()
    up(router, "openshift_ptp_offset_ns")
    router.get(f"{HUB}/apis").mock(side_effect=httpx.ConnectError(f"reset with {TOKEN}"))
    after = await registry.probe("hub")

    assert after.capabilities.ptp is True  # Prometheus still answered
    assert all(getattr(after.capabilities, k) is True for k in API_CAPABILITIES)  # kept, not guessed
    assert after.status.message is not None
    assert "API capabilities not refreshed" in after.status.message
    assert TOKEN not in after.status.message


async def test_an_unknown_flag_keeps_its_previous_value_while_the_others_refresh(
    router: Any, pool: HttpClientPool, store: SqlClusterStore
) -> None:
    registry = FleetRegistry(store, prober=Prober(pool, endpoint_timeout=2.0, api_discovery=discover_capabilities))
    await registry.add(
        ClusterSpec(name="hub", endpoints=Endpoints(api=HUB)), Credentials(bearer_token=SecretStr(TOKEN))
    )
    router.get(f"{HUB}/readyz").respond(200, text="ok")
    serve(router)
    await registry.probe("hub")

    router.routes.clear()
    router.get(f"{HUB}/readyz").respond(200, text="ok")
    serve(router, instances={g: 0 for g in MARKERS}, forbidden=("tempo.grafana.com",))
    after = await registry.probe("hub")

    assert after.capabilities.tempostack is True  # unknown this time: kept
    assert after.capabilities.lokistack is False  # known: refreshed
    assert after.status.message is not None
    assert "tempostack unknown" in after.status.message
