"""Keep a result's JSON under the response byte cap, whatever the data looks like.

Shrinking happens in a fixed order, measuring after each step: first the result's own optional detail (e.g. the
deviating points of the lowest-ranked series), then trailing items of the paged list (``truncated`` is set and
``next_cursor`` points at the first dropped item), then the envelope (long notes and messages, latencies, the echoed
query, the resource URI, the list of ok clusters), and finally any remaining large field is emptied. The cap is
never exceeded: if even the bare envelope does not fit, that is a configuration bug and raises.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tools.contract import ToolResult, to_json

__all__ = ["CapPlan", "fit_to_cap", "json_size"]

_TEXT_LIMIT = 200
_NOTES_KEPT = 5


def json_size(result: ToolResult) -> int:
    """Size in bytes of the compact JSON of ``result``."""
    return len(to_json(result).encode())


@dataclass
class CapPlan:
    """How to shrink one result.

    ``items`` names the paged list field; ``details`` are callables that each remove one bit of optional
    detail and return ``False`` when they have nothing left to remove; ``resume(n)`` returns the cursor for
    the page that starts ``n`` items after this page's start (``None`` when paging is not possible).
    """

    items: str
    details: Sequence[Callable[[Any], bool]] = ()
    resume: Callable[[int], str | None] | None = None
    protected: set[str] = field(default_factory=set)


def _trim(text: str, limit: int = _TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fit_to_cap(result: ToolResult, cap: int, plan: CapPlan) -> None:
    """Shrink ``result`` in place until its compact JSON is at most ``cap`` bytes."""
    if json_size(result) <= cap:
        return
    page_size = len(getattr(result, plan.items))
    for detail in plan.details:
        while json_size(result) > cap and detail(result):
            pass
    original = (list(getattr(result, plan.items)), result.returned, result.truncated, result.next_cursor)
    if _envelope_size(result, plan) > cap // 2:
        # A wide fan-out (hundreds of per-cluster lines) must not crowd out the data: compact the envelope first.
        _drop_latencies(result)
        _collapse_ok_clusters(result)
    _drop_items(result, cap, plan, page_size)
    for step in _ENVELOPE_STEPS:
        if json_size(result) <= cap:
            return
        step(result)
    # The envelope may have been what did not fit: start the items again from the full page, now that the
    # envelope is small, then empty any other large field.
    items, result.returned, result.truncated, result.next_cursor = original
    setattr(result, plan.items, list(items))
    _drop_items(result, cap, plan, page_size)
    _empty_largest_fields(result, cap, plan)
    if json_size(result) > cap:
        raise RuntimeError(f"response cap of {cap} bytes is too small for an empty result envelope")


def _envelope_size(result: ToolResult, plan: CapPlan) -> int:
    items = getattr(result, plan.items)
    setattr(result, plan.items, [])
    try:
        return json_size(result)
    finally:
        setattr(result, plan.items, items)


def _drop_items(result: ToolResult, cap: int, plan: CapPlan, page_size: int) -> None:
    """Keep the longest prefix of the paged items that fits (binary search: a page may hold thousands of values)."""
    items: list[Any] = list(getattr(result, plan.items))
    if not items or json_size(result) <= cap:
        return
    note = f"{plan.items} on this page left out to stay under {cap} bytes"
    base_notes = [n for n in result.notes if note not in n]

    def keep(count: int) -> bool:
        setattr(result, plan.items, items[:count])
        result.returned = count
        result.truncated = True
        # Never hand back a cursor to the same page: if nothing fits, skip the oversized item.
        result.next_cursor = plan.resume(max(count, 1)) if plan.resume else None
        skipped = " (one item alone exceeded the cap and was skipped)" if count == 0 else ""
        result.notes = [
            *base_notes,
            f"{page_size - count} of {page_size} {note}{skipped}; use next_cursor for the rest.",
        ]
        return json_size(result) <= cap

    best, low, high = 0, 0, len(items) - 1  # all of them did not fit
    while low <= high:
        middle = (low + high) // 2
        if keep(middle):
            best, low = middle, middle + 1
        else:
            high = middle - 1
    keep(best)


def _trim_notes(result: ToolResult) -> None:
    result.notes = [_trim(n) for n in result.notes[:_NOTES_KEPT]] + (
        [f"...{len(result.notes) - _NOTES_KEPT} more notes"] if len(result.notes) > _NOTES_KEPT else []
    )
    warnings = getattr(result, "warnings", None)
    if isinstance(warnings, list) and warnings:
        kept = [_trim(str(w)) for w in warnings[:_NOTES_KEPT]]
        extra = [f"...{len(warnings) - _NOTES_KEPT} more warnings"] if len(warnings) > _NOTES_KEPT else []
        result.warnings = kept + extra  # type: ignore[attr-defined]  # checked just above


def _drop_latencies(result: ToolResult) -> None:
    for outcome in result.clusters:
        outcome.latency_ms = None
        if outcome.message:
            outcome.message = _trim(outcome.message, 160)


def _trim_query(result: ToolResult) -> None:
    query = getattr(result, "query", None)
    if isinstance(query, str) and len(query) > _TEXT_LIMIT:
        result.query = _trim(query)  # type: ignore[attr-defined]  # checked just above
    if result.resource_uri:
        result.resource_uri = None
        result.notes.append("resource_uri omitted to fit the size cap; repeat the query with a narrower selector.")


def _collapse_ok_clusters(result: ToolResult) -> None:
    ok = [o for o in result.clusters if o.status == "ok"]
    if ok:
        result.clusters = [o for o in result.clusters if o.status != "ok"]
        result.notes.append(f"{len(ok)} clusters answered ok (see answered).")
    if len(result.answered) > 20:
        result.notes.append(f"answered lists 20 of {len(result.answered)} clusters.")
        result.answered = result.answered[:20]


def _drop_failed_clusters(result: ToolResult) -> None:
    failed = len(result.clusters)
    if failed > 10:
        result.clusters = result.clusters[:10]
        result.notes.append(f"clusters lists 10 of {failed} failed clusters.")


_ENVELOPE_STEPS: tuple[Callable[[ToolResult], None], ...] = (
    _trim_notes,
    _drop_latencies,
    _trim_query,
    _collapse_ok_clusters,
    _drop_failed_clusters,
)


def _empty_largest_fields(result: ToolResult, cap: int, plan: CapPlan) -> None:
    """Last resort: empty the largest list/dict fields (other than the contract's own) until the result fits."""
    contract_fields = set(ToolResult.model_fields)
    candidates = [
        name
        for name in type(result).model_fields
        if name not in contract_fields
        and name != plan.items
        and name not in plan.protected
        and isinstance(getattr(result, name), list | dict)
    ]
    candidates.sort(key=lambda name: -len(repr(getattr(result, name))))
    for name in candidates:
        if json_size(result) <= cap:
            return
        value = getattr(result, name)
        if value:
            setattr(result, name, type(value)())
            result.truncated = True
            result.notes = [*result.notes[:_NOTES_KEPT], f"{name} emptied to fit the size cap."]
    if json_size(result) <= cap:
        return
    # Bare envelope still too big (hundreds of failed clusters, a huge query): shorten, then list fewer clusters.
    result.notes = ["response reduced to its envelope to fit the size cap."]
    for outcome in result.clusters:
        outcome.message = _trim(outcome.message, 80) if outcome.message else None
    query = getattr(result, "query", None)
    if isinstance(query, str):
        result.query = _trim(query, 80)  # type: ignore[attr-defined]  # checked just above
    listed = len(result.clusters)
    while result.clusters and json_size(result) > cap:
        result.clusters.pop()
        result.notes[1:] = [f"clusters lists {len(result.clusters)} of {listed} failed clusters."]
    while result.answered and json_size(result) > cap:
        result.answered.pop()
