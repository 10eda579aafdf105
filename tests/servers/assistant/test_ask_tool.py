"""``aiops_ask`` on the composed MCP server, the agent built on its first call, the LLM settings, and the LLM part
of ``/readyz``."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from mcp.shared.memory import create_connected_server_and_client_session

from servers.assistant import AgentLoader, llm_endpoints, readiness_report, register_ask_tool
from servers.mcp import ToolDeps, build_server
from tests.servers.mcp.helpers import make_settings, register
from tools.fleet.models import Environment


async def test_aiops_ask_is_a_read_only_tool_that_answers_with_sources_without_an_llm(
    tmp_path: Path, deps: ToolDeps
) -> None:
    agent = AgentLoader(make_settings(tmp_path), deps)
    server = build_server(
        deps, toolsets=("alerts", "ask"), ask=lambda mcp: register_ask_tool(mcp, agent), output_schemas="full"
    )
    async with agent, create_connected_server_and_client_session(server._mcp_server) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        ask = tools["aiops_ask"]
        assert ask.annotations is not None and ask.annotations.readOnlyHint is True
        assert ask.outputSchema is not None and "truncated" in ask.outputSchema["properties"]
        assert not agent.loaded  # listing the tool builds nothing
        result = await client.call_tool("aiops_ask", {"question": "what alerts are firing?"})
        assert agent.loaded
        bad = await client.call_tool("aiops_ask", {"question": "what alerts are firing?", "persona": "astrologer"})
    assert not result.isError and result.structuredContent is not None
    body = result.structuredContent
    assert body["mode"] == "deterministic" and body["route"]["personas"]
    assert "No LLM was used" in body["answer"]
    assert any(c["tool"] == "alerts_list" for c in body["citations"])
    assert bad.isError
    assert "astrologer" in bad.content[0].text and "gpu-expert" in bad.content[0].text


async def test_aiops_ask_resolves_cluster_selectors_to_the_agent_scope(tmp_path: Path, deps: ToolDeps) -> None:
    await register(deps, "hub", environment=Environment.PRODUCTION)
    await register(deps, "lab-1", environment=Environment.LAB)
    agent = AgentLoader(make_settings(tmp_path), deps)
    server = build_server(deps, toolsets=("fleet", "ask"), ask=lambda mcp: register_ask_tool(mcp, agent))
    async with agent, create_connected_server_and_client_session(server._mcp_server) as client:
        scoped = await client.call_tool(
            "aiops_ask", {"question": "which clusters are unreachable?", "clusters": ["environment=PRODUCTION"]}
        )
        unknown = await client.call_tool("aiops_ask", {"question": "which clusters?", "clusters": ["nope"]})
    assert not scoped.isError and scoped.structuredContent is not None
    asked = [c.get("arguments", {}).get("clusters") for c in scoped.structuredContent["citations"]]
    assert ["hub"] in asked and all(a in (None, ["hub"]) for a in asked)
    assert unknown.isError and "nope" in unknown.content[0].text and "hub" in unknown.content[0].text  # type: ignore[union-attr]


async def test_concurrent_first_questions_build_one_agent_which_is_closed_with_the_loader(
    tmp_path: Path, deps: ToolDeps
) -> None:
    agent = AgentLoader(make_settings(tmp_path), deps)
    first, second = await asyncio.gather(agent.get(), agent.get())
    assert first is second and agent.loaded
    assert await agent.get() is first
    await agent.aclose()
    assert not agent.loaded


# Run in a fresh interpreter: this test process has imported the agent stack already.
LAZY_AGENT = textwrap.dedent(
    """
    import asyncio, json, sys
    from pathlib import Path
    from mcp.shared.memory import create_connected_server_and_client_session
    from servers.assistant import AgentLoader, register_ask_tool
    from servers.mcp import build_server, open_deps
    from servers.settings import Settings

    HEAVY = ("agents.assistant", "langgraph", "langchain_core", "openai", "sklearn", "scipy")

    def loaded():
        return sorted(m for m in HEAVY if m in sys.modules)

    async def main():
        settings = Settings(data_dir=Path(sys.argv[1]), probe_enabled=False)
        async with open_deps(settings) as deps, AgentLoader(settings, deps) as agent:
            server = build_server(deps, toolsets=("alerts", "ask"), ask=lambda mcp: register_ask_tool(mcp, agent))
            async with create_connected_server_and_client_session(server._mcp_server) as client:
                listed = [t.name for t in (await client.list_tools()).tools]
                before = loaded()
                result = await client.call_tool("aiops_ask", {"question": "what alerts are firing?"})
                after = loaded()
        print(json.dumps({"listed": listed, "before": before, "after": after, "error": result.isError}))

    asyncio.run(main())
    """
)


@pytest.mark.slow
def test_registering_aiops_ask_imports_no_agent_code_until_the_first_call(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}  # no AIOPS_* from the developer's shell
    done = subprocess.run(
        [sys.executable, "-c", LAZY_AGENT, str(tmp_path / "data")],
        cwd=tmp_path,  # no .env file
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert "aiops_ask" in report["listed"]
    assert report["before"] == []
    assert report["after"] == ["agents.assistant", "langchain_core", "langgraph", "openai", "scipy", "sklearn"]
    assert report["error"] is False


def test_llm_endpoints_come_from_settings_primary_first(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        llm_base_url="http://vllm:8000/v1",
        llm_model="granite",
        llm_fallback_base_url="http://ollama:11434/v1",
        llm_fallback_model="llama3.1",
        llm_fallback_provider="ollama",
    )
    assert [(e.name, e.base_url, e.model, e.provider) for e in llm_endpoints(settings)] == [
        ("primary", "http://vllm:8000/v1", "granite", "vllm"),
        ("fallback", "http://ollama:11434/v1", "llama3.1", "ollama"),
    ]
    assert llm_endpoints(make_settings(tmp_path)) == []
    with pytest.raises(ValueError, match="AIOPS_LLM_MODEL"):
        llm_endpoints(make_settings(tmp_path, llm_base_url="http://vllm:8000/v1"))


async def test_readiness_reports_an_unreachable_llm_as_degraded_not_down(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, llm_base_url="http://127.0.0.1:9/v1", llm_model="granite")
    report = await readiness_report(llm_endpoints(settings))
    assert report["status"] == "degraded" and report["agent_mode"] == "deterministic"
    statuses = report["llm"]
    assert isinstance(statuses, list) and len(statuses) == 1
    assert statuses[0]["ok"] is False and statuses[0]["error"]
    no_llm = await readiness_report(llm_endpoints(make_settings(tmp_path)))
    assert no_llm == {"status": "ready", "agent_mode": "deterministic", "llm": []}
