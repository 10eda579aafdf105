"""Traces tools through an in-memory MCP client: surface, fan-out status, errors, summaries, cursor and resource.

Tempo and Prometheus are mocked with respx in their documented shapes (tests/tools/tempo/builders.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import respx
from mcp import ClientSession
from mcp.server.fastmcp import FastMCP
from mcp.shared.memory import create_connected_server_and_client_session
from mcp.types import CallToolResult, TextResourceContents
from pydantic import AnyUrl

from servers.mcp import ToolDeps
from servers.mcp.traces import register_traces_tools
from tests.tools.tempo.builders import HAND_MADE, TRACE_ID, otlp_trace, search_body, search_hit
from tools.fleet.models import ClusterSpec, Credentials, Endpoints

TOOLS = {"traces_search", "traces_get", "traces_compare", "traces_service_graph", "traces_tag_values"}
PARSE_ERROR = "invalid TraceQL query: parse error at line 1, col 3: syntax error: unexpected IDENTIFIER"


@asynccontextmanager
async def client(deps: ToolDeps) -> AsyncIterator[ClientSession]:
    mcp = FastMCP("t")
    register_traces_tools(mcp, deps)
    async with create_connected_server_and_client_session(mcp._mcp_server) as session:
        yield session


async def add(deps: ToolDeps, name: str, *, tempo: bool = True, prometheus: bool = False) -> None:
    endpoints = Endpoints(
        tempo=f"http://{name}-tempo.test" if tempo else None,
        prometheus=f"http://{name}-prom.test" if prometheus else None,
    )
    await deps.registry.add(ClusterSpec(name=name, endpoints=endpoints), Credentials())


def text(result: CallToolResult) -> str:
    return str(getattr(result.content[0], "text", ""))


def data(result: CallToolResult) -> dict[str, Any]:
    assert not result.isError, text(result)
    assert result.structuredContent is not None
    assert json.loads(text(result)) == result.structuredContent
    return result.structuredContent


async def test_the_five_tools_are_read_only_typed_and_described(deps: ToolDeps) -> None:
    async with client(deps) as session:
        tools = {t.name: t for t in (await session.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.annotations is not None and tool.annotations.readOnlyHint is True
        assert tool.annotations.destructiveHint is False
        assert tool.outputSchema is not None and "truncated" in tool.outputSchema["properties"]
        assert tool.description is not None and len(tool.description) > 80
    for name in TOOLS - {"traces_get"}:
        assert {"clusters"} <= set(tools[name].inputSchema["properties"]), name
    assert set(tools["traces_get"].inputSchema["required"]) == {"trace_id", "cluster"}
    assert "critical_path" in tools["traces_get"].outputSchema["properties"]  # type: ignore[index]


async def test_search_reports_each_cluster_and_names_those_without_tempo(deps: ToolDeps) -> None:
    await add(deps, "alive")
    await add(deps, "broken")
    await add(deps, "bare", tempo=False, prometheus=True)
    with respx.mock() as mock:
        mock.get("http://alive-tempo.test/api/search").respond(
            200, json=search_body(search_hit("abc", duration_ms=42, service_stats={"frontend": (3, 1)}))
        )
        mock.get("http://broken-tempo.test/api/search").respond(502, text="bad gateway")
        async with client(deps) as session:
            result = await session.call_tool("traces_search", {"query": "{ status = error }"})
    body = data(result)
    assert {c["cluster"]: c["status"] for c in body["clusters"]} == {"alive": "ok", "broken": "error"}
    assert body["traces"] == [
        {
            "cluster": "alive",
            "trace_id": "abc",
            "root_service": "frontend",
            "root_name": "GET /checkout",
            "start": "2025-12-29T09:20:00Z",
            "duration_ms": 42.0,
            "span_count": 3,
            "error": True,
        }
    ]
    assert any("bare" in n and "not asked" in n for n in body["notes"])


async def test_a_traceql_error_is_a_tool_error_with_tempos_message_and_the_query(deps: ToolDeps) -> None:
    await add(deps, "hub")
    with respx.mock() as mock:
        mock.get("http://hub-tempo.test/api/search").respond(400, text=PARSE_ERROR)
        async with client(deps) as session:
            result = await session.call_tool("traces_search", {"query": "{ a b }"})
    assert result.isError
    assert PARSE_ERROR in text(result) and "{ a b }" in text(result) and "hub" in text(result)


async def test_no_matching_trace_is_a_success_with_a_note(deps: ToolDeps) -> None:
    await add(deps, "hub")
    with respx.mock() as mock:
        mock.get("http://hub-tempo.test/api/search").respond(200, json={"traces": []})
        async with client(deps) as session:
            result = await session.call_tool("traces_search", {"query": "{ duration > 10s }", "start": "now-10m"})
    body = data(result)
    assert body["total"] == 0
    assert any("{ duration > 10s }" in n and "hub" in n for n in body["notes"])


async def test_get_summarises_the_trace_and_serves_the_span_list_by_cursor_and_resource(deps: ToolDeps) -> None:
    await add(deps, "hub")
    with respx.mock() as mock:
        mock.get(f"http://hub-tempo.test/api/traces/{TRACE_ID}").respond(200, json=otlp_trace(HAND_MADE))
        async with client(deps) as session:
            summary = data(await session.call_tool("traces_get", {"trace_id": TRACE_ID, "cluster": "hub"}))
            page = data(
                await session.call_tool(
                    "traces_get", {"trace_id": TRACE_ID, "cluster": "hub", "cursor": summary["next_cursor"]}
                )
            )
            resource = await session.read_resource(AnyUrl(summary["resource_uri"]))
    assert [(p["service"], p["critical_ms"]) for p in summary["critical_path"]] == [
        ("frontend", 30.0),
        ("cart", 10.0),
        ("redis", 20.0),
        ("checkout", 15.0),
        ("payments", 25.0),
    ]
    assert summary["errors"][0] == {
        "service": "payments",
        "name": "Charge",
        "span_id": "0000000000000006",
        "message": "card expired",
        "duration_ms": 25.0,
        "origin": True,
    }
    assert "spans" not in summary or summary["spans"] == []
    assert len(page["spans"]) == 7 and page["truncated"] is False
    contents = resource.contents[0]
    assert isinstance(contents, TextResourceContents)
    assert json.loads(contents.text)["total"] == 7


async def test_get_of_an_unknown_id_says_where_it_looked(deps: ToolDeps) -> None:
    await add(deps, "hub")
    with respx.mock() as mock:
        mock.get("http://hub-tempo.test/api/traces/deadbeef").respond(404, text="trace not found")
        async with client(deps) as session:
            result = await session.call_tool("traces_get", {"trace_id": "deadbeef", "cluster": "hub"})
    body = data(result)
    assert body["found"] is False
    assert any("No trace with id deadbeef on cluster hub" in n for n in body["notes"])


async def test_get_on_a_cluster_without_tempo_or_an_unknown_cluster_says_what_to_do(deps: ToolDeps) -> None:
    await add(deps, "bare", tempo=False, prometheus=True)
    async with client(deps) as session:
        bare = await session.call_tool("traces_get", {"trace_id": TRACE_ID, "cluster": "bare"})
        unknown = await session.call_tool("traces_get", {"trace_id": TRACE_ID, "cluster": "nope"})
    assert bare.isError and "tempo endpoint" in text(bare) and "--tempo" in text(bare)
    assert unknown.isError and "bare" in text(unknown)


async def test_tag_values_merge_across_clusters(deps: ToolDeps) -> None:
    await add(deps, "east")
    await add(deps, "west")
    values = {"tagValues": [{"type": "string", "value": "cart"}]}
    with respx.mock() as mock:
        mock.get("http://east-tempo.test/api/v2/search/tag/resource.service.name/values").respond(200, json=values)
        mock.get("http://west-tempo.test/api/v2/search/tag/resource.service.name/values").mock(
            side_effect=httpx.ReadTimeout("slow")
        )
        async with client(deps) as session:
            result = await session.call_tool("traces_tag_values", {"tag": "resource.service.name"})
    body = data(result)
    assert body["values"] == [{"value": "cart", "type": "string"}]
    assert {c["cluster"]: c["status"] for c in body["clusters"]} == {"east": "ok", "west": "timeout"}


async def test_service_graph_uses_prometheus_series_of_the_same_selection(deps: ToolDeps) -> None:
    await add(deps, "hub", prometheus=True)
    edge = {"client": "frontend", "server": "cart"}
    vector = {
        "status": "success",
        "data": {"resultType": "vector", "result": [{"metric": edge, "value": [time.time(), "2"]}]},
    }
    with respx.mock() as mock:
        mock.post("http://hub-prom.test/api/v1/query").respond(200, json=vector)
        async with client(deps) as session:
            result = await session.call_tool("traces_service_graph", {"window": "5m", "clusters": ["hub"]})
    body = data(result)
    assert body["source"] == "metrics"
    assert body["edges"][0]["client"] == "frontend" and body["edges"][0]["request_rate"] == 2.0


async def test_compare_reports_contributors_through_mcp(deps: ToolDeps) -> None:
    await add(deps, "hub")
    with respx.mock() as mock:
        mock.get("http://hub-tempo.test/api/search").respond(200, json=search_body())
        async with client(deps) as session:
            result = await session.call_tool("traces_compare", {"service": "checkout", "threshold_ms": 250})
    body = data(result)
    assert body["slow_query"] == '{ resource.service.name = "checkout" && duration >= 250ms }'
    assert body["contributors"] == []
    assert any("Not enough traces" in n for n in body["notes"])
