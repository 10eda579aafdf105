"""Fleet tools through the in-memory MCP client, on a real SQLite registry and respx-mocked endpoints."""

from __future__ import annotations

import httpx
import respx

from servers.mcp import ToolDeps
from tests.servers.mcp.helpers import mcp_client, register
from tools.fleet.models import Environment


async def test_list_clusters_returns_registered_clusters_with_filters(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        await register(deps, "hub", environment=Environment.PRODUCTION, labels={"site": "dallas"})
        await register(deps, "edge-1", environment=Environment.LAB)
        everything = await client.call_tool("fleet_list_clusters", {})
        assert not everything.isError
        assert everything.structuredContent is not None
        assert [c["name"] for c in everything.structuredContent["items"]] == ["edge-1", "hub"]
        assert everything.structuredContent["total"] == 2
        prod = await client.call_tool("fleet_list_clusters", {"environment": "PRODUCTION"})
        assert prod.structuredContent is not None
        assert [c["name"] for c in prod.structuredContent["items"]] == ["hub"]
        by_label = await client.call_tool("fleet_list_clusters", {"labels": {"site": "dallas"}})
        assert by_label.structuredContent is not None
        assert [c["name"] for c in by_label.structuredContent["items"]] == ["hub"]


async def test_list_clusters_pages_with_a_cursor(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        for i in range(5):
            await register(deps, f"c{i}-x")
        first = await client.call_tool("fleet_list_clusters", {"limit": 2})
        assert first.structuredContent is not None
        assert first.structuredContent["truncated"] is True and first.structuredContent["returned"] == 2
        seen = [c["name"] for c in first.structuredContent["items"]]
        cursor = first.structuredContent["next_cursor"]
        while cursor:
            page = await client.call_tool("fleet_list_clusters", {"limit": 2, "cursor": cursor})
            assert page.structuredContent is not None
            seen += [c["name"] for c in page.structuredContent["items"]]
            cursor = page.structuredContent.get("next_cursor")
        assert seen == [f"c{i}-x" for i in range(5)]


async def test_a_foreign_cursor_is_refused_clearly(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        result = await client.call_tool("fleet_list_clusters", {"cursor": "not-a-cursor"})
        assert result.isError
        assert "cursor" in result.content[0].text  # type: ignore[union-attr]


async def test_get_unknown_cluster_names_the_known_ones(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        await register(deps, "hub")
        result = await client.call_tool("fleet_get_cluster", {"cluster": "nope"})
        assert result.isError
        text = result.content[0].text  # type: ignore[union-attr]
        assert "nope" in text and "hub" in text


async def test_get_cluster_never_returns_credentials(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        await register(deps, "hub", prometheus="http://prom.invalid", token="s3cr3t-token-value")
        result = await client.call_tool("fleet_get_cluster", {"cluster": "hub"})
        assert not result.isError
        assert "s3cr3t-token-value" not in result.content[0].text  # type: ignore[union-attr]
        assert result.structuredContent is not None
        assert result.structuredContent["cluster"]["credential_kinds"] == ["bearer_token"]


async def test_probe_records_real_endpoint_health_and_reports_the_change(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        await register(deps, "hub", prometheus="http://prom.hub.test")
        with respx.mock(assert_all_called=False) as mock:
            mock.get("http://prom.hub.test/-/ready").respond(200, text="Prometheus Server is Ready.")
            mock.route(host="prom.hub.test", path="/api/v1/query").respond(
                200,
                json={
                    "status": "success",
                    "data": {
                        "resultType": "vector",
                        "result": [{"metric": {"__name__": "DCGM_FI_DEV_GPU_UTIL"}, "value": [1, "1"]}],
                    },
                },
            )
            result = await client.call_tool("fleet_probe_cluster", {"cluster": "hub"})
        assert not result.isError, result.content
        data = result.structuredContent
        assert data is not None
        assert data["previous_state"] == "UNKNOWN"
        assert data["cluster"]["status"]["state"] == "ONLINE"
        assert data["state_changed"] is True
        assert data["cluster"]["capabilities"]["gpu"] is True
        summary = await client.call_tool("fleet_summary", {})
        assert summary.structuredContent is not None
        assert summary.structuredContent["summary"]["by_state"] == {"ONLINE": 1}


async def test_probe_of_a_dead_cluster_is_offline_not_a_failed_call(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        await register(deps, "dead", prometheus="http://prom.dead.test")
        with respx.mock(assert_all_called=False) as mock:
            mock.route(host="prom.dead.test").mock(side_effect=httpx.ConnectError("connection refused"))
            result = await client.call_tool("fleet_probe_cluster", {"cluster": "dead"})
        assert not result.isError
        data = result.structuredContent
        assert data is not None
        assert data["cluster"]["status"]["state"] == "OFFLINE"
        assert data["clusters"][0]["status"] == "error"
        assert "prometheus" in data["clusters"][0]["message"]


async def test_a_large_fleet_list_stays_under_the_byte_cap_and_pages(deps: ToolDeps) -> None:
    for i in range(120):
        await register(deps, f"cluster-{i:03d}", labels={"site": "dallas", "team": "platform-observability"})
    cap = deps.metrics.limits.response_max_bytes
    async with mcp_client(deps) as client:
        first = await client.call_tool("fleet_list_clusters", {"limit": 500})
        data = first.structuredContent
        assert data is not None
        assert len(first.content[0].text.encode()) <= cap  # type: ignore[union-attr]
        assert data["truncated"] is True
        assert data["total"] == 120
        assert 0 < data["returned"] < 120
        rest = await client.call_tool("fleet_list_clusters", {"limit": 500, "cursor": data["next_cursor"]})
    assert rest.structuredContent is not None
    assert rest.structuredContent["items"][0]["name"] == f"cluster-{data['returned']:03d}"


async def test_probing_a_cluster_without_endpoints_is_not_reported_as_ok(deps: ToolDeps) -> None:
    await register(deps, "bare")
    async with mcp_client(deps) as client:
        result = await client.call_tool("fleet_probe_cluster", {"cluster": "bare"})
    assert result.structuredContent is not None
    assert result.structuredContent["clusters"][0]["status"] == "error"
    assert result.structuredContent["answered"] == []
    assert result.structuredContent["cluster"]["status"]["state"] == "UNKNOWN"
