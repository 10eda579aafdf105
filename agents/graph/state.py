"""The state of the supervisor graph (one conversation turn, checkpointed per chat session) and of a persona loop."""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

__all__ = ["AgentState", "Finding", "Mode", "PersonaState"]

Mode = Literal["llm", "deterministic"]


class Finding(TypedDict):
    """What one persona found: its answer text, the citations of its tool calls, how it answered."""

    persona: str
    text: str
    citations: list[dict[str, Any]]
    mode: Mode
    note: str  # why it ran deterministically, or "" with an LLM
    streamed: bool  # its text already went out as content_delta events


class AgentState(TypedDict, total=False):
    """One turn of a conversation. ``messages`` accumulates across turns (the chat history); the rest is per turn."""

    messages: Annotated[list[AnyMessage], add_messages]
    question: str
    persona: str | None  # asked for explicitly by the caller
    clusters: list[str]  # the user's cluster context ([] = every registered cluster)
    personas: list[str]
    tasks: dict[str, str]  # persona -> what the supervisor asked it (the question itself without an LLM)
    route: dict[str, Any]  # RouteDecision.to_dict() plus mode
    mode: Mode
    no_llm_reason: str
    findings: list[Finding]
    answer: str


class PersonaState(TypedDict, total=False):
    """A persona's tool loop: its messages, guard counters and the citations of the calls it made."""

    messages: Annotated[list[AnyMessage], add_messages]
    rounds: int
    seen_calls: list[str]
    repeats: int
    result_chars: int
    stop: str | None  # why the loop must answer now (guard), None while it may still call tools
    citations: Annotated[list[dict[str, Any]], operator.add]
