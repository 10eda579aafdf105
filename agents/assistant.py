"""The agent as callers use it: ask a question (optionally in a chat session), stream its events, or see the route.

An :class:`Assistant` is built once per MCP session (in-process or over HTTP) from the models, personas and router;
each question runs the supervisor graph. With a session store and checkpointer, a ``session_id`` keeps the chat
history across turns and restarts (24 h TTL, 100 messages); without, every question stands alone.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import UsageMetadataCallbackHandler
from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver

from agents.citations import Citation
from agents.events import AgentEvent, EventSink, discard_events, event
from agents.graph import AgentContext, AgentLimits, AgentState, Finding, build_graph, build_persona_graph
from agents.graph.compose import sources_of
from agents.graph.context import utc_now
from agents.graph.routing import RouteChoice, choose_route
from agents.llm import ModelChain
from agents.routing import PersonaClassifier, RouteDecision
from agents.sessions import ChatSession, SessionStore
from agents.toolbox import Toolbox
from personas import PersonaCatalog

__all__ = ["AgentAnswer", "Assistant"]

_DELTA_LINES = 4  # lines per content_delta when an answer is replayed as a stream


@dataclass(frozen=True)
class AgentAnswer:
    """The answer of one question, how it was reached, and what it cost."""

    text: str
    personas: list[str]
    route: dict[str, Any]
    mode: str
    citations: list[Citation]
    latency_ms: float
    tokens: dict[str, int] = field(default_factory=dict)
    session_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (CLI ``--json``, the aiops_ask tool, the REST API)."""
        return {
            "answer": self.text,
            "personas": self.personas,
            "route": self.route,
            "mode": self.mode,
            "citations": [c.model_dump() for c in self.citations],
            "latency_ms": self.latency_ms,
            "tokens": self.tokens,
            "session_id": self.session_id,
        }


