"""The list tools of KubernetesService against respx-served API shapes: fan-out status, ordering, paging, caps."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.tools.kubernetes import shapes, shapes_apps
from tests.tools.kubernetes.conftest import api, target
from tools.contract import to_json
from tools.errors import BackendError, ToolInputError
from tools.kubernetes import KubeLimits, KubernetesService
from tools.targets import HttpClientPool

HUB, SPOKE = api("hub"), api("spoke")


async def test_nodes_fan_out_with_per_cluster_status_and_not_ready_first(
    router: Any, service: KubernetesService
) -> None:
    router.get(f"{HUB}/api/v1/nodes").respond(
        200, json=shapes.object_list("Node", [shapes.node("ok-1"), shapes.node("bad-1", ready="False", gpus=2)])
    )
    router.get(f"{SPOKE}/api/v1/nodes").respond(503, json=shapes.status(503, "ServiceUnavailable", "etcd down"))
    router.get(f"{api('edge')}/api/v1/nodes").mock(side_effect=httpx.ReadTimeout("slow"))

    result = await service.list_nodes([target("hub"), target("spoke"), target("edge")])

    assert {c.cluster: c.status for c in result.clusters} == {"hub": "ok", "spoke": "error", "edge": "timeout"}
    assert "etcd down" in next(c.message or "" for c in result.clusters if c.cluster == "spoke")
    assert [n.name for n in result.nodes] == ["bad-1", "ok-1"]
    assert result.nodes[0].allocatable["nvidia.com/gpu"] == "2"
    assert (result.total, result.returned, result.truncated, result.next_cursor) == (2, 2, False, None)
    assert any("Partial result" in n for n in result.notes)


async def test_rbac_refusal_everywhere_is_an_error_naming_the_resource(router: Any, service: KubernetesService) -> None:
    router.get(f"{HUB}/api/v1/namespaces/apps/pods").respond(403, json=shapes.forbidden("list", "pods", "apps"))
    with pytest.raises(BackendError) as caught:
        await service.list_pods([target("hub")], namespace="apps")
    assert "not allowed to list pods in namespace 'apps'" in str(caught.value)
    assert 'cannot list resource "pods" in API group "" in the namespace "apps"' in str(caught.value)


async def test_pods_page_through_limit_and_continue_per_cluster(router: Any, service: KubernetesService) -> None:
    def hub_pages(request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("continue")
        if token is None:
            return httpx.Response(
                200, json=shapes.object_list("Pod", [shapes.pod("h1"), shapes.pod("h2")], cont="hub-2", remaining=1)
            )
        assert token == "hub-2"
        return httpx.Response(200, json=shapes.object_list("Pod", [shapes.pod("h3")]))

    hub = router.get(f"{HUB}/api/v1/namespaces/apps/pods").mock(side_effect=hub_pages)
    spoke = router.get(f"{SPOKE}/api/v1/namespaces/apps/pods").respond(
        200, json=shapes.object_list("Pod", [shapes.pod("s1")])
    )
    targets = [target("hub"), target("spoke")]

    first = await service.list_pods(targets, namespace="apps", limit=2)
    assert sorted(p.name for p in first.pods) == ["h1", "h2", "s1"]
    assert (first.truncated, first.total) == (True, 4)
    assert first.next_cursor is not None
    assert hub.calls.last.request.url.params["limit"] == "2"

    second = await service.list_pods(targets, namespace="apps", limit=2, cursor=first.next_cursor)
    assert [p.name for p in second.pods] == ["h3"]
    assert spoke.call_count == 1  # spoke had no more pages: not asked again
    assert second.answered == ["hub"]
    assert (second.truncated, second.next_cursor) == (False, None)


async def test_a_cursor_from_other_arguments_is_refused(router: Any, service: KubernetesService) -> None:
    router.get(f"{HUB}/api/v1/namespaces/apps/pods").respond(
        200, json=shapes.object_list("Pod", [shapes.pod("h1")], cont="next")
    )
    first = await service.list_pods([target("hub")], namespace="apps", limit=1)
    assert first.next_cursor is not None
    with pytest.raises(ToolInputError, match="different arguments"):
        await service.list_pods([target("hub")], namespace="other", limit=1, cursor=first.next_cursor)
    with pytest.raises(ToolInputError, match="not a cursor"):
        await service.list_pods([target("hub")], namespace="apps", limit=1, cursor="garbage!")


async def test_an_expired_continue_token_asks_to_start_over(router: Any, service: KubernetesService) -> None:
    def pages(request: httpx.Request) -> httpx.Response:
        if "continue" in request.url.params:
            return httpx.Response(410, json=shapes.expired())
        return httpx.Response(200, json=shapes.object_list("Pod", [shapes.pod("h1")], cont="stale"))

    router.get(f"{HUB}/api/v1/pods").mock(side_effect=pages)
    first = await service.list_pods([target("hub")], limit=1)
    with pytest.raises(ToolInputError) as caught:
        await service.list_pods([target("hub")], limit=1, cursor=first.next_cursor)
    text = str(caught.value)
    assert "cursor expired on hub (HTTP 410 Expired" in text
    assert "too old to display a consistent list" in text
    assert "without cursor" in text


async def test_no_pods_is_a_success_that_says_what_was_searched_where(router: Any, service: KubernetesService) -> None:
    route = router.get(f"{HUB}/api/v1/namespaces/ml/pods").respond(200, json=shapes.object_list("Pod", []))
    result = await service.list_pods([target("hub")], namespace="ml", phase="Failed", label_selector="app=trainer")
    assert route.calls.last.request.url.params["fieldSelector"] == "status.phase=Failed"
    assert result.total == 0
    note = " ".join(result.notes)
    assert "app=trainer" in note
    assert "status.phase=Failed" in note
    assert "namespace 'ml' on hub" in note


async def test_problems_only_keeps_problem_pods_and_says_how_many(router: Any, service: KubernetesService) -> None:
    crash = shapes.container_status(
        "x", ready=False, restarts=3, waiting="CrashLoopBackOff", last_terminated=("OOMKilled", 137)
    )
    router.get(f"{HUB}/api/v1/pods").respond(
        200, json=shapes.object_list("Pod", [shapes.pod("fine"), shapes.pod("oom", statuses=[crash])])
    )
    result = await service.list_pods([target("hub")], problems_only=True)
    assert [p.name for p in result.pods] == ["oom"]
    assert result.pods[0].last_termination is not None
    assert result.pods[0].last_termination.reason == "OOMKilled"
    assert any("1 of 2 pods" in n for n in result.notes)


async def test_the_size_cap_cuts_a_page_and_the_cursor_resumes_it_exactly(router: Any, pool: HttpClientPool) -> None:
    service = KubernetesService(pool, KubeLimits(response_max_bytes=4_000, cluster_timeout_s=2.0))
    pods = [shapes.pod(f"web-{i:03d}") for i in range(60)]
    route = router.get(f"{HUB}/api/v1/pods").respond(200, json=shapes.object_list("Pod", pods))

    seen: list[str] = []
    cursor: str | None = None
    for _ in range(30):
        page = await service.list_pods([target("hub")], limit=100, cursor=cursor)
        assert len(to_json(page).encode()) <= 4_000
        seen += [p.name for p in page.pods]
        cursor = page.next_cursor
        if cursor is None:
            break
        assert page.truncated
    assert seen == [f"web-{i:03d}" for i in range(60)]
    assert route.call_count > 1
    assert all("continue" not in c.request.url.params for c in route.calls)


async def test_events_group_warnings_first_with_object_filters(router: Any, service: KubernetesService) -> None:
    events = [
        shapes.core_event("Pod", "web-1", "Pulled", "pulled", type_="Normal", last=shapes.T2),
        shapes.core_event("Pod", "web-1", "BackOff", "Back-off restarting failed container", count=4),
        shapes.core_event("Pod", "web-1", "BackOff", "Back-off restarting failed container", count=2, last=shapes.T2),
    ]
    route = router.get(f"{HUB}/api/v1/namespaces/apps/events").respond(200, json=shapes.object_list("Event", events))
    result = await service.list_events(
        [target("hub")], namespace="apps", object_kind="Pod", object_name="web-1", warnings_only=False
    )
    assert route.calls.last.request.url.params["fieldSelector"] == "involvedObject.kind=Pod,involvedObject.name=web-1"
    assert [(g.type, g.reason, g.count) for g in result.events] == [("Warning", "BackOff", 6), ("Normal", "Pulled", 1)]
    assert result.events[0].last_seen == shapes.T2
    assert result.warnings == 6


async def test_events_fall_back_to_events_k8s_io_when_core_events_are_not_served(
    router: Any, service: KubernetesService
) -> None:
    router.get(f"{HUB}/api/v1/events").respond(
        404, json=shapes.status(404, "NotFound", "the server could not find the requested resource")
    )
    new = router.get(f"{HUB}/apis/events.k8s.io/v1/events").respond(
        200,
        json=shapes.object_list(
            "Event",
            [shapes.new_event("Pod", "p", "FailedScheduling", "0/3 nodes", series=3)],
            api_version="events.k8s.io/v1",
        ),
    )
    result = await service.list_events([target("hub")], object_kind="Pod", warnings_only=True)
    assert new.calls.last.request.url.params["fieldSelector"] == "regarding.kind=Pod,type=Warning"
    assert [(g.reason, g.count, g.message) for g in result.events] == [("FailedScheduling", 3, "0/3 nodes")]


async def test_no_events_note_names_the_filter_and_the_retention(router: Any, service: KubernetesService) -> None:
    router.get(f"{HUB}/api/v1/namespaces/apps/events").respond(200, json=shapes.object_list("Event", []))
    result = await service.list_events([target("hub")], namespace="apps", reason="OOMKilling")
    assert result.events == []
    assert any("reason=OOMKilling" in n and "namespace 'apps' on hub" in n and "1 h" in n for n in result.notes)


async def test_a_workload_by_name_found_on_one_cluster_is_named_missing_on_the_other(
    router: Any, service: KubernetesService
) -> None:
    router.get(f"{HUB}/apis/apps/v1/namespaces/apps/deployments/web").respond(
        200, json=shapes_apps.deployment("web", available=2, ready=2)
    )
    router.get(f"{SPOKE}/apis/apps/v1/namespaces/apps/deployments/web").respond(
        404, json=shapes.not_found("deployments", "web", "apps")
    )
    result = await service.get_workloads(
        [target("hub"), target("spoke")], kind="deployment", namespace="apps", name="web"
    )
    assert [(w.cluster, w.rollout, w.available) for w in result.workloads] == [("hub", "degraded", 2)]
    assert {c.cluster: c.status for c in result.clusters} == {"hub": "ok", "spoke": "ok"}
    assert any("not found in namespace 'apps' on: spoke" in n for n in result.notes)


async def test_a_workload_name_needs_a_namespace(service: KubernetesService) -> None:
    with pytest.raises(ToolInputError, match="needs its namespace"):
        await service.get_workloads([target("hub")], kind="statefulset", name="db")


async def test_listing_daemonsets_puts_unhealthy_rollouts_first(router: Any, service: KubernetesService) -> None:
    body = shapes.object_list(
        "DaemonSet", [shapes_apps.daemonset("a-ok"), shapes_apps.daemonset("b-short", ready=2)], api_version="apps/v1"
    )
    router.get(f"{HUB}/apis/apps/v1/namespaces/nvidia-gpu-operator/daemonsets").respond(200, json=body)
    result = await service.get_workloads([target("hub")], kind="daemonset", namespace="nvidia-gpu-operator")
    assert [(w.name, w.rollout) for w in result.workloads] == [("b-short", "degraded"), ("a-ok", "complete")]
    assert json.loads(to_json(result))["workloads"][0]["kind"] == "DaemonSet"
