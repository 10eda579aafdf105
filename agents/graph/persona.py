"""A persona's tool loop as a LangGraph graph: call the model with the persona's tools, run the calls it asks for,
repeat until it answers or a guard says to stop (rounds, repeated identical calls, tool-result budget).

Nodes: ``call_model`` and ``call_tools``; the router ``route_after_model`` ends the loop when the model answered
(or when a guard already stopped it and the model still asked for tools: its calls are then not run).
"""

from __future__ import annotations

import time
from typing import Any, Literal

from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    AnyMessage,
    HumanMessage,
    ToolMessage,
    message_chunk_to_message,
)
from langchain_core.tools import BaseTool
from langgraph.graph import START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime

from agents.events import event
from agents.graph.context import PersonaRun
from agents.graph.state import PersonaState
from agents.llm import LlmStreamError
from agents.toolbox import call_key, tool_text

__all__ = ["build_persona_graph", "clip"]


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with a note saying how to get the rest."""
    if len(text) <= limit:
        return text
    return (
        text[:limit] + f"\n[… {len(text) - limit} more characters cut by the agent's tool-result budget; "
        "use the result's summaries, or call again with a narrower query or its next_cursor.]"
    )


async def _ask(run: PersonaRun, messages: list[AnyMessage], tools: list[BaseTool] | None) -> AIMessage:
    """One model call; when the run streams, its text goes out as ``content_delta`` events while it arrives."""
    params = run.persona.model.model_dump(exclude_none=True)
    if not run.stream_text:
        return await run.models.ainvoke(messages, tools=tools, **params)
    merged: AIMessageChunk | None = None
    async for chunk in run.models.astream(messages, tools=tools, **params):
        merged = chunk if merged is None else merged + chunk
        # Text before any tool-call chunk is shown as it comes; a model that talks before calling tools shows
        # that preamble too (message_complete carries the final answer for clients that replace the draft).
        if chunk.text and not merged.tool_call_chunks:
            await run.sink(event("content_delta", text=chunk.text, persona=run.persona.name))
    if merged is None:
        raise LlmStreamError("model", "the stream ended without any chunk")
    reply = message_chunk_to_message(merged)
    assert isinstance(reply, AIMessage)  # an AIMessageChunk always becomes an AIMessage
    return reply


async def call_model(state: PersonaState, runtime: Runtime[PersonaRun]) -> dict[str, Any]:
    """Ask the model for the next step: tool calls, or the answer (tools withheld once a guard stopped the loop)."""
    run = runtime.context
    if state.get("stop"):
        nudge = HumanMessage(
            f"[agent guard] {state['stop']}. Do not call tools any more: answer now from the tool results above, "
            "say what you could not check, and cite the tools, queries, clusters and time ranges you used."
        )
        reply = await _ask(run, [*state["messages"], nudge], None)
        return {"messages": [nudge, reply]}
    reply = await _ask(run, state["messages"], run.toolbox.for_persona(run.persona))
    return {"messages": [reply]}


async def call_tools(state: PersonaState, runtime: Runtime[PersonaRun]) -> dict[str, Any]:
    """Run the tool calls of the last model message under the persona's allow-list and the loop guards."""
    run, limits = runtime.context, runtime.context.limits
    last = state["messages"][-1]
    assert isinstance(last, AIMessage)  # route_after_model sends only tool-calling AI messages here
    seen, repeats, used = list(state.get("seen_calls", [])), state.get("repeats", 0), state.get("result_chars", 0)
    messages: list[ToolMessage] = []
    citations: list[dict[str, Any]] = []
    for call in last.tool_calls:
        call_id, name, args = call["id"] or name_id(call["name"]), call["name"], call["args"]
        key = call_key(name, args)
        if key in seen:
            repeats += 1
            messages.append(
                ToolMessage(
                    f"Not run: {name} was already called with exactly these arguments; its result is above. "
                    "Use it, or change the arguments (another cluster, window or cursor).",
                    tool_call_id=call_id,
                    name=name,
                    status="error",
                )
            )
            continue
        seen.append(key)
        await run.sink(event("tool_use", persona=run.persona.name, tool=name, arguments=args, id=call_id))
        started = time.perf_counter()
        result = await run.toolbox.call(run.persona, name, args, call_id, scope=run.clusters)
        text = clip(tool_text(result.message), limits.result_chars)
        used += len(text)
        messages.append(result.message.model_copy(update={"content": text}))
        citations.append(result.citation.model_dump())
        await run.sink(
            event(
                "tool_result",
                persona=run.persona.name,
                tool=name,
                id=call_id,
                ok=result.ok,
                clusters=result.citation.clusters,
                truncated=result.citation.truncated,
                error=result.citation.error,
                elapsed_ms=round(1000 * (time.perf_counter() - started), 1),
            )
        )
    rounds = state.get("rounds", 0) + 1
    stop = None
    if rounds >= run.persona.max_tool_rounds:
        stop = f"the tool-round limit ({run.persona.max_tool_rounds}) is reached"
    elif repeats >= limits.repeat_limit:
        stop = f"the same tool call was repeated {repeats} times"
    elif used >= limits.budget_chars:
        stop = f"the tool-result budget ({limits.budget_chars} characters) is spent"
    return {
        "messages": messages,
        "citations": citations,
        "rounds": rounds,
        "seen_calls": seen,
        "repeats": repeats,
        "result_chars": used,
        "stop": stop,
    }


def name_id(name: str) -> str:
    """A call id for models that send none (some OpenAI-compatible servers omit it)."""
    return f"call_{name}_{time.monotonic_ns()}"


def route_after_model(state: PersonaState) -> Literal["call_tools", "__end__"]:
    """Run the model's tool calls, unless it answered or a guard already stopped the loop."""
    last = state["messages"][-1]
    if isinstance(last, AIMessage) and last.tool_calls and not state.get("stop"):
        return "call_tools"
    return "__end__"


def build_persona_graph() -> CompiledStateGraph[PersonaState, PersonaRun, PersonaState, PersonaState]:
    """The compiled persona loop; run it with ``context=PersonaRun(...)`` and the persona's opening messages."""
    graph = StateGraph(PersonaState, context_schema=PersonaRun)
    graph.add_node("call_model", call_model)
    graph.add_node("call_tools", call_tools)
    graph.add_edge(START, "call_model")
    graph.add_conditional_edges("call_model", route_after_model)
    graph.add_edge("call_tools", "call_model")
    return graph.compile()
