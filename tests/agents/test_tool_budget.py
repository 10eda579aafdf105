"""Each persona's model is sent its tools' schemas on every round: at most 3,000 tokens per built-in persona."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp.shared.memory import create_connected_server_and_client_session

from agents.toolbox import Toolbox, schema_tokens
from personas import load_personas
from servers.mcp import open_deps
from servers.mcp.server import build_server
from tests.servers.mcp.helpers import make_settings

PERSONA_BUDGET = 3_000
PERSONAS = [p.name for p in load_personas(None)]


@pytest.mark.parametrize("persona", PERSONAS)
async def test_a_persona_tool_subset_fits_its_budget(tmp_path: Path, persona: str) -> None:
    async with open_deps(make_settings(tmp_path)) as deps:
        server = build_server(deps)
        async with create_connected_server_and_client_session(server._mcp_server) as session:
            toolbox = await Toolbox.load(session)
            chosen = load_personas(None).get(persona)
            tools = toolbox.for_persona(chosen)
            assert len(tools) >= 5, "a persona with almost no tools would pass any budget"
            assert toolbox.persona_tokens(chosen) <= PERSONA_BUDGET
            # the measure is the specs bind_tools sends, and it grows with every tool added
            assert 0 < schema_tokens(tools[:1]) < schema_tokens(tools) == toolbox.persona_tokens(chosen)
