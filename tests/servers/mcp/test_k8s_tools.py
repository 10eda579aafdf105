"""The k8s tools through an in-memory MCP client: surface, fan-out, paging, errors — and the security proof that
no argument combination ever reaches a Secret or returns a ConfigMap value (respx records every request)."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
import respx
from mcp import ClientSession
from mcp.server.fastmcp import FastMCP
from mcp.shared.memory import create_connected_server_and_client_session
from mcp.types import CallToolResult
from pydantic import SecretStr

from servers.mcp import ToolDeps
from servers.mcp.k8s import register_k8s_tools
from tests.tools.kubernetes import shapes
from tools.contract import encode_cursor
from tools.fleet.models import ClusterSpec, Credentials, Endpoints

TOKEN = "sha256~mcp-k8s-token-0123456789abcdefghijklmnop"
HUB, SPOKE = "https://api.hub.test:6443", "https://api.spoke.test:6443"
K8S_TOOLS = {
    "k8s_list_nodes",
    "k8s_list_pods",
    "k8s_list_events",
    "k8s_get_workload",
    "k8s_pod_logs",
    "k8s_cluster_version",
}
SECRET_VALUE = "U0VDUkVULVZBTFVFLW11c3Qtbm90LWxlYWs="
CONFIGMAP_VALUE = "CONFIGMAP-VALUE-must-not-leak"
ENV_VALUE = "ENV-VALUE-must-not-leak"


@asynccontextmanager
async def k8s_client(deps: ToolDeps) -> AsyncIterator[ClientSession]:
    mcp = FastMCP("t")
    register_k8s_tools(mcp, deps)
    async with create_connected_server_and_client_session(mcp._mcp_server) as session:
        yield session


async def add(deps: ToolDeps, name: str, api: str | None) -> None:
    await deps.registry.add(
        ClusterSpec(name=name, endpoints=Endpoints(api=api)), Credentials(bearer_token=SecretStr(TOKEN))
    )


def text_of(result: CallToolResult) -> str:
    return "".join(getattr(c, "text", "") for c in result.content)


async def test_the_k8s_domain_has_six_read_only_typed_tools(deps: ToolDeps) -> None:
    async with k8s_client(deps) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == K8S_TOOLS
    for tool in tools.values():
        assert tool.annotations is not None
        assert (tool.annotations.readOnlyHint, tool.annotations.destructiveHint) == (True, False)
        assert tool.outputSchema is not None and "truncated" in tool.outputSchema["properties"], tool.name
        assert tool.description is not None and len(tool.description) > 120, tool.name
        assert {"clusters"} <= set(tool.inputSchema["properties"]), tool.name
    assert tools["k8s_pod_logs"].inputSchema["properties"]["tail_lines"]["maximum"] == 2000
    assert tools["k8s_pod_logs"].inputSchema["properties"]["tail_lines"]["default"] == 200


async def test_pods_fan_out_with_per_cluster_status_and_missing_endpoints_named(deps: ToolDeps) -> None:
    await add(deps, "hub", HUB)
    await add(deps, "spoke", SPOKE)
    await add(deps, "bare", None)
    crash = shapes.container_status(
        "app", ready=False, restarts=4, waiting="CrashLoopBackOff", last_terminated=("OOMKilled", 137)
    )
    with respx.mock() as mock:
        route = mock.get(f"{HUB}/api/v1/namespaces/apps/pods").respond(
            200, json=shapes.object_list("Pod", [shapes.pod("ok"), shapes.pod("oom", statuses=[crash])])
        )
        mock.get(f"{SPOKE}/api/v1/namespaces/apps/pods").mock(side_effect=httpx.ConnectTimeout("slow"))
        async with k8s_client(deps) as client:
            result = await client.call_tool("k8s_list_pods", {"namespace": "apps"})
    assert not result.isError, text_of(result)
    data = result.structuredContent
    assert data is not None
    assert {c["cluster"]: c["status"] for c in data["clusters"]} == {"hub": "ok", "spoke": "timeout"}
    assert [p["name"] for p in data["pods"]] == ["oom", "ok"]
    assert data["pods"][0]["last_termination"] == {
        "container": "app",
        "reason": "OOMKilled",
        "exit_code": 137,
        "finished_at": shapes.T1,
    }
    assert any("bare" in n and "not asked" in n for n in data["notes"])
    assert route.calls.last.request.headers["Authorization"] == f"Bearer {TOKEN}"


async def test_pagination_round_trip_through_the_cursor(deps: ToolDeps) -> None:
    await add(deps, "hub", HUB)

    def pages(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("continue") == "page-2":
            return httpx.Response(200, json=shapes.object_list("Node", [shapes.node("n3")]))
        return httpx.Response(
            200, json=shapes.object_list("Node", [shapes.node("n1"), shapes.node("n2")], cont="page-2")
        )

    with respx.mock() as mock:
        mock.get(f"{HUB}/api/v1/nodes").mock(side_effect=pages)
        async with k8s_client(deps) as client:
            first = await client.call_tool("k8s_list_nodes", {"limit": 2})
            assert first.structuredContent is not None
            cursor = first.structuredContent["next_cursor"]
            second = await client.call_tool("k8s_list_nodes", {"limit": 2, "cursor": cursor})
    assert [n["name"] for n in first.structuredContent["nodes"]] == ["n1", "n2"]
    assert first.structuredContent["truncated"] is True
    assert second.structuredContent is not None
    assert [n["name"] for n in second.structuredContent["nodes"]] == ["n3"]
    assert "next_cursor" not in second.structuredContent


async def test_rbac_refusal_is_a_tool_error_naming_what_was_refused(deps: ToolDeps) -> None:
    await add(deps, "hub", HUB)
    with respx.mock() as mock:
        mock.get(f"{HUB}/apis/apps/v1/namespaces/apps/deployments").respond(
            403, json=shapes.forbidden("list", "deployments", "apps", group="apps")
        )
        async with k8s_client(deps) as client:
            result = await client.call_tool("k8s_get_workload", {"namespace": "apps"})
    assert result.isError
    text = text_of(result)
    assert "not allowed to list deployments.apps in namespace 'apps'" in text
    assert TOKEN not in text


async def test_a_workload_name_without_namespace_is_an_actionable_error(deps: ToolDeps) -> None:
    await add(deps, "hub", HUB)
    async with k8s_client(deps) as client:
        result = await client.call_tool("k8s_get_workload", {"kind": "statefulset", "name": "db"})
    assert result.isError
    assert "needs its namespace" in text_of(result)


async def test_pod_logs_come_back_redacted(deps: ToolDeps) -> None:
    await add(deps, "hub", HUB)
    with respx.mock() as mock:
        mock.get(f"{HUB}/api/v1/namespaces/ml/pods/trainer-0/log").respond(
            200, text=f"boot\nAuthorization: Bearer {TOKEN}\npassword=hunter2\nOOM\n"
        )
        async with k8s_client(deps) as client:
            result = await client.call_tool("k8s_pod_logs", {"namespace": "ml", "pod": "trainer-0", "previous": True})
    assert not result.isError, text_of(result)
    text = text_of(result)
    assert "hunter2" not in text and TOKEN not in text
    assert result.structuredContent is not None
    assert result.structuredContent["logs"][0]["lines"] == ["boot", "Authorization: Bearer ***", "password=***", "OOM"]


async def test_cluster_version_on_plain_kubernetes_says_clusterversion_does_not_exist(deps: ToolDeps) -> None:
    await add(deps, "hub", HUB)
    with respx.mock() as mock:
        mock.get(f"{HUB}/apis/config.openshift.io/v1/clusterversions/version").respond(
            404, json=shapes.status(404, "NotFound", "the server could not find the requested resource")
        )
        mock.get(f"{HUB}/version").respond(200, json=shapes.version_info("v1.30.2"))
        async with k8s_client(deps) as client:
            result = await client.call_tool("k8s_cluster_version", {})
    assert result.structuredContent is not None
    assert result.structuredContent["versions"][0]["platform"] == "kubernetes"
    assert result.structuredContent["versions"][0]["version"] == "v1.30.2"
    assert any("ClusterVersion does not exist" in n for n in result.structuredContent["notes"])


# -- the security proof ----------------------------------------------------------------------------------------

HOSTILE = [
    "secrets",
    "SECRETS",
    "secrets/db-creds",
    "../secrets",
    "../../secrets/db",
    "..%2Fsecrets",
    "%2e%2e/secrets",
    "%2e%2e%2fsecrets",
    "%73ecrets",
    "%2573ecrets",
    "apps/secrets",
    "a/../../api/v1/secrets",
    "x?y=/api/v1/secrets",
    "x#/secrets",
    "configmaps",
    "app-config/../../configmaps",
    "kube-system",
]
STRING_ARGUMENTS: dict[str, dict[str, Any]] = {
    "k8s_list_nodes": {"label_selector": None},
    "k8s_list_pods": {"namespace": None, "label_selector": None, "field_selector": None},
    "k8s_list_events": {"namespace": None, "object_kind": None, "object_name": None, "reason": None},
    "k8s_get_workload": {"namespace": None, "name": None, "label_selector": None},
    "k8s_pod_logs": {"namespace": None, "pod": None, "container": None},
    "k8s_cluster_version": {},
}
BASE_ARGUMENTS: dict[str, dict[str, Any]] = {
    "k8s_pod_logs": {"namespace": "apps", "pod": "web-1"},
    "k8s_get_workload": {"namespace": "apps"},
}


def calls() -> list[tuple[str, dict[str, Any]]]:
    """Every tool with every hostile value in each of its string arguments (and in pairs), plus crafted cursors."""
    cases: list[tuple[str, dict[str, Any]]] = []
    for tool, arguments in STRING_ARGUMENTS.items():
        base = BASE_ARGUMENTS.get(tool, {})
        cases.append((tool, dict(base)))
        for argument, value in itertools.product(arguments, HOSTILE):
            cases.append((tool, {**base, argument: value}))
        for first, second in itertools.combinations(arguments, 2):
            cases.append((tool, {**base, first: "../secrets", second: "secrets"}))
        if tool != "k8s_pod_logs" and tool != "k8s_cluster_version":
            for token in ("../secrets", "/api/v1/secrets"):
                crafted = encode_cursor({"f": "x", "t": {"hub": token}, "s": 0})
                cases.append((tool, {**base, "cursor": crafted}))
    return cases


def fully_unquoted(text: str) -> str:
    for _ in range(5):
        text = unquote(text)
    return text


def answer(request: httpx.Request) -> httpx.Response:
    """A permissive fake API: Secret/ConfigMap bodies (with sentinel values) for their paths, pods with inline env
    values everywhere else — so a leak would show if any tool ever asked for or echoed them."""
    path = fully_unquoted(request.url.path).lower()
    if "secrets" in path:
        return httpx.Response(200, json={"kind": "Secret", "data": {"password": SECRET_VALUE}})
    if "configmaps" in path:
        return httpx.Response(
            200,
            json={"kind": "ConfigMap", "data": {"app.conf": CONFIGMAP_VALUE}, "binaryData": {"blob": CONFIGMAP_VALUE}},
        )
    if path.endswith("/log"):
        return httpx.Response(200, text="log line\n")
    return httpx.Response(200, json=shapes.object_list("Pod", [shapes.pod("web-1")]))


async def test_no_argument_combination_ever_reaches_a_secret_or_returns_a_configmap_value(deps: ToolDeps) -> None:
    await add(deps, "hub", HUB)
    cases = calls()
    assert len(cases) > 200
    outputs: list[str] = []
    with respx.mock(assert_all_called=False) as mock:
        recorder = mock.route().mock(side_effect=answer)
        async with k8s_client(deps) as client:
            for tool, arguments in cases:
                result = await client.call_tool(tool, arguments)
                outputs.append(text_of(result) + json.dumps(result.structuredContent or {}))
    requests = [c.request for c in recorder.calls]
    assert requests, "the fake API was never asked: the proof would prove nothing"
    for request in requests:
        assert request.method == "GET"
        path = fully_unquoted(request.url.path).lower()
        assert "secrets" not in path, request.url
        assert "configmaps" not in path, request.url
    everything = "\n".join(outputs)
    for value in (SECRET_VALUE, CONFIGMAP_VALUE, ENV_VALUE, TOKEN):
        assert value not in everything


@pytest.mark.parametrize("value", ["secrets", "../secrets", "%2e%2e%2fsecrets"])
async def test_hostile_names_are_refused_with_a_clear_message(deps: ToolDeps, value: str) -> None:
    await add(deps, "hub", HUB)
    with respx.mock() as mock:
        async with k8s_client(deps) as client:
            result = await client.call_tool("k8s_pod_logs", {"namespace": "apps", "pod": value})
        assert not mock.calls
    assert result.isError
    assert "Secret" in text_of(result) or "not a valid Kubernetes name" in text_of(result)
