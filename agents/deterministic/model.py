"""The data passed between planning, execution and rendering: planned calls, plans and call outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agents.deterministic.entities import Entities

__all__ = ["CallOutcome", "Plan", "PlannedCall"]


@dataclass(frozen=True)
class PlannedCall:
    """One MCP tool call of a plan, with why it is made (shown to streaming UIs)."""

    tool: str
    arguments: dict[str, Any]
    purpose: str


@dataclass(frozen=True)
class Plan:
    """The calls answering one question.

    ``fallback``: nothing matched, so this is the fleet status. ``entities``: what the question named, for
    follow-up calls that depend on the first results (e.g. which log label names the service).
    """

    intent: str
    title: str
    calls: tuple[PlannedCall, ...]
    notes: tuple[str, ...] = ()
    fallback: bool = False
    entities: Entities = field(default_factory=Entities)


@dataclass(frozen=True)
class CallOutcome:
    """How one planned call went: its structured result, or the error (a tool's own message kept verbatim)."""

    call: PlannedCall
    ok: bool
    structured: dict[str, Any] | None
    error: str | None
    elapsed_ms: float
