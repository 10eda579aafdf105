"""answer_question end to end on a small in-memory MCP server: cluster names learnt, scope, allow-list, events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from mcp import ClientSession
from mcp.server.fastmcp import FastMCP
from mcp.shared.memory import create_connected_server_and_client_session

from agents.deterministic import answer_question
from tools.alertmanager.results import AlertItem, AlertListResult
from tools.fleet.models import ClusterState
from tools.fleet.results import ClusterBrief, ClusterListResult


@asynccontextmanager
async def server(asked: list[dict[str, Any]]) -> AsyncIterator[ClientSession]:
    mcp = FastMCP("fake")

    @mcp.tool()
    async def fleet_list_clusters(limit: int = 100) -> ClusterListResult:
        """List clusters."""
        names = ("hub", "telco-edge")
        briefs = [
            ClusterBrief(name=n, type="HUB", platform="openshift", environment="LAB", state=ClusterState.ONLINE)
            for n in names
        ]
        return ClusterListResult(items=briefs, total=2, returned=2)

    @mcp.tool()
    async def alerts_list(state: str = "active", clusters: list[str] | None = None) -> AlertListResult:
        """List alerts."""
        asked.append({"state": state, "clusters": clusters})
        alert = AlertItem(cluster="telco-edge", alertname="PtpClockFreerun", state="active", fingerprint="f")
        return AlertListResult(view="alerts", alerts=[alert], answered=["telco-edge"])

    async with create_connected_server_and_client_session(mcp._mcp_server) as client:
        yield client


async def test_a_cluster_named_in_the_question_is_recognised_from_the_fleet_and_asked_alone() -> None:
    asked: list[dict[str, Any]] = []
    events: list[tuple[str, dict[str, Any]]] = []

    async def sink(kind: str, data: dict[str, Any]) -> None:
        events.append((kind, data))

    async with server(asked) as client:
        answer = await answer_question(
            client,
            "what alerts are firing on telco-edge?",
            persona="telco-5g",
            clusters=[],
            allowed=lambda tool: True,
            no_llm_reason="no LLM configured",
            on_event=sink,
        )
    assert asked == [{"state": "active", "clusters": ["telco-edge"]}]
    assert answer.text.splitlines()[0] == "**1 alert: PtpClockFreerun.**"
    assert "no LLM configured" in answer.text
    assert [k for k, _ in events] == ["tool_use", "tool_result"]


async def test_a_persona_without_the_tool_gets_an_answer_that_says_it_was_not_called() -> None:
    asked: list[dict[str, Any]] = []
    async with server(asked) as client:
        answer = await answer_question(
            client,
            "what alerts are firing?",
            persona="gpu-expert",
            clusters=[],
            allowed=lambda tool: tool.startswith("gpu_"),
            no_llm_reason="no LLM configured",
        )
    assert asked == []
    assert "alerts_list is not allowed for this persona; not called." in answer.text


async def test_tools_the_server_lacks_are_named_instead_of_called() -> None:
    async with server([]) as client:
        answer = await answer_question(
            client,
            "is PTP ok?",
            persona="telco-5g",
            clusters=[],
            allowed=lambda tool: True,
            no_llm_reason="no LLM configured",
        )
    assert answer.outcomes == []
    assert "Not available on this server, so not called: cnf_ptp_status." in answer.text
    assert answer.text.splitlines()[0] == "**No tool could be called for this question.**"
