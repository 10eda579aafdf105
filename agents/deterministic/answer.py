"""The deterministic answer: a headline, the no-LLM statement, one section per tool call and the citations.

:func:`answer_question` runs the whole path (plan → MCP calls, with follow-up rounds where a plan needs the first
results → markdown); :func:`render_answer` is the pure last step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mcp

from agents.citations import Citation, citation_for, format_citations
from agents.deterministic.execute import EventSink, execute_plan
from agents.deterministic.model import CallOutcome, Plan
from agents.deterministic.plans import capabilities_text, plan_for
from agents.deterministic.plans_logs import followup_for
from agents.deterministic.render import headline_for, render_outcome

__all__ = [
    "DISCOVERY_TOOLS",
    "MAX_ROUNDS",
    "DeterministicAnswer",
    "answer_question",
    "no_llm_sentence",
    "render_answer",
]

MAX_ROUNDS = 3  # discovery rounds bound: a plan can never loop on its own follow-ups
DISCOVERY_TOOLS = frozenset({"logs_labels", "logs_label_values"})


@dataclass(frozen=True)
class DeterministicAnswer:
    """The markdown answer, the intent it answered, the citations of every call and the raw outcomes."""

    text: str
    intent: str
    citations: list[Citation]
    outcomes: list[CallOutcome]


def no_llm_sentence(reason: str) -> str:
    """The statement that no LLM was used, with the caller's reason."""
    return f"_No LLM was used for this answer ({reason}): it was built directly from the tool results below._"


def render_answer(
    question: str, plan: Plan, outcomes: Sequence[CallOutcome], *, no_llm_reason: str
) -> DeterministicAnswer:
    """Render ``outcomes`` of ``plan`` as markdown: headline, no-LLM sentence, notes, sections, citations."""
    sections = [render_outcome(o) for o in outcomes]
    lines = [f"**{headline_for(plan, outcomes, sections)}**", "", no_llm_sentence(no_llm_reason)]
    # Discovery calls (which log labels exist) are how the answer was found, not the answer: they go last.
    ordered = [s for o, s in zip(outcomes, sections, strict=True) if o.call.tool not in DISCOVERY_TOOLS]
    ordered += [s for o, s in zip(outcomes, sections, strict=True) if o.call.tool in DISCOVERY_TOOLS]
    if plan.fallback:
        lines += ["", f"I did not recognise a specific question in “{question}”, so here is the fleet status."]
    if plan.notes:
        lines += ["", *(f"- {note}" for note in plan.notes)]
    for section in ordered:
        lines += ["", *section.lines]
    if plan.fallback:
        lines += ["", "Without an LLM I can answer questions like:", capabilities_text()]
    citations = [citation_for(o.call.tool, o.call.arguments, o.structured, error=o.error) for o in outcomes]
    footer = format_citations(citations)
    if footer:
        lines += ["", footer]
    return DeterministicAnswer("\n".join(lines), plan.intent, citations, list(outcomes))


async def _known_clusters(session: mcp.ClientSession, tools: set[str]) -> list[str]:
    if "fleet_list_clusters" not in tools:
        return []
    try:
        result = await session.call_tool("fleet_list_clusters", {"limit": 500})
    except Exception:  # without the names the question's clusters are not spotted; the answer still goes on
        return []
    listed = (result.structuredContent or {}).get("items", []) if not result.isError else []
    return [str(c["name"]) for c in listed if isinstance(c, dict) and "name" in c]


async def answer_question(
    session: mcp.ClientSession,
    question: str,
    *,
    persona: str,
    clusters: Sequence[str],
    allowed: Callable[[str], bool],
    no_llm_reason: str,
    known_clusters: Sequence[str] | None = None,
    on_event: EventSink | None = None,
) -> DeterministicAnswer:
    """Answer ``question`` without an LLM through ``session``: plan, call the tools, follow up, render."""
    tools = {t.name for t in (await session.list_tools()).tools}
    known = list(known_clusters) if known_clusters is not None else await _known_clusters(session, tools)
    plan = plan_for(question, persona=persona, clusters=clusters, known_clusters=known, available_tools=tools)
    outcomes = await execute_plan(session, plan, allowed=allowed, on_event=on_event)
    notes = list(plan.notes)
    for _ in range(MAX_ROUNDS):
        nxt = followup_for(plan, outcomes)
        if nxt is None:
            break
        notes += nxt.notes
        kept = tuple(c for c in nxt.calls if c.tool in tools)
        more = Plan(nxt.intent, nxt.title, kept)
        outcomes += await execute_plan(session, more, allowed=allowed, on_event=on_event, first_index=len(outcomes))
        if not kept:
            break
    final = Plan(plan.intent, plan.title, plan.calls, tuple(notes), plan.fallback, plan.entities)
    return render_answer(question, final, outcomes, no_llm_reason=no_llm_reason)
