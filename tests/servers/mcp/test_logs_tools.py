"""Logs tools through an in-memory MCP client: surface, fan-out status, Loki errors, guardrails, tenancy, patterns.

Loki is mocked with respx, with answers shaped as the Loki HTTP API documents them.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import respx
from mcp import ClientSession
from mcp.server.fastmcp import FastMCP
from mcp.shared.memory import create_connected_server_and_client_session
from mcp.types import CallToolResult

from servers.mcp import ToolDeps
from servers.mcp.logs import register_logs_tools
from tools.fleet.models import ClusterSpec, ClusterType, Credentials, Endpoints, Environment

LOGS_TOOLS = {"logs_query", "logs_labels", "logs_label_values", "logs_patterns"}
RANGE = "/loki/api/v1/query_range"
QUERY = '{namespace="payments"}'
NS = 1_000_000_000


@asynccontextmanager
async def logs_client(deps: ToolDeps) -> AsyncIterator[ClientSession]:
    """An in-memory MCP session on a server with only the logs tools."""
    mcp = FastMCP("t")
    register_logs_tools(mcp, deps)
    async with create_connected_server_and_client_session(mcp._mcp_server) as session:
        yield session


async def add_cluster(deps: ToolDeps, name: str, loki: str | None, *, token: str | None = None) -> None:
    spec = ClusterSpec(
        name=name, type=ClusterType.SPOKE, environment=Environment.DEVELOPMENT, endpoints=Endpoints(loki=loki)
    )
    credentials = Credentials.model_validate({"bearer_token": token}) if token else Credentials()
    await deps.registry.add(spec, credentials)


def streams(*specs: tuple[dict[str, str], list[tuple[int, str]]]) -> dict[str, Any]:
    result = [{"stream": labels, "values": [[str(ts), line] for ts, line in values]} for labels, values in specs]
    return {"status": "success", "data": {"resultType": "streams", "result": result, "stats": {}}}


def recent(count: int, template: str) -> list[tuple[int, str]]:
    now = time.time_ns()
    return [(now - (i + 1) * NS, template.format(i=i)) for i in range(count)]


def data(result: CallToolResult) -> dict[str, Any]:
    assert not result.isError, result.content
    assert result.structuredContent is not None
    return result.structuredContent


def error_text(result: CallToolResult) -> str:
    assert result.isError
    return result.content[0].text  # type: ignore[union-attr]


async def test_the_logs_tools_are_read_only_typed_and_described(deps: ToolDeps) -> None:
    async with logs_client(deps) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == LOGS_TOOLS
    for tool in tools.values():
        assert tool.annotations is not None and tool.annotations.readOnlyHint is True
        assert tool.outputSchema is not None and "truncated" in tool.outputSchema["properties"]
        assert tool.description is not None and len(tool.description) > 80
        assert {"clusters", "tenant"} <= set(tool.inputSchema["properties"])
    assert tools["logs_query"].inputSchema["properties"]["limit"]["maximum"] == 5000


async def test_one_dead_cluster_gives_a_labelled_partial_answer(deps: ToolDeps) -> None:
    await add_cluster(deps, "alive", "http://alive.test")
    await add_cluster(deps, "broken", "http://broken.test")
    await add_cluster(deps, "silent", "http://silent.test")
    with respx.mock() as mock:
        mock.get("http://alive.test" + RANGE).respond(
            200, json=streams(({"namespace": "payments", "pod": "api"}, recent(2, "payment {i} failed")))
        )
        mock.get("http://broken.test" + RANGE).respond(503, text="too many unhealthy instances in the ring")
        mock.get("http://silent.test" + RANGE).mock(side_effect=httpx.ReadTimeout("slow"))
        async with logs_client(deps) as client:
            answer = data(await client.call_tool("logs_query", {"query": QUERY + ' |= "failed"'}))
    assert {c["cluster"]: c["status"] for c in answer["clusters"]} == {
        "alive": "ok",
        "broken": "error",
        "silent": "timeout",
    }
    assert answer["answered"] == ["alive"]
    [stream] = answer["streams"]
    assert [line["line"] for line in stream["lines"]] == ["payment 0 failed", "payment 1 failed"]
    broken = next(c for c in answer["clusters"] if c["cluster"] == "broken")
    assert "unhealthy instances" in broken["message"]


async def test_bad_logql_comes_back_verbatim_with_the_query(deps: ToolDeps) -> None:
    await add_cluster(deps, "hub", "http://hub.test")
    message = "parse error at line 1, col 34: syntax error: unexpected IDENTIFIER, expecting STRING"
    with respx.mock() as mock:
        mock.get("http://hub.test" + RANGE).respond(400, text=message)
        async with logs_client(deps) as client:
            text = error_text(await client.call_tool("logs_query", {"query": QUERY + " |= error"}))
    assert message in text
    assert QUERY + " |= error" in text


async def test_blanket_selectors_are_refused_before_any_backend_call(deps: ToolDeps) -> None:
    await add_cluster(deps, "hub", "http://hub.test")
    with respx.mock(assert_all_called=False) as mock:
        route = mock.get("http://hub.test" + RANGE).respond(200, json=streams())
        async with logs_client(deps) as client:
            text = error_text(await client.call_tool("logs_query", {"query": '{namespace=~".+"}'}))
    assert route.call_count == 0
    assert "every log stream" in text
    assert '{namespace="payments"}' in text


async def test_no_data_is_a_success_that_names_the_query_range_and_clusters(deps: ToolDeps) -> None:
    await add_cluster(deps, "hub", "http://hub.test")
    await add_cluster(deps, "bare", None)
    with respx.mock() as mock:
        mock.get("http://hub.test" + RANGE).respond(200, json=streams())
        async with logs_client(deps) as client:
            answer = data(await client.call_tool("logs_query", {"query": QUERY, "start": "now-15m"}))
    assert answer["total"] == 0
    assert any(QUERY in n and "hub" in n and " .. " in n for n in answer["notes"])
    assert any("No Loki endpoint registered for: bare" in n for n in answer["notes"])


async def test_gateway_tenant_and_stored_token_are_used(deps: ToolDeps) -> None:
    await add_cluster(deps, "ocp", "https://gw.test/api/logs/v1/application", token="sa-token")
    with respx.mock() as mock:
        route = mock.get("https://gw.test/api/logs/v1/infrastructure/loki/api/v1/label/namespace/values").respond(
            200, json={"status": "success", "data": ["openshift-etcd", "openshift-dns"]}
        )
        async with logs_client(deps) as client:
            answer = data(
                await client.call_tool("logs_label_values", {"label": "namespace", "tenant": "infrastructure"})
            )
    assert answer["values"] == ["openshift-dns", "openshift-etcd"]
    assert route.calls.last.request.headers["Authorization"] == "Bearer sa-token"


async def test_many_lines_stay_under_the_response_cap_with_a_cursor(deps: ToolDeps) -> None:
    await add_cluster(deps, "hub", "http://hub.test")
    cap = deps.metrics.limits.response_max_bytes
    with respx.mock() as mock:
        route = mock.get("http://hub.test" + RANGE).respond(
            200, json=streams(({"namespace": "payments"}, recent(201, "{i} " + "x" * 200)))
        )
        async with logs_client(deps) as client:
            result = await client.call_tool("logs_query", {"query": QUERY})
    answer = data(result)
    assert route.calls.last.request.url.params["limit"] == "201"
    assert len(result.content[0].text.encode()) <= cap  # type: ignore[union-attr]
    assert answer["truncated"] is True
    assert answer["next_cursor"]


async def test_patterns_report_templates_and_bursts(deps: ToolDeps) -> None:
    await add_cluster(deps, "hub", "http://hub.test")
    labels = {"namespace": "payments"}
    now = time.time_ns()
    window = [(now - (i + 1) * NS, f"payment {i} declined") for i in range(30)]
    window += [(now - (i + 1) * NS, f"GET /healthz {i}ms") for i in range(5)]
    baseline = [(now - 3600 * NS - (i + 1) * NS, f"GET /healthz {i}ms") for i in range(5)]

    def answer(request: httpx.Request) -> httpx.Response:
        is_window = int(request.url.params["end"]) > now - 60 * NS
        return httpx.Response(200, json=streams((labels, sorted(window if is_window else baseline, reverse=True))))

    with respx.mock() as mock:
        mock.get("http://hub.test" + RANGE).mock(side_effect=answer)
        async with logs_client(deps) as client:
            result = data(await client.call_tool("logs_patterns", {"query": QUERY}))
    [group] = result["groups"]
    assert [(t["template"], t["count"]) for t in group["templates"]] == [
        ("payment <NUM> declined", 30),
        ("GET /healthz <NUM>ms", 5),
    ]
    assert [(b["template"], b["new"]) for b in result["bursts"]] == [("payment <NUM> declined", True)]


async def test_log_lines_and_pattern_examples_never_carry_credentials(deps: ToolDeps) -> None:
    await add_cluster(deps, "hub", "http://loki.hub.test")
    lines = recent(12, "level=info msg=login user=u{i} password=hunter2-{i} auth='Bearer abcdef123456'")
    with respx.mock() as mock:
        mock.get(f"http://loki.hub.test{RANGE}").respond(200, json=streams(({"namespace": "payments"}, lines)))
        async with logs_client(deps) as client:
            logged = data(await client.call_tool("logs_query", {"query": QUERY}))
            mined = data(await client.call_tool("logs_patterns", {"query": QUERY, "baseline": "none"}))
    for payload in (logged, mined):
        text = str(payload)
        assert "hunter2" not in text
        assert "abcdef123456" not in text
    assert "password=***" in str(logged)
