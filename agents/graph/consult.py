"""Running one persona on its task: its LLM tool loop, or the deterministic plan when there is no LLM (or the LLM
fails part-way, in which case the persona starts over deterministically and says why)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, SystemMessage

from agents.deterministic import answer_question
from agents.events import event
from agents.graph.context import AgentContext, PersonaRun
from agents.graph.persona import build_persona_graph
from agents.graph.state import Finding, Mode, PersonaState
from agents.llm import LlmStreamError, LlmUnavailableError
from personas import Persona
from prompts import render_prompt

__all__ = ["consult_persona", "persona_messages"]


def persona_messages(
    ctx: AgentContext, persona: Persona, task: str, clusters: Sequence[str], history: Sequence[AnyMessage]
) -> list[AnyMessage]:
    """The persona's opening messages: its system prompt, the recent chat history, the task."""
    system = render_prompt(
        persona.prompt,
        persona=persona,
        clusters=list(clusters),
        now=ctx.now().isoformat(timespec="seconds"),
        tools=persona.allowed_tools(ctx.toolbox.names),
    )
    return [SystemMessage(system), *history, HumanMessage(task)]


async def _deterministic(
    ctx: AgentContext, persona: Persona, question: str, clusters: Sequence[str], reason: str
) -> Finding:
    async def forward(kind: str, data: dict[str, Any]) -> None:
        if kind in ("tool_use", "tool_result"):
            await ctx.sink(event(kind, persona=persona.name, **data))  # type: ignore[arg-type]

    answer = await answer_question(
        ctx.toolbox.session,
        question,
        persona=persona.name,
        clusters=list(clusters),
        allowed=persona.allows,
        no_llm_reason=reason,
        on_event=forward,
    )
    citations = [c.model_dump() for c in answer.citations]
    return Finding(
        persona=persona.name, text=answer.text, citations=citations, mode="deterministic", note=reason, streamed=False
    )


async def consult_persona(
    ctx: AgentContext,
    name: str,
    *,
    task: str,
    question: str,
    mode: Mode,
    no_llm_reason: str,
    clusters: Sequence[str],
    history: Sequence[AnyMessage],
    stream_text: bool = False,
) -> Finding:
    """What persona ``name`` finds for ``task`` (the LLM loop) or for ``question`` (deterministic).

    ``stream_text``: send the model's text out as it arrives (only when this persona alone answers the turn).
    """
    persona = ctx.personas.get(name)
    if mode == "deterministic":
        return await _deterministic(ctx, persona, question, clusters, no_llm_reason)
    run = PersonaRun(ctx.models, ctx.toolbox, persona, ctx.sink, ctx.limits, tuple(clusters), stream_text)
    opening: PersonaState = {"messages": persona_messages(ctx, persona, task, clusters, history)}
    try:
        graph = ctx.persona_graph or build_persona_graph()
        final = await graph.ainvoke(
            opening,
            context=run,
            config={"recursion_limit": 4 * persona.max_tool_rounds + 8},
        )
    except (LlmUnavailableError, LlmStreamError) as exc:
        return await _deterministic(ctx, persona, question, clusters, f"the LLM failed part-way ({exc})")
    last = final["messages"][-1]
    text = last.text if isinstance(last, AIMessage) else ""
    citations = list(final.get("citations", []))
    return Finding(persona=name, text=text.strip(), citations=citations, mode="llm", note="", streamed=stream_text)
