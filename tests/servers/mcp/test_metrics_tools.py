"""Metrics tools through the in-memory MCP client: fan-out status, errors, guardrails, paging and resources.

Prometheus is mocked with respx here (shapes from the Prometheus HTTP API docs); the same tools run against a real
Prometheus in tests/servers/cli/test_stdio_clients.py and tests/tools/prometheus/test_integration.py.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import respx
from mcp.types import TextResourceContents

from servers.mcp import ToolDeps
from tests.servers.mcp.helpers import mcp_client, register


def vector(*samples: tuple[dict[str, str], float]) -> dict[str, Any]:
    now = time.time()
    return {
        "status": "success",
        "data": {"resultType": "vector", "result": [{"metric": m, "value": [now, str(v)]} for m, v in samples]},
    }


def matrix(n_series: int, points: int) -> dict[str, Any]:
    start = time.time() - 3600
    return {
        "status": "success",
        "data": {
            "resultType": "matrix",
            "result": [
                {
                    "metric": {"__name__": "m", "job": "j", "instance": f"i{s:02d}"},
                    "values": [[start + 15 * p, str(s + (p % 7))] for p in range(points)],
                }
                for s in range(n_series)
            ],
        },
    }


async def test_one_dead_cluster_gives_a_labelled_partial_answer(deps: ToolDeps) -> None:
    await register(deps, "alive", prometheus="http://alive.test")
    await register(deps, "broken", prometheus="http://broken.test")
    await register(deps, "silent", prometheus="http://silent.test")
    with respx.mock() as mock:
        mock.post("http://alive.test/api/v1/query").respond(200, json=vector(({"pod": "a"}, 5.0)))
        mock.post("http://broken.test/api/v1/query").respond(503, text="upstream unavailable")
        mock.post("http://silent.test/api/v1/query").mock(side_effect=httpx.ReadTimeout("slow"))
        async with mcp_client(deps) as client:
            result = await client.call_tool("metrics_query", {"query": "up"})
    assert not result.isError, result.content
    data = result.structuredContent
    assert data is not None
    statuses = {c["cluster"]: c["status"] for c in data["clusters"]}
    assert statuses == {"alive": "ok", "broken": "error", "silent": "timeout"}
    assert data["answered"] == ["alive"]
    assert [s["cluster"] for s in data["samples"]] == ["alive"]
    broken = next(c for c in data["clusters"] if c["cluster"] == "broken")
    assert "503" in broken["message"]


async def test_a_promql_parse_error_comes_back_verbatim_with_the_query(deps: ToolDeps) -> None:
    await register(deps, "hub", prometheus="http://hub.test")
    error = 'parse error: unexpected "}" in label matching, expected string'
    with respx.mock() as mock:
        mock.post("http://hub.test/api/v1/query").respond(
            400, json={"status": "error", "errorType": "bad_data", "error": error}
        )
        async with mcp_client(deps) as client:
            result = await client.call_tool("metrics_query", {"query": "up{job=}"})
    assert result.isError
    text = result.content[0].text  # type: ignore[union-attr]
    assert error in text
    assert "up{job=}" in text


async def test_blanket_selectors_are_refused_before_any_backend_call(deps: ToolDeps) -> None:
    await register(deps, "hub", prometheus="http://hub.test")
    with respx.mock(assert_all_called=False) as mock:
        route = mock.post("http://hub.test/api/v1/query").respond(200, json=vector())
        async with mcp_client(deps) as client:
            result = await client.call_tool("metrics_query", {"query": '{__name__=~".+"}'})
    assert result.isError
    assert route.call_count == 0
    assert "__name__" in result.content[0].text  # type: ignore[union-attr]


async def test_unknown_cluster_and_empty_selection_say_what_to_do(deps: ToolDeps) -> None:
    await register(deps, "hub", prometheus="http://hub.test")
    async with mcp_client(deps) as client:
        unknown = await client.call_tool("metrics_query", {"query": "up", "clusters": ["nope"]})
        nothing = await client.call_tool("metrics_query", {"query": "up", "clusters": ["environment=LAB"]})
    assert unknown.isError
    assert "hub" in unknown.content[0].text  # type: ignore[union-attr]
    assert nothing.isError
    assert "fleet_list_clusters" in nothing.content[0].text  # type: ignore[union-attr]


async def test_clusters_without_prometheus_are_named_in_notes(deps: ToolDeps) -> None:
    await register(deps, "hub", prometheus="http://hub.test")
    await register(deps, "bare")
    with respx.mock() as mock:
        mock.post("http://hub.test/api/v1/query").respond(200, json=vector(({"pod": "a"}, 1.0)))
        async with mcp_client(deps) as client:
            result = await client.call_tool("metrics_query", {"query": "up"})
    assert result.structuredContent is not None
    assert any("bare" in note for note in result.structuredContent["notes"])


async def test_no_data_is_a_success_that_says_what_was_searched(deps: ToolDeps) -> None:
    await register(deps, "hub", prometheus="http://hub.test")
    with respx.mock() as mock:
        mock.post("http://hub.test/api/v1/query").respond(200, json=vector())
        async with mcp_client(deps) as client:
            result = await client.call_tool("metrics_query", {"query": "DCGM_FI_DEV_GPU_TEMP"})
    assert not result.isError
    data = result.structuredContent
    assert data is not None
    assert data["total"] == 0
    assert any("DCGM_FI_DEV_GPU_TEMP" in note and "hub" in note for note in data["notes"])


async def test_range_query_summarises_compactly_and_offers_the_full_data(deps: ToolDeps) -> None:
    await register(deps, "hub", prometheus="http://hub.test")
    raw = matrix(60, 240)
    with respx.mock() as mock:
        mock.post("http://hub.test/api/v1/query_range").respond(200, json=raw)
        async with mcp_client(deps) as client:
            result = await client.call_tool("metrics_query_range", {"query": "m", "step": "15s"})
            assert not result.isError, result.content
            data = result.structuredContent
            assert data is not None
            text = result.content[0].text  # type: ignore[union-attr]
            assert len(text) <= 6000
            assert len(httpx.Response(200, json=raw).content) / len(text) >= 30
            assert data["total"] == 60
            assert data["returned"] == 10
            assert data["truncated"] is True
            for series in data["series"]:
                assert {"min", "max", "mean", "last", "p95"} <= set(series)
            uri = data["resource_uri"]
            assert uri.startswith("metrics://range/")
            full = await client.read_resource(uri)
            second = await client.call_tool(
                "metrics_query_range", {"query": "m", "step": "15s", "cursor": data["next_cursor"]}
            )
    content = full.contents[0]
    assert isinstance(content, TextResourceContents)
    assert '"i59"' in content.text
    assert second.structuredContent is not None
    assert second.structuredContent["returned"] == 10
    first_ids = {s["labels"].get("instance") for s in data["series"]}
    second_ids = {s["labels"].get("instance") for s in second.structuredContent["series"]}
    assert first_ids.isdisjoint(second_ids)


async def test_an_empty_cluster_list_is_refused_not_read_as_everything(deps: ToolDeps) -> None:
    await register(deps, "hub", prometheus="http://hub.test")
    async with mcp_client(deps) as client:
        result = await client.call_tool("metrics_query", {"query": "up", "clusters": []})
    assert result.isError
    assert "empty" in result.content[0].text  # type: ignore[union-attr]


async def test_a_cluster_with_an_unusable_url_row_is_one_error_not_a_failed_call(deps: ToolDeps) -> None:
    await register(deps, "good", prometheus="http://good.test")
    await register(deps, "worse", prometheus="http://worse.test")
    with respx.mock() as mock:
        mock.post("http://good.test/api/v1/query").respond(200, json=vector(({"pod": "a"}, 1.0)))
        mock.post("http://worse.test/api/v1/query").mock(side_effect=httpx.InvalidURL("Invalid port: '909O'"))
        async with mcp_client(deps) as client:
            result = await client.call_tool("metrics_query", {"query": "up"})
    assert not result.isError, result.content
    assert result.structuredContent is not None
    statuses = {c["cluster"]: c["status"] for c in result.structuredContent["clusters"]}
    assert statuses == {"good": "ok", "worse": "error"}
