"""Markdown building blocks for deterministic answers: numbers with units, capped tables, status lines.

Every value shown comes from a tool's structured result; these helpers only format it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "MAX_ROWS",
    "Section",
    "cluster_failures",
    "fmt_bytes",
    "fmt_num",
    "fmt_unit",
    "items",
    "plural",
    "table",
    "tool_notes",
]

MAX_ROWS = 15


@dataclass
class Section:
    """The rendering of one tool result: markdown lines and, when it has one, a one-line headline."""

    lines: list[str] = field(default_factory=list)
    headline: str | None = None


def fmt_num(value: Any, digits: int = 1) -> str:
    """A number rounded to ``digits`` decimals without trailing zeros ('88', '3.5'); '-' when absent."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    rounded = round(float(value), digits)
    text = f"{rounded:.{digits}f}".rstrip("0").rstrip(".") if digits > 0 else f"{rounded:.0f}"
    return "0" if text in ("-0", "") else text


def plural(count: int, noun: str) -> str:
    """'1 GPU', '2 GPUs': a count with its noun, plural when needed."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def fmt_unit(value: Any, unit: str, digits: int = 1) -> str:
    """A number followed by its unit ('88 °C', '42.5 %'); '-' when absent."""
    return "-" if value is None else f"{fmt_num(value, digits)} {unit}"


def fmt_bytes(value: Any) -> str:
    """Bytes in binary units ('1.5 GiB'); '-' when absent; strings (NaN, Inf) unchanged."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    size = float(value)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 1024 or unit == "TiB":
            return f"{fmt_num(size, 1)} {unit}"
        size /= 1024
    return f"{fmt_num(size, 1)} TiB"  # pragma: no cover - loop always returns


def _cell(value: Any) -> str:
    text = "-" if value is None or value == "" else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, limit: int = MAX_ROWS) -> list[str]:
    """A markdown table of at most ``limit`` rows, followed by '… N more' when rows were left out."""
    if not rows:
        return []
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"… {len(rows) - limit} more")
    return lines


def items(structured: Mapping[str, Any] | None, key: str) -> list[dict[str, Any]]:
    """The list of objects under ``key`` of a structured result (empty when absent)."""
    value = (structured or {}).get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def cluster_failures(structured: Mapping[str, Any] | None) -> list[str]:
    """One line per cluster that did not answer: 'telco-edge: timeout — message'."""
    lines = []
    for c in items(structured, "clusters"):
        if c.get("status") not in (None, "ok"):
            message = f" — {c['message']}" if c.get("message") else ""
            lines.append(f"- ⚠ {c.get('cluster')}: {c.get('status')}{message}")
    return lines


def tool_notes(structured: Mapping[str, Any] | None) -> list[str]:
    """The tool's own notes and its truncation, as markdown lines."""
    data = structured or {}
    lines = [f"- _{note}_" for note in data.get("notes", []) if isinstance(note, str)]
    if data.get("truncated"):
        lines.append(f"- _Showing {data.get('returned', '?')} of {data.get('total', '?')} items; more exist._")
    return lines