class Assistant:
    """Questions in, cited answers out, over one MCP session's tools."""

    def __init__(
        self,
        *,
        toolbox: Toolbox,
        models: ModelChain,
        personas: PersonaCatalog,
        router: PersonaClassifier | None = None,
        limits: AgentLimits | None = None,
        checkpointer: BaseCheckpointSaver[Any] | None = None,
        sessions: SessionStore | None = None,
    ) -> None:
        self.toolbox, self.models, self.personas = toolbox, models, personas
        self.router = router or PersonaClassifier.fit(personas)
        self.limits = limits or AgentLimits()
        self.sessions = sessions
        self._checkpointer = checkpointer
        self._graph = build_graph(checkpointer)
        self._persona_graph = build_persona_graph()

    def route(self, question: str, *, persona: str | None = None) -> RouteDecision:
        """The persona(s) the no-LLM router picks for ``question`` (or the explicit one), without running tools."""
        if not question.strip():
            raise ValueError("cannot route an empty question: ask something about the fleet")
        if persona is not None:
            self.personas.get(persona)
            return RouteDecision((persona,), {}, "explicit", "persona asked for by the caller")
        return self.router.route(question, max_personas=self.limits.max_personas)

    async def decide(self, question: str, *, persona: str | None = None, clusters: Sequence[str] = ()) -> RouteChoice:
        """Route ``question`` as a run would (the supervisor model when one is configured, else the classifier)
        without running any tool."""
        if not question.strip():
            raise ValueError("cannot route an empty question: ask something about the fleet")
        context = AgentContext(self.models, self.toolbox, self.personas, self.router, discard_events, self.limits)
        return await choose_route(context, question.strip(), explicit=persona, clusters=clusters)

    async def open_session(
        self, owner: str, question: str, *, persona: str | None = None, clusters: Sequence[str] = ()
    ) -> ChatSession:
        """Start a chat session titled after its first question."""
        store = self._store()
        return await asyncio.to_thread(store.create, owner, question, persona, tuple(clusters))

    async def ask(
        self,
        question: str,
        *,
        persona: str | None = None,
        clusters: Sequence[str] = (),
        session_id: str | None = None,
        owner: str = "local",
        sink: EventSink = discard_events,
    ) -> AgentAnswer:
        """Answer ``question``; events go to ``sink`` as they happen. Bad input raises before any tool runs."""
        started = time.perf_counter()
        question = question.strip()
        if not question:
            raise ValueError("the question is empty: ask something about the fleet")
        if persona is not None:
            self.personas.get(persona)  # UnknownPersonaError names the known personas
        if session_id is not None:
            store = self._store()
            chat = await asyncio.to_thread(store.get, session_id, owner)
            if chat.message_count + 2 > store.max_messages:
                await asyncio.to_thread(store.record_messages, session_id, 2)  # raises SessionFullError, writes nothing
            clusters = clusters or chat.clusters
        await sink(event("message_start", question=question, session_id=session_id, clusters=list(clusters)))
        usage = UsageMetadataCallbackHandler()
        config: RunnableConfig = {"callbacks": [usage]}
        if session_id is not None:
            config["configurable"] = {"thread_id": session_id}
        turn: AgentState = {
            "messages": [HumanMessage(question)],
            "question": question,
            "persona": persona,
            "clusters": list(clusters),
        }
        context = AgentContext(
            self.models, self.toolbox, self.personas, self.router, sink, self.limits, utc_now, self._persona_graph
        )
        state = await self._graph.ainvoke(turn, config, context=context)
        if session_id is not None:
            await asyncio.to_thread(self._store().record_messages, session_id, 2)
        answer = AgentAnswer(
            text=state["answer"],
            personas=list(state["personas"]),
            route=state["route"],
            mode=state["mode"],
            citations=sources_of(state["findings"]),
            latency_ms=round(1000 * (time.perf_counter() - started), 1),
            tokens=_tokens(usage),
            session_id=session_id,
        )
        await _deliver(sink, answer.text, state["findings"])
        await sink(
            event(
                "message_complete",
                latency_ms=answer.latency_ms,
                tokens=answer.tokens,
                personas=answer.personas,
                answer=answer.text,
            )
        )
        return answer

    async def stream(self, question: str, **options: Any) -> AsyncIterator[AgentEvent]:
        """The events of :meth:`ask` as an async iterator; a failure ends it with an ``error`` event."""
        queue: asyncio.Queue[AgentEvent | None] = asyncio.Queue()

        async def sink(e: AgentEvent) -> None:
            await queue.put(e)

        async def run() -> None:
            try:
                await self.ask(question, sink=sink, **options)
            except Exception as exc:  # reported to the reader of the stream, who cannot catch it otherwise
                await queue.put(event("error", error=str(exc) or type(exc).__name__, type=type(exc).__name__))
            finally:
                await queue.put(None)

        task = asyncio.create_task(run())
        try:
            while (item := await queue.get()) is not None:
                yield item
        finally:
            if not task.done():
                task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def _store(self) -> SessionStore:
        if self.sessions is None or self._checkpointer is None:
            raise RuntimeError("chat sessions need a session store and a checkpointer (see agents.sessions)")
        return self.sessions


async def _deliver(sink: EventSink, text: str, findings: list[Finding]) -> None:
    """Send what the client has not seen yet as ``content_delta``: all of it, or, when the one persona's text was
    streamed while the model wrote it, only what follows it (the sources footer)."""
    if len(findings) == 1 and findings[0]["streamed"] and text.startswith(findings[0]["text"]):
        rest = text[len(findings[0]["text"]) :]
        if rest:
            await sink(event("content_delta", text=rest))
        return
    lines = text.splitlines(keepends=True)
    for i in range(0, len(lines), _DELTA_LINES):
        await sink(event("content_delta", text="".join(lines[i : i + _DELTA_LINES])))


def _tokens(usage: UsageMetadataCallbackHandler) -> dict[str, int]:
    totals = {"input": 0, "output": 0}
    for metadata in usage.usage_metadata.values():
        totals["input"] += int(metadata.get("input_tokens", 0))
        totals["output"] += int(metadata.get("output_tokens", 0))
    return totals
