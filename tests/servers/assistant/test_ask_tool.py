"""``aiops_ask`` on the composed MCP server, the LLM settings, and the LLM part of ``/readyz``."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp.shared.memory import create_connected_server_and_client_session

from servers.assistant import AgentRuntime, llm_endpoints, readiness_report, register_ask_tool
from servers.mcp import ToolDeps, build_server
from tests.servers.mcp.helpers import make_settings


async def test_aiops_ask_is_a_read_only_tool_that_answers_with_sources_without_an_llm(
    tmp_path: Path, deps: ToolDeps
) -> None:
    server = build_server(deps)
    runtime = AgentRuntime.create(make_settings(tmp_path), deps)
    register_ask_tool(server, runtime)
    async with runtime, create_connected_server_and_client_session(server._mcp_server) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        ask = tools["aiops_ask"]
        assert ask.annotations is not None and ask.annotations.readOnlyHint is True
        assert ask.outputSchema is not None and "truncated" in ask.outputSchema["properties"]
        result = await client.call_tool("aiops_ask", {"question": "what alerts are firing?"})
        bad = await client.call_tool("aiops_ask", {"question": "what alerts are firing?", "persona": "astrologer"})
    assert not result.isError and result.structuredContent is not None
    body = result.structuredContent
    assert body["mode"] == "deterministic" and body["route"]["personas"]
    assert "No LLM was used" in body["answer"]
    assert any(c["tool"] == "alerts_list" for c in body["citations"])
    assert bad.isError
    assert "astrologer" in bad.content[0].text and "gpu-expert" in bad.content[0].text  # type: ignore[union-attr]


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


async def test_readiness_reports_an_unreachable_llm_as_degraded_not_down(tmp_path: Path, deps: ToolDeps) -> None:
    settings = make_settings(tmp_path, llm_base_url="http://127.0.0.1:9/v1", llm_model="granite")
    async with AgentRuntime.create(settings, deps) as runtime:
        report = await readiness_report(runtime)
    assert report["status"] == "degraded" and report["agent_mode"] == "deterministic"
    statuses = report["llm"]
    assert isinstance(statuses, list) and len(statuses) == 1
    assert statuses[0]["ok"] is False and statuses[0]["error"]
    no_llm = await readiness_report(AgentRuntime.create(make_settings(tmp_path), deps))
    assert no_llm == {"status": "ready", "agent_mode": "deterministic", "llm": []}
