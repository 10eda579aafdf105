"""Small readers for the fields every Kubernetes object shares (metadata, conditions), tolerant of missing parts."""

from __future__ import annotations

from typing import Any

from tools.kubernetes.results import Condition

__all__ = ["as_dict", "as_int", "as_list", "conditions", "meta", "trim"]

_MESSAGE_LIMIT = 300


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else ``{}``."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else ``[]``."""
    return value if isinstance(value, list) else []


def as_int(value: Any, default: int = 0) -> int:
    """``value`` as an int (Kubernetes counts are ints; anything else reads as ``default``)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def trim(text: Any, limit: int = _MESSAGE_LIMIT) -> str | None:
    """A string cut to ``limit`` characters (with an ellipsis), or ``None`` for empty/missing values."""
    if text is None or text == "":
        return None
    value = str(text).strip()
    return value if len(value) <= limit else value[: limit - 1] + "…"


def meta(obj: dict[str, Any]) -> dict[str, Any]:
    """The object's ``metadata``."""
    return as_dict(obj.get("metadata"))


def conditions(status: dict[str, Any], *, only: tuple[str, ...] | None = None) -> list[Condition]:
    """``status.conditions`` as :class:`Condition` models (optionally only the listed types, in that order)."""
    found: dict[str, Condition] = {}
    for raw in as_list(status.get("conditions")):
        c = as_dict(raw)
        if not c.get("type"):
            continue
        found[str(c["type"])] = Condition(
            type=str(c["type"]),
            status=str(c.get("status", "Unknown")),
            reason=trim(c.get("reason"), 120),
            message=trim(c.get("message")),
            last_transition=trim(c.get("lastTransitionTime"), 40),
        )
    if only is None:
        return list(found.values())
    return [found[t] for t in only if t in found]
