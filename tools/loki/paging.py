"""Cursors of the logs tools: the exact window (unix nanoseconds) and offset of the next page.

A log page's cursor carries the window's start and, as its end, the time of the oldest line returned, so the next
page reads older lines of the same window. A series or label page carries an offset. Both carry a fingerprint of
the arguments: a cursor passed with other arguments is refused with a clear message.
"""

from __future__ import annotations

from tools.contract import decode_cursor, encode_cursor
from tools.errors import ToolInputError
from tools.loki.guardrails import Window
from tools.paging import fingerprint

__all__ = ["fingerprint", "make_cursor", "read_cursor"]

_HINT = "Pass back next_cursor exactly as returned, with the same arguments, or omit cursor."


def make_cursor(fp: str, window: Window, offset: int = 0) -> str:
    """An opaque cursor for the page of ``window`` starting at ``offset``."""
    return encode_cursor({"f": fp, "s": window.start_ns, "e": window.end_ns, "o": offset})


def read_cursor(cursor: str | None, fp: str) -> tuple[Window, int] | None:
    """The window and offset of ``cursor`` made for arguments with fingerprint ``fp``; ``None`` without a cursor."""
    if not cursor:
        return None
    try:
        payload = decode_cursor(cursor)
    except ValueError as exc:
        raise ToolInputError(str(exc), hint=_HINT) from None
    start, end, offset = payload.get("s"), payload.get("e"), payload.get("o")
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(offset, int)) or "f" not in payload:
        raise ToolInputError(f"cursor {cursor!r} is not a cursor returned by this tool.", hint=_HINT)
    if payload["f"] != fp:
        raise ToolInputError(
            "This cursor was returned for different arguments (query, limit, tenant or clusters).", hint=_HINT
        )
    if min(start, end, offset) < 0 or end <= start:
        raise ToolInputError(f"cursor {cursor!r} does not hold a usable window.", hint=_HINT)
    return Window(start, end), offset
