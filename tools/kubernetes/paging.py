"""Kubernetes ``limit``/``continue`` paging across a fan-out, as one opaque cursor.

Each page asks every cluster for ``limit`` items; the cursor carries each cluster's ``continue`` token (only clusters
with more items are asked again), the offset into the merged page (when the size cap cut a page short, the same
page is read again with the same tokens and the first ``skip`` items dropped), and a fingerprint of the arguments.
An expired token (HTTP 410) is refused with a clear message rather than silently restarting the listing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tools.contract import ToolResult, decode_cursor, encode_cursor
from tools.errors import ToolInputError
from tools.fanout import LatencyHints
from tools.gather import Collected, collect
from tools.kubernetes.client import KubeExpiredError, KubeList
from tools.sizecap import CapPlan, fit_to_cap
from tools.targets import BackendTarget

__all__ = ["ListPage", "Paged", "fetch_pages", "fingerprint", "finish_page", "make_cursor", "read_cursor"]

_CURSOR_HINT = "Pass back next_cursor exactly as returned with the same arguments, or omit cursor to start over."


def fingerprint(tool: str, /, **arguments: Any) -> str:
    """A short stable hash of a tool's identity and arguments."""
    raw = json.dumps({"tool": tool, **arguments}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ListPage:
    """Which clusters to ask with which ``continue`` token (``""``: from the start), and items to skip."""

    fp: str
    tokens: dict[str, str]
    skip: int = 0


def make_cursor(fp: str, tokens: dict[str, str], skip: int = 0) -> str:
    """The opaque cursor for a page."""
    return encode_cursor({"f": fp, "t": tokens, "s": skip})


def read_cursor(cursor: str | None, fp: str, clusters: list[str]) -> ListPage:
    """The page a cursor names, or the first page of ``clusters`` when ``cursor`` is empty."""
    if not cursor:
        return ListPage(fp, {c: "" for c in clusters})
    try:
        payload = decode_cursor(cursor)
    except ValueError as exc:
        raise ToolInputError(str(exc), hint=_CURSOR_HINT) from None
    tokens, skip = payload.get("t"), payload.get("s", 0)
    if (
        not isinstance(tokens, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in tokens.items())
        or not isinstance(skip, int)
        or skip < 0
    ):
        raise ToolInputError(f"cursor {cursor!r} is not a cursor returned by this tool.", hint=_CURSOR_HINT)
    if payload.get("f") != fp:
        raise ToolInputError(
            "This cursor was returned for different arguments (namespace, selectors, filters or clusters).",
            hint=_CURSOR_HINT,
        )
    return ListPage(fp, dict(tokens), skip)


@dataclass
class Paged:
    """What one page's fan-out returned: the page asked for, each cluster's list, and the collated outcomes."""

    page: ListPage
    lists: dict[str, KubeList]
    collected: Collected[KubeList | None]
    notes: list[str] = field(default_factory=list)


async def fetch_pages(
    targets: list[BackendTarget],
    page: ListPage,
    fetch: Callable[[BackendTarget, str | None], Awaitable[KubeList | None]],
    *,
    timeout: float,  # noqa: ASYNC109  # per-cluster deadline handed to collect
    concurrency: int,
    describe: str,
    hints: LatencyHints | None = None,
) -> Paged:
    """Ask each cluster named by ``page`` for its next page; refuse the whole call if a token expired."""
    asked = [t for t in targets if t.cluster in page.tokens]
    if not asked:
        raise ToolInputError("None of the clusters in this cursor is still selected.", hint=_CURSOR_HINT)
    expired: dict[str, KubeExpiredError] = {}

    async def call(target: BackendTarget) -> KubeList | None:
        try:
            return await fetch(target, page.tokens[target.cluster] or None)
        except KubeExpiredError as exc:
            expired[target.cluster] = exc
            return None

    collected = await collect(
        asked, call, backend="api", timeout=timeout, concurrency=concurrency, hints=hints, query=describe
    )
    if expired:
        first = next(iter(expired.values()))
        raise ToolInputError(
            f"The listing cursor expired on {', '.join(sorted(expired))} (HTTP 410 Expired: "
            f"{first.body or 'continue token too old'}).",
            hint="Kubernetes keeps a continue token valid only for a few minutes: repeat the call without cursor.",
        )
    lists = {cluster: value for cluster, value in collected.values if value is not None}
    return Paged(page, lists, collected)


def finish_page(result: ToolResult, items_field: str, items: list[Any], paged: Paged, *, cap: int, limit: int) -> None:
    """Fill the contract fields of ``result`` from a merged, sorted page and keep it under ``cap`` bytes."""
    page = paged.page
    shown = items[page.skip :]
    next_tokens = {c: kl.continue_token for c, kl in paged.lists.items() if kl.continue_token}
    remaining = sum(kl.remaining or 0 for kl in paged.lists.values())
    setattr(result, items_field, shown)
    result.clusters = paged.collected.outcomes
    result.answered = paged.collected.answered
    result.notes = [*paged.collected.notes, *paged.notes, *result.notes]
    result.returned = len(shown)
    result.total = len(shown) + remaining
    result.truncated = bool(next_tokens)
    result.next_cursor = make_cursor(page.fp, next_tokens) if next_tokens else None
    if next_tokens:
        known = f" (at least {remaining} more)" if remaining else ""
        result.notes.append(
            f"More {items_field} exist on {', '.join(sorted(next_tokens))}{known}: pass next_cursor for the next "
            f"page (up to {limit} per cluster). Ordering applies within each page."
        )
    plan = CapPlan(items=items_field, resume=lambda n: make_cursor(page.fp, page.tokens, page.skip + n))
    fit_to_cap(result, cap, plan)
