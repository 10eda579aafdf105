"""Without a working LLM the agent still answers, deterministically, and says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.assistant import Assistant
from agents.llm import ModelChain
from agents.toolbox import Toolbox
from personas import PersonaCatalog, load_personas
from servers.mcp import open_deps
from tests.agents.fakes import ScriptedChatModel, chain_of, tool_call, unreachable
from tests.servers.mcp.helpers import make_settings, mcp_client

GPU = "You are **NVIDIA GPU specialist**"


@pytest.fixture(scope="module")
def personas() -> PersonaCatalog:
    return load_personas()


async def test_an_llm_that_cannot_be_reached_switches_the_turn_to_the_deterministic_mode(
    tmp_path: Path, personas: PersonaCatalog
) -> None:
    model = ScriptedChatModel.scripted(unreachable())
    async with open_deps(make_settings(tmp_path)) as deps, mcp_client(deps) as session:
        assistant = Assistant(toolbox=await Toolbox.load(session), models=chain_of(model), personas=personas)
        answer = await assistant.ask("which GPUs are running hot?")
    assert answer.mode == "deterministic" and answer.route["method"] == "classifier"
    assert answer.personas[0] == "gpu-expert"
    assert "the LLM did not answer" in answer.route["no_llm_reason"]
    assert "No LLM was used for this answer" in answer.text
    assert "Connection error" in answer.text  # the reason is shown to the reader
    assert answer.citations and all(c.tool.startswith("gpu_") for c in answer.citations)


async def test_no_configured_llm_means_deterministic_from_the_start(tmp_path: Path, personas: PersonaCatalog) -> None:
    async with open_deps(make_settings(tmp_path)) as deps, mcp_client(deps) as session:
        assistant = Assistant(toolbox=await Toolbox.load(session), models=ModelChain.empty(), personas=personas)
        answer = await assistant.ask("what alerts are firing?")
    assert answer.mode == "deterministic"
    assert "no LLM is configured" in answer.text
    assert any(c.tool == "alerts_list" for c in answer.citations)


async def test_an_llm_failing_part_way_hands_the_persona_over_to_the_deterministic_plan(
    tmp_path: Path, personas: PersonaCatalog
) -> None:
    model = ScriptedChatModel.keyed(
        {GPU: [tool_call("gpu_list_nodes", {}), unreachable()]},
        default=[tool_call("consult_gpu_expert", {"task": "hot GPUs"})],
    )
    async with open_deps(make_settings(tmp_path)) as deps, mcp_client(deps) as session:
        assistant = Assistant(toolbox=await Toolbox.load(session), models=chain_of(model), personas=personas)
        answer = await assistant.ask("which GPUs are running hot?")
    assert answer.route["method"] == "llm"
    assert "the LLM failed part-way" in answer.text and "No LLM was used" in answer.text
    assert answer.mode == "llm"  # the turn kept its LLM; only the persona that lost it went deterministic
