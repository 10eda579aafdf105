"""What a graph run depends on, handed in as LangGraph runtime context (never globals): models, tools, personas."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from agents.events import EventSink, discard_events
from agents.llm import ModelChain
from agents.routing import PersonaClassifier
from agents.toolbox import Toolbox
from personas import Persona, PersonaCatalog

__all__ = ["AgentContext", "AgentLimits", "PersonaRun", "utc_now"]


def utc_now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class AgentLimits:
    """Guards of one run.

    ``max_personas``: personas consulted per question. ``repeat_limit``: identical tool calls refused before the
    loop must answer. ``result_chars``: one tool result as the model sees it (the result contract keeps summaries
    and a cursor at the top, so the cut loses detail, not meaning). ``budget_chars``: all tool results of one
    persona together; past it the persona must answer. ``history_messages``: earlier chat messages shown to models.
    """

    max_personas: int = 2
    repeat_limit: int = 2
    result_chars: int = 8_000
    budget_chars: int = 40_000
    history_messages: int = 10


@dataclass
class AgentContext:
    """Dependencies of a supervisor run. ``persona_graph`` is the compiled persona loop (compiled once per
    assistant: compiling costs milliseconds per question otherwise)."""

    models: ModelChain
    toolbox: Toolbox
    personas: PersonaCatalog
    router: PersonaClassifier
    sink: EventSink = discard_events
    limits: AgentLimits = field(default_factory=AgentLimits)
    now: Callable[[], datetime] = utc_now
    persona_graph: Any = None


@dataclass
class PersonaRun:
    """Dependencies of one persona's tool loop."""

    models: ModelChain
    toolbox: Toolbox
    persona: Persona
    sink: EventSink = discard_events
    limits: AgentLimits = field(default_factory=AgentLimits)
    clusters: tuple[str, ...] = ()  # the user's cluster context; empty = every cluster
    stream_text: bool = False  # stream the model's text as content_delta events (a turn with one persona)
