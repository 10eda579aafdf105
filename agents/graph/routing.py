"""Choosing the persona(s) for a question: the caller's explicit choice, the supervisor model's handoff tool calls
(supervisor-via-tools: one ``consult_<persona>`` tool per persona), or the no-LLM classifier.

A model that is unreachable or fails switches the turn to the deterministic mode with the reason; a model that
calls no handoff tool leaves the choice to the classifier (and the turn keeps its LLM).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, SystemMessage

from agents.graph.context import AgentContext
from agents.graph.state import Mode
from agents.llm import LlmUnavailableError
from agents.routing import RouteDecision
from personas import Persona
from prompts import render_prompt

__all__ = ["NO_LLM_CONFIGURED", "RouteChoice", "choose_route", "handoff_tool", "handoff_tool_name"]

NO_LLM_CONFIGURED = "no LLM is configured; set AIOPS_LLM_BASE_URL and AIOPS_LLM_MODEL to use one"
_HANDOFF_PREFIX = "consult_"


@dataclass(frozen=True)
class RouteChoice:
    """The decision, the task each persona gets, and the mode the turn runs in."""

    decision: RouteDecision
    tasks: dict[str, str]
    mode: Mode
    no_llm_reason: str = ""


def handoff_tool_name(persona: str) -> str:
    """``consult_gpu_expert`` for ``gpu-expert`` (tool names allow no dashes on every provider)."""
    return _HANDOFF_PREFIX + persona.replace("-", "_")


def handoff_tool(persona: Persona) -> dict[str, Any]:
    """The OpenAI function schema the supervisor calls to hand a task to ``persona``."""
    return {
        "type": "function",
        "function": {
            "name": handoff_tool_name(persona.name),
            "description": f"{persona.title}. {persona.description}",
            "parameters": {
                "type": "object",
                "properties": {
                    "task": {
                        "type": "string",
                        "description": "What this specialist must find out: the question, clusters and time range.",
                    }
                },
                "required": ["task"],
            },
        },
    }


def _classified(ctx: AgentContext, question: str, mode: Mode, reason: str) -> RouteChoice:
    decision = ctx.router.route(question, max_personas=ctx.limits.max_personas)
    return RouteChoice(decision, dict.fromkeys(decision.personas, question), mode, reason)


async def choose_route(
    ctx: AgentContext,
    question: str,
    *,
    explicit: str | None,
    clusters: Sequence[str],
    history: Sequence[AnyMessage] = (),
) -> RouteChoice:
    """Decide who answers ``question``, and whether with the LLM or deterministically."""
    llm: Mode = "llm" if len(ctx.models) else "deterministic"
    reason = "" if llm == "llm" else NO_LLM_CONFIGURED
    if explicit is not None:
        ctx.personas.get(explicit)  # raises UnknownPersonaError naming the known ones
        decision = RouteDecision((explicit,), {}, "explicit", "persona asked for by the caller")
        return RouteChoice(decision, {explicit: question}, llm, reason)
    if llm == "deterministic":
        return _classified(ctx, question, "deterministic", reason)
    personas = list(ctx.personas)
    system = render_prompt(
        "supervisor", personas=personas, clusters=list(clusters), now=ctx.now().isoformat(timespec="seconds")
    )
    messages = [SystemMessage(system), *history, HumanMessage(question)]
    try:
        reply = await ctx.models.ainvoke(messages, tools=[handoff_tool(p) for p in personas], temperature=0.0)
    except LlmUnavailableError as exc:
        return _classified(ctx, question, "deterministic", f"the LLM did not answer ({exc})")
    return _from_handoffs(ctx, question, reply) or _classified(ctx, question, "llm", "")


def _from_handoffs(ctx: AgentContext, question: str, reply: AIMessage) -> RouteChoice | None:
    by_tool = {handoff_tool_name(p.name): p.name for p in ctx.personas}
    tasks: dict[str, str] = {}
    for call in reply.tool_calls:
        name = by_tool.get(call["name"])
        if name is not None and name not in tasks and len(tasks) < ctx.limits.max_personas:
            task = call["args"].get("task")
            tasks[name] = task if isinstance(task, str) and task.strip() else question
    if not tasks:
        return None
    reason = "the supervisor model handed the question to " + ", ".join(tasks)
    return RouteChoice(RouteDecision(tuple(tasks), {}, "llm", reason), tasks, "llm")
