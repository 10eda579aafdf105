"""What series exist (label sets only, no values) and what metrics mean (type, help, unit), merged across clusters."""

from __future__ import annotations

import time
from collections.abc import Sequence

from tools.errors import ToolInputError
from tools.paging import fingerprint, make_cursor, read_cursor, slice_page
from tools.prometheus.context import MetricsContext
from tools.prometheus.fanout_query import gather
from tools.prometheus.guardrails import check_not_blanket, plan_range
from tools.prometheus.labels import check_limit, scoped_selectors
from tools.prometheus.results import MetadataResult, MetricMetadata, SeriesLabels, SeriesListResult
from tools.prometheus.summary import common_labels
from tools.sizecap import CapPlan, fit_to_cap
from tools.targets import BackendTarget
from tools.timespec import format_rfc3339

__all__ = ["run_metadata", "run_series"]

_HELP_LIMIT = 200


async def run_series(
    ctx: MetricsContext,
    targets: Sequence[BackendTarget],
    match: list[str],
    *,
    start: str | float | None,
    end: str | float | None,
    limit: int,
    cursor: str | None,
) -> SeriesListResult:
    """Series matching ``match`` between ``start`` and ``end`` (default: the last hour), label sets only."""
    check_limit(limit)
    if not match:
        raise ToolInputError(
            "match needs at least one series selector.",
            hint='e.g. ["up", "kube_pod_info{namespace=\\"x\\"}"]',
        )
    for selector in match:
        check_not_blanket(selector, what="series selector")
    clusters = sorted(t.cluster for t in targets)
    fp = fingerprint("series", m=match, s=start, e=end, c=clusters)
    page = read_cursor(cursor, fp)
    plan = plan_range(
        page.anchor.get("s", start if start is not None else "now-1h"),
        page.anchor.get("e", end if end is not None else "now"),
        None,
        now=float(int(time.time())),
        max_range_s=ctx.limits.max_range_s,
        max_points_per_series=ctx.limits.max_points_per_series,
    )
    scoped = scoped_selectors(ctx, targets, match)
    gathered = await gather(
        ctx,
        targets,
        lambda c: c.series(scoped, start=plan.start, end=plan.end),
        query=" or ".join(match),
        time_range=f"{format_rfc3339(plan.start)} .. {format_rfc3339(plan.end)}",
    )
    entries = [(cluster, labels) for cluster, found in gathered.values for labels in found]
    attributed = {(c, tuple(sorted(lbl.items()))) for kept in gathered.attribute(entries) if kept for c, lbl in [kept]}
    ordered = sorted(attributed)
    items, next_offset = slice_page(ordered, page.offset, limit)
    shared = common_labels([dict(lbl) for _, lbl in items])
    notes = list(gathered.notes)
    if not ordered:
        notes.append(
            f"No series matched {match} on {', '.join(gathered.answered)} between {format_rfc3339(plan.start)} and "
            f"{format_rfc3339(plan.end)}."
        )
    anchor = {"s": plan.start, "e": plan.end}
    result = SeriesListResult(
        clusters=gathered.outcomes,
        answered=gathered.answered,
        truncated=next_offset is not None,
        total=len(ordered),
        returned=len(items),
        next_cursor=make_cursor(fp, next_offset, anchor) if next_offset is not None else None,
        notes=notes,
        match=match,
        start=format_rfc3339(plan.start),
        end=format_rfc3339(plan.end),
        common_labels=shared,
        series=[SeriesLabels(cluster=c, labels={k: v for k, v in lbl if k not in shared}) for c, lbl in items],
    )
    offset = page.offset
    fit_to_cap(
        result,
        ctx.limits.response_max_bytes,
        CapPlan("series", resume=lambda n: make_cursor(fp, offset + n, anchor)),
    )
    return result


async def run_metadata(
    ctx: MetricsContext,
    targets: Sequence[BackendTarget],
    *,
    metric: str | None,
    limit: int,
    cursor: str | None,
) -> MetadataResult:
    """Type/help/unit of ``metric`` (or of all metrics), merged across clusters and sorted by name."""
    check_limit(limit)
    clusters = sorted(t.cluster for t in targets)
    fp = fingerprint("metadata", m=metric, c=clusters)
    page = read_cursor(cursor, fp)
    gathered = await gather(ctx, targets, lambda c: c.metadata(metric), query=metric)
    merged: dict[tuple[str, str, str, str], set[str]] = {}
    for cluster, found in gathered.values:
        for name, entries in found.items():
            for entry in entries:
                help_text = str(entry.get("help", ""))
                if len(help_text) > _HELP_LIMIT:
                    help_text = help_text[: _HELP_LIMIT - 1] + "…"
                key = (name, str(entry.get("type", "unknown")), help_text, str(entry.get("unit", "")))
                merged.setdefault(key, set()).add(cluster)
    ordered = sorted(merged)
    items, next_offset = slice_page(ordered, page.offset, limit)
    answering = len(gathered.values)
    notes = list(gathered.notes)
    if not ordered:
        notes.append(f"No metadata for {metric or 'any metric'} on {', '.join(gathered.answered)}.")
    result = MetadataResult(
        clusters=gathered.outcomes,
        answered=gathered.answered,
        truncated=next_offset is not None,
        total=len(ordered),
        returned=len(items),
        next_cursor=make_cursor(fp, next_offset) if next_offset is not None else None,
        notes=notes,
        metric=metric,
        metrics=[
            MetricMetadata(
                metric=name,
                type=kind,
                help=help_text,
                unit=unit or None,
                clusters=sorted(merged[key]) if len(merged[key]) < answering else None,
            )
            for key in items
            for name, kind, help_text, unit in [key]
        ],
    )
    offset = page.offset
    fit_to_cap(
        result,
        ctx.limits.response_max_bytes,
        CapPlan("metrics", resume=lambda n: make_cursor(fp, offset + n)),
    )
    return result
