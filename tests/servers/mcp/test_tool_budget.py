"""The token budget of the tool surface (issue 9): every client sends ``tools/list`` to its model on every turn.

Sizes are deterministic (compact JSON characters / 4), so the budget is a plain test: every toolset together, the
agent tool included, stays within 10,000 tokens, and no single tool grows past a ceiling unnoticed.
"""

from __future__ import annotations

from pathlib import Path

from mcp.shared.memory import create_connected_server_and_client_session

from servers.assistant import AgentLoader, register_ask_tool
from servers.mcp import TOOLSETS, ToolDeps, build_server
from servers.mcp.surface import tools_list_tokens
from tests.servers.mcp.helpers import make_settings

TOTAL_BUDGET = 10_000
PER_TOOL_CEILING = 500


async def test_every_toolset_together_fits_the_budget(deps: ToolDeps, tmp_path: Path) -> None:
    agent = AgentLoader(make_settings(tmp_path), deps)
    server = build_server(deps, toolsets=TOOLSETS, ask=lambda mcp: register_ask_tool(mcp, agent))
    async with create_connected_server_and_client_session(server._mcp_server) as client:
        tools = (await client.list_tools()).tools
    assert "aiops_ask" in {t.name for t in tools}
    assert len(tools) >= 39
    assert tools_list_tokens(tools) <= TOTAL_BUDGET
    oversized = {t.name: tools_list_tokens([t]) for t in tools if tools_list_tokens([t]) > PER_TOOL_CEILING}
    assert oversized == {}


async def test_the_token_estimate_counts_what_travels(deps: ToolDeps) -> None:
    # Guard against a budget test that cannot fail: the estimate grows with the listing it measures.
    server = build_server(deps, toolsets=("fleet",))
    async with create_connected_server_and_client_session(server._mcp_server) as client:
        fleet = (await client.list_tools()).tools
    server = build_server(deps, toolsets=("fleet", "metrics"))
    async with create_connected_server_and_client_session(server._mcp_server) as client:
        more = (await client.list_tools()).tools
    assert 0 < tools_list_tokens(fleet) < tools_list_tokens(more)
