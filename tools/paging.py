"""Cursor paging shared by every tool: offsets bound to a fingerprint of the call's arguments.

A cursor carries the offset of the next page, a fingerprint of the arguments that produced the listing (query,
range, step, clusters, ranking...) and the absolute times the first page resolved (``now-1h`` is anchored
once, so page 2 reads the same window as page 1). A cursor passed with other arguments is refused with a clear
message.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tools.contract import ToolResult, decode_cursor, encode_cursor
from tools.errors import ToolInputError
from tools.sizecap import CapPlan, fit_to_cap

__all__ = ["PageCursor", "fill_page", "fingerprint", "make_cursor", "read_cursor", "slice_page"]

T = TypeVar("T")


def fingerprint(kind: str, **arguments: Any) -> str:
    """A short stable hash of a tool's identity and arguments (clusters should be passed sorted)."""
    raw = json.dumps({"kind": kind, **arguments}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class PageCursor:
    """A decoded cursor: where the next page starts and the absolute times the listing was anchored at."""

    offset: int = 0
    anchor: dict[str, float] = field(default_factory=dict)


def make_cursor(fp: str, offset: int, anchor: dict[str, float] | None = None) -> str:
    """An opaque cursor for the page starting at ``offset``."""
    payload: dict[str, Any] = {"f": fp, "o": offset}
    if anchor:
        payload["a"] = anchor
    return encode_cursor(payload)


def read_cursor(cursor: str | None, fp: str) -> PageCursor:
    """Decode ``cursor`` made for arguments with fingerprint ``fp``; the first page when ``cursor`` is ``None``."""
    if not cursor:
        return PageCursor()
    try:
        payload = decode_cursor(cursor)
    except ValueError as exc:
        raise ToolInputError(str(exc), hint="Pass back next_cursor exactly as returned, or omit cursor.") from None
    offset = payload.get("o")
    anchor = payload.get("a", {})
    if not isinstance(offset, int) or offset < 0 or not isinstance(anchor, dict) or "f" not in payload:
        raise ToolInputError(
            f"cursor {cursor!r} is not a cursor returned by this tool.",
            hint="Pass back next_cursor exactly as returned, or omit cursor.",
        )
    if payload["f"] != fp:
        raise ToolInputError(
            "This cursor was returned for different arguments (query, time range, step, clusters or ordering).",
            hint=("Repeat the call with exactly the arguments that returned the cursor, or omit cursor to start over."),
        )
    return PageCursor(offset=offset, anchor={str(k): float(v) for k, v in anchor.items()})


def slice_page(items: Sequence[T], offset: int, limit: int) -> tuple[list[T], int | None]:
    """The page ``items[offset:offset+limit]`` and the offset of the next page (``None`` when this is the last)."""
    page = list(items[offset : offset + limit])
    next_offset = offset + len(page)
    return page, next_offset if next_offset < len(items) else None


def fill_page(
    result: ToolResult,
    items_field: str,
    items: Sequence[Any],
    *,
    fp: str,
    page: PageCursor,
    limit: int,
    cap: int,
    anchor: dict[str, float] | None = None,
    details: Sequence[Callable[[Any], bool]] = (),
) -> None:
    """Put the page of ``items`` starting at ``page.offset`` into ``result.<items_field>``, set total/returned/
    truncated/next_cursor, and shrink it under ``cap`` bytes with a cursor that resumes where the kept items end
    (``details`` first drop optional detail, see :class:`~tools.sizecap.CapPlan`)."""
    offset = page.offset
    page_items, next_offset = slice_page(items, offset, limit)
    setattr(result, items_field, page_items)
    result.total = len(items)
    result.returned = len(page_items)
    result.truncated = next_offset is not None
    result.next_cursor = make_cursor(fp, next_offset, anchor) if next_offset is not None else None

    def resume(kept: int) -> str:
        return make_cursor(fp, offset + kept, anchor)

    fit_to_cap(result, cap, CapPlan(items=items_field, details=details, resume=resume))
