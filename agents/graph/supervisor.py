"""The supervisor graph of one conversation turn: ``route`` → ``consult`` (the chosen personas, concurrently) →
``compose``. Chat history lives in ``messages`` (checkpointed per session); everything else is per turn.

Run it with ``context=AgentContext(...)`` and ``{"messages": [HumanMessage(q)], "question": q, "persona": ...,
"clusters": [...]}``; with a checkpointer, pass ``config={"configurable": {"thread_id": session_id}}``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime

from agents.events import event
from agents.graph.compose import compose_answer
from agents.graph.consult import consult_persona
from agents.graph.context import AgentContext
from agents.graph.routing import choose_route
from agents.graph.state import AgentState

__all__ = ["build_graph", "history_of"]


def history_of(messages: list[AnyMessage], limit: int) -> list[AnyMessage]:
    """The last ``limit`` earlier question/answer messages of the chat (this turn's question excluded)."""
    earlier = [m for m in messages[:-1] if isinstance(m, HumanMessage | AIMessage) and m.text]
    return list(earlier[-limit:]) if limit > 0 else []


async def route(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Pick the persona(s) and the mode of the turn; announce it as a ``route`` event."""
    ctx = runtime.context
    history = history_of(state.get("messages", []), ctx.limits.history_messages)
    choice = await choose_route(
        ctx, state["question"], explicit=state.get("persona"), clusters=state.get("clusters", []), history=history
    )
    info = {**choice.decision.to_dict(), "mode": choice.mode, "no_llm_reason": choice.no_llm_reason}
    await ctx.sink(event("route", **info))
    return {
        "personas": list(choice.decision.personas),
        "tasks": choice.tasks,
        "route": info,
        "mode": choice.mode,
        "no_llm_reason": choice.no_llm_reason,
    }


async def consult(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Run every chosen persona concurrently; each returns a finding."""
    ctx = runtime.context
    history = history_of(state.get("messages", []), ctx.limits.history_messages)
    findings = await asyncio.gather(
        *(
            consult_persona(
                ctx,
                name,
                task=state["tasks"].get(name, state["question"]),
                question=state["question"],
                mode=state["mode"],
                no_llm_reason=state.get("no_llm_reason", ""),
                clusters=state.get("clusters", []),
                history=history,
                stream_text=len(state["personas"]) == 1,
            )
            for name in state["personas"]
        )
    )
    return {"findings": list(findings)}


async def compose(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Write the turn's answer and add it to the chat history."""
    answer = await compose_answer(runtime.context, state["question"], state["findings"], state["mode"])
    return {"answer": answer, "messages": [AIMessage(answer)]}


def build_graph(
    checkpointer: BaseCheckpointSaver[Any] | None = None,
) -> CompiledStateGraph[AgentState, AgentContext, AgentState, AgentState]:
    """The compiled supervisor graph (with ``checkpointer``, turns of one ``thread_id`` share their history)."""
    graph = StateGraph(AgentState, context_schema=AgentContext)
    graph.add_node("route", route)
    graph.add_node("consult", consult)
    graph.add_node("compose", compose)
    graph.add_edge(START, "route")
    graph.add_edge("route", "consult")
    graph.add_edge("consult", "compose")
    graph.add_edge("compose", END)
    return graph.compile(checkpointer=checkpointer)
