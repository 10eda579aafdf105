"""The events an agent run streams to its caller (CLI, web UI, Slack, MCP): one small typed record each.

Order within a run: ``message_start``, ``route`` (the persona(s) chosen and why), then per tool call ``tool_use`` and
``tool_result``, then ``content_delta`` pieces of the answer, and ``message_complete`` (token counts when a model
reported them, latency). ``error`` replaces ``message_complete`` when a run fails; a fallback to the deterministic
mode is not an error (it is announced in ``route``).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["AgentEvent", "EventKind", "EventSink", "discard_events", "event"]

EventKind = Literal["message_start", "route", "tool_use", "tool_result", "content_delta", "message_complete", "error"]


@dataclass(frozen=True)
class AgentEvent:
    """One streamed event: its kind, a JSON-ready payload and when it happened (Unix seconds)."""

    kind: EventKind
    data: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        """The event as JSON-ready data: ``{"event": kind, "at": ..., **data}``."""
        return {"event": self.kind, "at": round(self.at, 3), **self.data}


EventSink = Callable[[AgentEvent], Awaitable[None]]


def event(kind: EventKind, **data: Any) -> AgentEvent:
    """Shorthand for ``AgentEvent(kind, data)``."""
    return AgentEvent(kind, data)


async def discard_events(_: AgentEvent) -> None:
    """A sink for callers that only want the final answer."""
