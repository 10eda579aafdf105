"""``traces_search`` and ``traces_tag_values``: TraceQL search and tag values over the selected clusters' Tempo.

Both read a window ``[start, end]`` (default the last hour, at most ``limits.max_range_s``) anchored once: the cursor
carries the absolute times, so page 2 reads the same window as page 1.
"""

from __future__ import annotations

import math
import time as clock
from collections.abc import Sequence

from tools.errors import ToolInputError
from tools.paging import fingerprint, make_cursor, read_cursor, slice_page
from tools.sizecap import CapPlan, fit_to_cap
from tools.targets import BackendTarget
from tools.tempo.client import SearchHit, TagValue
from tools.tempo.context import TracesContext
from tools.tempo.results import TagValueItem, TagValuesResult, TracesSearchResult, TraceSummary
from tools.timespec import format_duration, format_rfc3339, parse_time

__all__ = ["Window", "plan_window", "run_search", "run_tag_values", "window_text"]

Window = tuple[int, int]
# Values asked of each cluster: pages are cut from the merged list, so each cluster is asked for more than a page.
TAG_VALUES_FETCHED = 1000


def plan_window(
    start: str | float, end: str | float, *, max_range_s: int, anchor: dict[str, float] | None = None
) -> Window:
    """Whole unix seconds ``(start, end)``; the anchor of a cursor wins over relative times."""
    if anchor and "s" in anchor and "e" in anchor:
        return int(anchor["s"]), int(anchor["e"])
    now = clock.time()
    begin = parse_time(start, now=now, name="start")
    finish = parse_time(end, now=now, name="end")
    if finish <= begin:
        raise ToolInputError(
            f"end ({format_rfc3339(finish)}) is not after start ({format_rfc3339(begin)}).",
            hint="Use start='now-1h', end='now', or absolute RFC3339 times with start < end.",
        )
    if finish - begin > max_range_s:
        raise ToolInputError(
            f"The window {format_duration(finish - begin)} is longer than the {format_duration(max_range_s)} "
            "a trace search may scan.",
            hint="Narrow start/end (e.g. start='now-6h'), or search a shorter window around the incident.",
        )
    return math.floor(begin), math.ceil(finish)


def window_text(window: Window) -> str:
    """``<start> .. <end>`` in RFC3339."""
    return f"{format_rfc3339(window[0])} .. {format_rfc3339(window[1])}"


def _summary(cluster: str, hit: SearchHit) -> TraceSummary:
    return TraceSummary(
        cluster=cluster,
        trace_id=hit.trace_id,
        root_service=hit.root_service,
        root_name=hit.root_name,
        start=format_rfc3339(hit.start_ns / 1e9),
        duration_ms=hit.duration_ms,
        span_count=hit.span_count,
        error=hit.error,
    )


async def run_search(
    ctx: TracesContext,
    targets: Sequence[BackendTarget],
    q: str,
    *,
    start: str | float = "now-1h",
    end: str | float = "now",
    limit: int = 20,
    cursor: str | None = None,
) -> TracesSearchResult:
    """Traces matching ``q`` on every target, slowest first, ``limit`` per page."""
    if not q.strip():
        raise ToolInputError("query is empty.", hint="Pass a TraceQL query such as {} or { status = error }.")
    clusters = sorted(t.cluster for t in targets)
    fp = fingerprint("traces_search", q=q, s=start, e=end, l=limit, c=clusters)
    page = read_cursor(cursor, fp)
    window = plan_window(start, end, max_range_s=ctx.limits.max_range_s, anchor=page.anchor)
    where = window_text(window)
    collected = await ctx.each(
        targets, lambda c: c.search(q, start=window[0], end=window[1], limit=limit), query=q, time_range=where
    )
    found = [_summary(cluster, hit) for cluster, hits in collected.values for hit in hits]
    found.sort(key=lambda t: (-t.duration_ms, t.cluster, t.trace_id))
    items, next_offset = slice_page(found, page.offset, limit)
    anchor = {"s": float(window[0]), "e": float(window[1])}
    notes = list(collected.notes)
    if not found:
        notes.append(f"No trace matched {q!r} on {', '.join(collected.answered)} in {where}.")
    elif any(len(hits) >= limit for _, hits in collected.values):
        notes.append(
            f"Tempo returns the first {limit} matches per cluster, not the slowest: to find slow traces add a "
            "duration filter (e.g. '&& duration > 1s') or raise limit."
        )
    result = TracesSearchResult(
        clusters=collected.outcomes,
        answered=collected.answered,
        truncated=next_offset is not None,
        total=len(found),
        returned=len(items),
        next_cursor=make_cursor(fp, next_offset, anchor) if next_offset is not None else None,
        notes=notes,
        query=q,
        start=format_rfc3339(window[0]),
        end=format_rfc3339(window[1]),
        traces=items,
    )
    offset = page.offset
    fit_to_cap(
        result,
        ctx.limits.response_max_bytes,
        CapPlan("traces", resume=lambda n: make_cursor(fp, offset + n, anchor)),
    )
    return result


