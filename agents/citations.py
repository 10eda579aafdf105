"""Citations: which tool was called with which arguments, which clusters answered, over which time range.

Both answer paths (deterministic and LLM) end with the same footer, built from tool calls and their structured
results, so a reader can rerun any number in the answer through the same MCP tool.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Citation", "citation_for", "format_citations", "time_range_of"]


class Citation(BaseModel):
    """One tool call behind an answer: tool, arguments (the query), clusters that answered, time range."""

    model_config = ConfigDict(frozen=True)

    tool: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    clusters: list[str] = Field(default_factory=list, description="Clusters whose backend answered.")
    time_range: str | None = Field(default=None, description="Time range the result covers, as the tool reported.")
    truncated: bool = Field(default=False, description="True when the tool returned only part of what matched.")
    error: str | None = Field(default=None, description="Why the call failed, when it did.")


def time_range_of(structured: Mapping[str, Any] | None, arguments: Mapping[str, Any]) -> str | None:
    """The time range of a result: start → end when reported, else window ending at time, else the arguments'."""
    data: Mapping[str, Any] = structured or {}
    start, end = data.get("start"), data.get("end")
    if isinstance(start, str) and isinstance(end, str):
        return f"{start} → {end}"
    window, time = data.get("window"), data.get("time")
    if isinstance(window, str) and isinstance(time, str):
        return f"{window} ending {time}"
    if isinstance(time, str):
        return f"at {time}"
    # Tools that report no range (inventory, alerts now): fall back to what was asked, if anything.
    asked = [f"{key}={arguments[key]}" for key in ("start", "end", "window", "time") if key in arguments]
    return ", ".join(asked) or None


def citation_for(
    tool: str, arguments: Mapping[str, Any], structured: Mapping[str, Any] | None, *, error: str | None = None
) -> Citation:
    """Build the citation of one tool call from its arguments and structured result (or its error)."""
    data: Mapping[str, Any] = structured or {}
    answered = data.get("answered")
    clusters = [str(c) for c in answered] if isinstance(answered, list) else []
    if not clusters and isinstance(data.get("cluster"), str):
        clusters = [data["cluster"]]
    return Citation(
        tool=tool,
        arguments=dict(arguments),
        clusters=clusters,
        time_range=time_range_of(structured, arguments) if structured is not None else None,
        truncated=bool(data.get("truncated", False)),
        error=error,
    )


def _arguments_text(arguments: Mapping[str, Any]) -> str:
    parts = [f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in arguments.items()]
    return ", ".join(parts)


def format_citations(citations: Sequence[Citation]) -> str:
    """The markdown footer listing every citation (empty string when there is none)."""
    if not citations:
        return ""
    lines = ["**Sources**"]
    for c in citations:
        line = f"- `{c.tool}({_arguments_text(c.arguments)})`"
        if c.error is not None:
            line += " — failed"
        elif c.clusters:
            line += f" — answered: {', '.join(c.clusters)}"
        if c.time_range:
            line += f" — {c.time_range}"
        if c.truncated:
            line += " — truncated (more results exist)"
        lines.append(line)
    return "\n".join(lines)
