"""Run a plan's calls through an MCP client session: the same tool surface an outside client sees.

Calls run concurrently; each one ends as a :class:`CallOutcome`, so one failure (a tool error, a call the persona
may not make, a broken connection) never sinks the others.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import mcp
from mcp.types import CallToolResult, TextContent

from agents.deterministic.model import CallOutcome, Plan, PlannedCall

__all__ = ["CallOutcome", "EventSink", "error_text", "execute_plan"]

EventSink = Callable[[str, dict[str, Any]], Awaitable[None]]


def error_text(result: CallToolResult) -> str:
    """The message of an ``isError`` result, verbatim (the tool's own words say what to try next)."""
    texts = [c.text for c in result.content if isinstance(c, TextContent)]
    return "\n".join(texts) or "the tool reported an error without a message"


async def _one(session: mcp.ClientSession, call: PlannedCall, allowed: Callable[[str], bool]) -> CallOutcome:
    started = time.perf_counter()

    def elapsed() -> float:
        return round((time.perf_counter() - started) * 1000, 1)

    if not allowed(call.tool):
        return CallOutcome(call, False, None, f"{call.tool} is not allowed for this persona; not called.", 0.0)
    try:
        result = await session.call_tool(call.tool, call.arguments)
    except Exception as exc:  # a broken call (connection, protocol) must become an outcome, not sink the others
        return CallOutcome(call, False, None, f"{type(exc).__name__}: {exc}", elapsed())
    if result.isError:
        return CallOutcome(call, False, None, error_text(result), elapsed())
    if result.structuredContent is None:
        return CallOutcome(call, False, None, f"{call.tool} returned no structured content", elapsed())
    return CallOutcome(call, True, dict(result.structuredContent), None, elapsed())


async def execute_plan(
    session: mcp.ClientSession,
    plan: Plan,
    *,
    allowed: Callable[[str], bool],
    on_event: EventSink | None = None,
    first_index: int = 0,
) -> list[CallOutcome]:
    """Make every call of ``plan`` the persona allows, concurrently; outcomes come back in plan order.

    ``on_event`` receives ``("tool_use", {...})`` before and ``("tool_result", {...})`` after each call; events
    carry an ``index`` starting at ``first_index`` (follow-up rounds continue the numbering of earlier ones).
    """

    async def run(index: int, call: PlannedCall) -> CallOutcome:
        if on_event is not None:
            await on_event(
                "tool_use", {"index": index, "tool": call.tool, "arguments": call.arguments, "purpose": call.purpose}
            )
        outcome = await _one(session, call, allowed)
        if on_event is not None:
            answered = (outcome.structured or {}).get("answered", [])
            await on_event(
                "tool_result",
                {
                    "index": index,
                    "tool": call.tool,
                    "ok": outcome.ok,
                    "error": outcome.error,
                    "elapsed_ms": outcome.elapsed_ms,
                    "clusters": answered,
                },
            )
        return outcome

    return list(await asyncio.gather(*(run(i, c) for i, c in enumerate(plan.calls, start=first_index))))