async def run_tag_values(
    ctx: TracesContext,
    targets: Sequence[BackendTarget],
    tag: str,
    *,
    q: str | None = None,
    start: str | float = "now-1h",
    end: str | float = "now",
    limit: int = 100,
    cursor: str | None = None,
) -> TagValuesResult:
    """Distinct values of ``tag`` merged across targets, sorted; ``limit`` per page."""
    if not tag.strip() or "/" in tag:
        raise ToolInputError(
            f"{tag!r} is not a tag name.",
            hint="Use a TraceQL identifier such as resource.service.name, span.http.route, name or status.",
        )
    clusters = sorted(t.cluster for t in targets)
    fp = fingerprint("traces_tag_values", t=tag, q=q, s=start, e=end, l=limit, c=clusters)
    page = read_cursor(cursor, fp)
    window = plan_window(start, end, max_range_s=ctx.limits.max_range_s, anchor=page.anchor)
    where = window_text(window)
    collected = await ctx.each(
        targets,
        lambda c: c.tag_values(tag, q=q, start=window[0], end=window[1], limit=TAG_VALUES_FETCHED),
        query=q or tag,
        time_range=where,
    )
    presence: dict[TagValue, set[str]] = {}
    api: dict[str, str] = {}
    for cluster, (values, version) in collected.values:
        api[cluster] = version
        for value in values:
            presence.setdefault(value, set()).add(cluster)
    ordered = sorted(presence, key=lambda v: (v.value, v.type))
    answering = len(collected.values)
    merged = [
        TagValueItem(
            value=v.value,
            type=v.type,
            clusters=sorted(presence[v]) if len(presence[v]) < answering else None,
        )
        for v in ordered
    ]
    items, next_offset = slice_page(merged, page.offset, limit)
    anchor = {"s": float(window[0]), "e": float(window[1])}
    notes = list(collected.notes)
    if not merged:
        notes.append(f"No values of {tag!r} on {', '.join(collected.answered)} in {where}.")
    capped = sorted(c for c, (values, _) in collected.values if len(values) >= TAG_VALUES_FETCHED)
    if capped:
        notes.append(f"{', '.join(capped)}: Tempo's answer capped at {TAG_VALUES_FETCHED} values; narrow with query.")
    if "v1" in api.values():
        older = sorted(c for c, v in api.items() if v == "v1")
        notes.append(
            f"{', '.join(older)}: answered by the v1 tag API (values untyped"
            f"{', TraceQL filter query not applied' if q else ''})."
        )
    result = TagValuesResult(
        clusters=collected.outcomes,
        answered=collected.answered,
        truncated=next_offset is not None,
        total=len(merged),
        returned=len(items),
        next_cursor=make_cursor(fp, next_offset, anchor) if next_offset is not None else None,
        notes=notes,
        tag=tag,
        query=q,
        start=format_rfc3339(window[0]),
        end=format_rfc3339(window[1]),
        api=api,
        values=items,
    )
    offset = page.offset
    fit_to_cap(
        result,
        ctx.limits.response_max_bytes,
        CapPlan("values", resume=lambda n: make_cursor(fp, offset + n, anchor)),
    )
    return result
