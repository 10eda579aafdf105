"""Composing the answer of a turn from the personas' findings, with the sources footer every answer ends with.

One finding is the answer as it is (no extra model call). Several are merged by the supervisor model when the turn
has one (it is told to keep every number and name the persona it comes from); without an LLM, or if that call
fails, they are shown one section per persona. The footer lists every tool call behind the answer (tool,
arguments, clusters, time range), built from the calls themselves, not from the model's text.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import HumanMessage, SystemMessage

from agents.citations import Citation, format_citations
from agents.graph.context import AgentContext
from agents.graph.state import Finding, Mode
from agents.llm import LlmUnavailableError

__all__ = ["compose_answer", "sources_of"]

_MERGE_PROMPT = (
    "You merge the findings of specialist agents into one answer for an SRE. Keep every number, name, cluster and "
    "time range exactly as the specialists gave them; say which specialist found what when they disagree; lead "
    "with the conclusion, then the evidence; no speculation beyond the findings. Do not add a sources list."
)


def sources_of(findings: Sequence[Finding]) -> list[Citation]:
    """Every distinct citation of the findings, in order."""
    seen: dict[str, Citation] = {}
    for finding in findings:
        for raw in finding["citations"]:
            citation = Citation.model_validate(raw)
            seen.setdefault(citation.model_dump_json(), citation)
    return list(seen.values())


def _sections(findings: Sequence[Finding]) -> str:
    return "\n\n".join(f"### {f['persona']}\n\n{f['text']}" for f in findings)


async def compose_answer(ctx: AgentContext, question: str, findings: Sequence[Finding], mode: Mode) -> str:
    """The answer text of a turn: the findings (merged when several) and, for LLM findings, the sources footer."""
    if not findings:
        return "No persona produced an answer."
    if len(findings) == 1:
        body = findings[0]["text"]
    elif mode == "llm" and all(f["mode"] == "llm" for f in findings):
        merge = [SystemMessage(_MERGE_PROMPT), HumanMessage(f"Question: {question}\n\n{_sections(findings)}")]
        try:
            body = (await ctx.models.ainvoke(merge, temperature=0.0)).text.strip()
        except LlmUnavailableError:
            body = _sections(findings)
    else:
        body = _sections(findings)
    # Deterministic findings already end with their own sources; LLM ones get the footer from the calls made.
    llm_sources = sources_of([f for f in findings if f["mode"] == "llm"])
    footer = format_citations(llm_sources)
    return f"{body}\n\n{footer}".strip() if footer else body.strip()
