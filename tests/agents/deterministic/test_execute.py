"""Executing plans through a real in-memory MCP session: allow-list, errors kept verbatim, events, isolation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from mcp import ClientSession
from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.exceptions import ToolError
from mcp.shared.memory import create_connected_server_and_client_session

from agents.deterministic.execute import execute_plan
from agents.deterministic.model import Plan, PlannedCall
from tools.contract import ToolResult

BAD_QUERY = "bad PromQL 'rate(x[' at char 8: unexpected end of input; try rate(x[5m])"


class EchoResult(ToolResult):
    """A minimal result following the contract."""

    echoed: str


@asynccontextmanager
async def session() -> AsyncIterator[ClientSession]:
    server = FastMCP("test")

    @server.tool()
    async def echo(text: str) -> EchoResult:
        """Echo the text back."""
        return EchoResult(echoed=text, answered=["hub"])

    @server.tool()
    async def broken(query: str) -> EchoResult:
        """Always fail like a tool facing a bad query."""
        raise ToolError(BAD_QUERY)

    async with create_connected_server_and_client_session(server._mcp_server) as client:
        yield client


def plan(*calls: PlannedCall) -> Plan:
    return Plan("test", "Test", calls)


async def test_results_come_back_structured_in_plan_order() -> None:
    calls = (PlannedCall("echo", {"text": "a"}, "first"), PlannedCall("echo", {"text": "b"}, "second"))
    async with session() as client:
        outcomes = await execute_plan(client, plan(*calls), allowed=lambda tool: True)
    assert [o.structured["echoed"] for o in outcomes if o.structured] == ["a", "b"]
    assert all(o.ok and o.error is None for o in outcomes)


async def test_a_tool_error_keeps_its_message_and_does_not_sink_the_other_calls() -> None:
    calls = (PlannedCall("broken", {"query": "rate(x["}, "fails"), PlannedCall("echo", {"text": "a"}, "works"))
    async with session() as client:
        failed, worked = await execute_plan(client, plan(*calls), allowed=lambda tool: True)
    assert not failed.ok and failed.error is not None and BAD_QUERY in failed.error
    assert worked.ok and worked.structured is not None and worked.structured["echoed"] == "a"


async def test_a_call_outside_the_persona_allow_list_is_not_made() -> None:
    events: list[tuple[str, dict[str, Any]]] = []

    async def sink(kind: str, data: dict[str, Any]) -> None:
        events.append((kind, data))

    calls = (PlannedCall("echo", {"text": "a"}, "allowed"), PlannedCall("broken", {"query": "q"}, "forbidden"))
    async with session() as client:
        outcomes = await execute_plan(client, plan(*calls), allowed=lambda tool: tool == "echo", on_event=sink)
    assert outcomes[1].error == "broken is not allowed for this persona; not called."
    # Calls run concurrently: compare without order. The refused call still reports its result to the UI.
    assert sorted(d["tool"] for k, d in events if k == "tool_result") == ["broken", "echo"]


async def test_events_announce_each_call_before_its_result() -> None:
    events: list[tuple[str, dict[str, Any]]] = []

    async def sink(kind: str, data: dict[str, Any]) -> None:
        events.append((kind, data))

    async with session() as client:
        await execute_plan(
            client, plan(PlannedCall("echo", {"text": "a"}, "say a")), allowed=lambda t: True, on_event=sink
        )
    assert [k for k, _ in events] == ["tool_use", "tool_result"]
    assert events[0][1] == {"index": 0, "tool": "echo", "arguments": {"text": "a"}, "purpose": "say a"}
    assert events[1][1]["ok"] is True and events[1][1]["clusters"] == ["hub"]


async def test_an_unknown_tool_becomes_a_failed_outcome() -> None:
    async with session() as client:
        (outcome,) = await execute_plan(client, plan(PlannedCall("nope", {}, "missing")), allowed=lambda t: True)
    assert not outcome.ok and outcome.error and "nope" in outcome.error
