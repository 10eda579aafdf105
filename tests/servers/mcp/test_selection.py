"""One selection argument for every fan-out tool: cluster names and key=value selectors (environment, type, labels)."""

from __future__ import annotations

import httpx
import pytest
import respx
from mcp.types import CallToolResult, TextContent

from servers.mcp import ToolDeps
from servers.mcp.selection import parse_selection
from tests.servers.mcp.helpers import mcp_client, register
from tools.errors import ToolInputError
from tools.fleet.models import ClusterType, Environment

VECTOR = {"status": "success", "data": {"resultType": "vector", "result": []}}


def text_of(result: CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, TextContent)
    return block.text


async def fleet(deps: ToolDeps) -> None:
    await register(deps, "hub", prometheus="http://hub.test", type_=ClusterType.HUB, environment=Environment.PRODUCTION)
    await register(
        deps,
        "edge-1",
        prometheus="http://edge-1.test",
        type_=ClusterType.EDGE,
        environment=Environment.PRODUCTION,
        labels={"site": "dallas"},
    )
    await register(
        deps, "lab-1", prometheus="http://lab-1.test", environment=Environment.LAB, labels={"site": "dallas"}
    )


@pytest.mark.parametrize(
    ("clusters", "asked"),
    [
        (["hub", "lab-1"], ["hub", "lab-1"]),
        (["environment=PRODUCTION"], ["edge-1", "hub"]),
        (["environment=production"], ["edge-1", "hub"]),
        (["site=dallas"], ["edge-1", "lab-1"]),
        (["site=dallas", "environment=PRODUCTION"], ["edge-1"]),
        (["type=EDGE"], ["edge-1"]),
        (["hub", "edge-1", "type=EDGE"], ["edge-1"]),
        (None, ["edge-1", "hub", "lab-1"]),
    ],
)
async def test_names_and_selectors_all_hold(deps: ToolDeps, clusters: list[str] | None, asked: list[str]) -> None:
    await fleet(deps)
    with respx.mock:
        routes = {
            name: respx.post(f"http://{name}.test/api/v1/query").mock(return_value=httpx.Response(200, json=VECTOR))
            for name in ("hub", "edge-1", "lab-1")
        }
        async with mcp_client(deps) as client:
            arguments: dict[str, object] = {"query": "up"} | ({"clusters": clusters} if clusters is not None else {})
            result = await client.call_tool("metrics_query", arguments)
    assert not result.isError, text_of(result)
    assert sorted(name for name, route in routes.items() if route.called) == asked
    assert result.structuredContent is not None and sorted(result.structuredContent["answered"]) == asked


@pytest.mark.parametrize(
    ("clusters", "says"),
    [
        (["site="], "is not key=value"),
        (["=dallas"], "is not key=value"),
        (["environment=PRODUCTION", "environment=LAB"], "two environments"),
        (["site=dallas", "site=paris"], "both dallas and paris"),
        (["type=EDGE", "type=HUB"], "several types"),
        ([], "empty list"),
    ],
)
def test_malformed_or_contradictory_selectors_are_refused_with_what_to_send(clusters: list[str], says: str) -> None:
    with pytest.raises(ToolInputError, match=says):
        parse_selection(clusters)


async def test_an_unknown_environment_or_a_selection_matching_nothing_says_what_exists(deps: ToolDeps) -> None:
    await fleet(deps)
    async with mcp_client(deps) as client:
        bad_env = await client.call_tool("metrics_query", {"query": "up", "clusters": ["environment=prod"]})
        nothing = await client.call_tool("metrics_query", {"query": "up", "clusters": ["site=paris"]})
    assert bad_env.isError and "PRODUCTION" in text_of(bad_env)
    assert nothing.isError and "site=paris" in text_of(nothing) and "fleet_list_clusters" in text_of(nothing)
