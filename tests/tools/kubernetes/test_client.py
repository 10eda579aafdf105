"""The GET-only client against respx: list/get/log/discovery requests, and every failure mapped verbatim."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.tools.kubernetes import shapes
from tests.tools.kubernetes.conftest import TOKEN, api, target
from tools.errors import BackendError, BackendTimeoutError
from tools.kubernetes import KubeClient, KubeExpiredError, KubeNotFoundError
from tools.kubernetes.guard import DEPLOYMENTS, NODES, PODS
from tools.targets import HttpClientPool

HUB = api("hub")


def client(pool: HttpClientPool, token: str | None = TOKEN) -> KubeClient:
    t = target("hub", token)
    return KubeClient(pool.for_target(t), t, timeout=2.0)


async def test_list_passes_limit_continue_and_selectors_and_reads_list_meta(router: Any, pool: HttpClientPool) -> None:
    body = shapes.object_list("Pod", [shapes.pod("web-1")], cont="tok-2", remaining=41)
    route = router.get(f"{HUB}/api/v1/namespaces/apps/pods").respond(200, json=body)

    page = await client(pool).list(
        PODS, namespace="apps", limit=1, continue_token="tok-1", label_selector="app=web", field_selector="a=b"
    )

    request = route.calls.last.request
    assert dict(request.url.params) == {
        "limit": "1",
        "continue": "tok-1",
        "labelSelector": "app=web",
        "fieldSelector": "a=b",
    }
    assert request.method == "GET"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert (page.continue_token, page.remaining, page.resource_version) == ("tok-2", 41, "123456")
    assert [i["metadata"]["name"] for i in page.items] == ["web-1"]


async def test_the_last_page_has_no_continue_token(router: Any, pool: HttpClientPool) -> None:
    router.get(f"{HUB}/api/v1/nodes").respond(200, json=shapes.object_list("Node", [shapes.node("n1")]))
    page = await client(pool).list(NODES)
    assert page.continue_token is None
    assert page.remaining is None


async def test_forbidden_names_the_verb_and_resource_and_keeps_the_status_message(
    router: Any, pool: HttpClientPool
) -> None:
    body = shapes.forbidden("list", "deployments", "apps", group="apps")
    router.get(f"{HUB}/apis/apps/v1/namespaces/apps/deployments").respond(403, json=body)

    with pytest.raises(BackendError) as caught:
        await client(pool).list(DEPLOYMENTS, namespace="apps")

    text = str(caught.value)
    assert "not allowed to list deployments.apps in namespace 'apps'" in text
    assert "HTTP 403 Forbidden" in text
    assert body["message"] in text
    assert "cluster-reader" in text
    assert caught.value.status == 403


async def test_unauthorized_points_at_the_stored_token_without_showing_it(router: Any, pool: HttpClientPool) -> None:
    router.get(f"{HUB}/api/v1/nodes").respond(
        401, json=shapes.status(401, "Unauthorized", f"token {TOKEN} is not valid")
    )
    with pytest.raises(BackendError) as caught:
        await client(pool).list(NODES)
    text = str(caught.value)
    assert "refused the credentials (HTTP 401 Unauthorized) for list nodes" in text
    assert "bearer token" in text
    assert TOKEN not in text
    assert "token *** is not valid" in text


async def test_not_found_is_its_own_error_with_the_status_message(router: Any, pool: HttpClientPool) -> None:
    router.get(f"{HUB}/apis/apps/v1/namespaces/apps/deployments/web").respond(
        404, json=shapes.not_found("deployments", "web", "apps")
    )
    with pytest.raises(KubeNotFoundError, match=r'deployments\.apps "web" not found'):
        await client(pool).get(DEPLOYMENTS, "web", namespace="apps")


async def test_an_expired_continue_token_is_a_clear_410(router: Any, pool: HttpClientPool) -> None:
    router.get(f"{HUB}/api/v1/pods").respond(410, json=shapes.expired())
    with pytest.raises(KubeExpiredError) as caught:
        await client(pool).list(PODS, continue_token="old")
    assert "continue token for list pods (all namespaces) has expired (HTTP 410 Expired)" in str(caught.value)
    assert "too old to display a consistent list" in str(caught.value)
    assert "without cursor" in str(caught.value)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (httpx.Response(500, json=shapes.status(500, "InternalError", "etcdserver: leader changed")), "etcdserver"),
        (httpx.Response(503, text="upstream connect error"), "upstream connect error"),
        (httpx.Response(302, headers={"location": "https://oauth.example/login"}), "oauth.example/login"),
        (httpx.Response(200, text="<html>console</html>"), "unexpected answer"),
        (httpx.Response(200, json={"kind": "NodeList"}), "unexpected answer"),
    ],
)
async def test_server_failures_and_odd_answers_become_backend_errors(
    router: Any, pool: HttpClientPool, answer: httpx.Response, expected: str
) -> None:
    router.get(f"{HUB}/api/v1/nodes").mock(return_value=answer)
    with pytest.raises(BackendError, match=expected) as caught:
        await client(pool).list(NODES)
    assert not isinstance(caught.value, BackendTimeoutError)


async def test_a_timeout_is_a_timeout_error(router: Any, pool: HttpClientPool) -> None:
    router.get(f"{HUB}/api/v1/nodes").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(BackendTimeoutError, match="did not answer in time"):
        await client(pool).list(NODES)


async def test_a_connection_error_names_the_endpoint_but_never_the_token(router: Any, pool: HttpClientPool) -> None:
    router.get(f"{HUB}/api/v1/nodes").mock(side_effect=httpx.ConnectError(f"refused with {TOKEN}"))
    with pytest.raises(BackendError) as caught:
        await client(pool).list(NODES)
    assert HUB in str(caught.value)
    assert TOKEN not in str(caught.value)


async def test_pod_log_sends_the_documented_parameters(router: Any, pool: HttpClientPool) -> None:
    route = router.get(f"{HUB}/api/v1/namespaces/apps/pods/web-1/log").respond(200, text="line 1\nline 2\n")
    text = await client(pool).pod_log("apps", "web-1", container="app", tail_lines=50, previous=True, limit_bytes=1000)
    assert text == "line 1\nline 2\n"
    assert dict(route.calls.last.request.url.params) == {
        "container": "app",
        "tailLines": "50",
        "previous": "true",
        "limitBytes": "1000",
    }


async def test_discovery_and_version_documents(router: Any, pool: HttpClientPool) -> None:
    router.get(f"{HUB}/apis").respond(200, json=shapes.api_group_list(("apps", "v1")))
    router.get(f"{HUB}/version").respond(200, json=shapes.version_info())
    kube = client(pool)
    assert (await kube.discovery())["groups"][0]["name"] == "apps"
    assert (await kube.version())["gitVersion"] == "v1.31.6"
