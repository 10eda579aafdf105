"""Range queries: per-series statistics for the model (:func:`run_query_range`) and the raw, size-capped
matrix behind the ``metrics://range/{token}`` resource (:func:`run_raw_range`)."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tools.contract import decode_cursor, encode_cursor
from tools.errors import ToolInputError
from tools.paging import fingerprint, make_cursor, read_cursor, slice_page
from tools.prometheus.client import QueryData
from tools.prometheus.context import MetricsContext
from tools.prometheus.fanout_query import Gathered, gather
from tools.prometheus.guardrails import RangePlan, check_not_blanket, plan_range
from tools.prometheus.results import RangeQueryResult, RankBy
from tools.prometheus.summary import RawSeries, common_labels, compute_stats, rank_series, summarise
from tools.sizecap import CapPlan, fit_to_cap
from tools.targets import BackendTarget
from tools.timespec import format_duration, format_rfc3339

__all__ = [
    "RANGE_RESOURCE_PREFIX",
    "RangeResourceRef",
    "parse_range_resource",
    "run_query_range",
    "run_raw_range",
]

RANGE_RESOURCE_PREFIX = "metrics://range/"
MAX_TOP_K = 200


@dataclass(frozen=True)
class RangeResourceRef:
    """The arguments behind a ``metrics://range/{token}`` URI: absolute times, so reading it later is reproducible."""

    query: str
    start: float
    end: float
    step: float
    clusters: list[str]

    def uri(self) -> str:
        """The resource URI for these arguments."""
        payload = {"query": self.query, "start": self.start, "end": self.end, "step": self.step}
        return RANGE_RESOURCE_PREFIX + encode_cursor({**payload, "clusters": self.clusters})


def parse_range_resource(uri_or_token: str) -> RangeResourceRef:
    """Decode a ``metrics://range/{token}`` URI (or the bare token) made by a range query."""
    token = uri_or_token.removeprefix(RANGE_RESOURCE_PREFIX)
    try:
        payload = decode_cursor(token)
        return RangeResourceRef(
            query=str(payload["query"]),
            start=float(payload["start"]),
            end=float(payload["end"]),
            step=float(payload["step"]),
            clusters=[str(c) for c in payload["clusters"]],
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise ToolInputError(
            f"{uri_or_token!r} is not a metrics range resource.",
            hint="Use the resource_uri a range query returned.",
        ) from exc


async def _fetch(
    ctx: MetricsContext, targets: Sequence[BackendTarget], promql: str, plan: RangePlan
) -> tuple[Gathered[QueryData], list[RawSeries], list[str]]:
    """Run the range query everywhere; return the gathering, the attributed series and the warnings."""
    gathered = await gather(
        ctx,
        targets,
        lambda client: client.query_range(promql, start=plan.start, end=plan.end, step=plan.step),
        query=promql,
        time_range=plan.describe(),
    )
    entries: list[tuple[str, dict[str, str], list[Any]]] = []
    warnings: list[str] = []
    for cluster, data in gathered.values:
        warnings += [w if len(gathered.values) == 1 else f"[{cluster}] {w}" for w in data.warnings]
        entries += [(cluster, dict(item.get("metric") or {}), item.get("values") or []) for item in data.result]
    attributed = gathered.attribute([(c, labels) for c, labels, _ in entries])
    series = [
        RawSeries(kept[0], kept[1], values)
        for kept, (_, _, values) in zip(attributed, entries, strict=True)
        if kept is not None
    ]
    return gathered, series, list(dict.fromkeys(warnings))


def _no_data_note(promql: str, plan: RangePlan, gathered: Gathered[Any]) -> str:
    where = ", ".join(gathered.answered)
    return (
        f"No data: {promql!r} returned no series on {where} between {format_rfc3339(plan.start)} and "
        f"{format_rfc3339(plan.end)} (step {format_duration(plan.step)}). Check the metric name and label values "
        "with the metric-name and label-value tools, or widen the range."
    )


def _grid(plan: RangePlan) -> tuple[float, float]:
    """First and last evaluation times of a range query (Prometheus evaluates at start + k*step <= end)."""
    return plan.start, plan.start + math.floor((plan.end - plan.start) / plan.step) * plan.step


def _drop_one_deviation_set(result: RangeQueryResult) -> bool:
    """Remove the deviating points of the lowest-ranked series that still has them."""
    for summary in reversed(result.series):
        if summary.deviations:
            summary.deviations = None
            return True
    return False


async def run_query_range(
    ctx: MetricsContext,
    targets: Sequence[BackendTarget],
    promql: str,
    *,
    start: str | float = "now-1h",
    end: str | float = "now",
    step: str | float | None = None,
    top_k: int = 10,
    rank_by: RankBy = "max",
    cursor: str | None = None,
) -> RangeQueryResult:
    """Summarise a range query: top-k series by ``rank_by`` with per-series statistics, under the byte cap."""
    if not 1 <= top_k <= MAX_TOP_K:
        raise ToolInputError(f"top_k must be between 1 and {MAX_TOP_K}, got {top_k}.", hint="Use 10 and page.")
    check_not_blanket(promql)
    clusters = sorted(t.cluster for t in targets)
    fp = fingerprint("range", q=promql, s=start, e=end, st=step, c=clusters, r=rank_by)
    page = read_cursor(cursor, fp)
    now = float(int(time.time()))  # one "now" per call; later pages reuse the anchored bounds
    plan = plan_range(
        page.anchor.get("s", start),
        page.anchor.get("e", end),
        step,
        now=now,
        max_range_s=ctx.limits.max_range_s,
        max_points_per_series=ctx.limits.max_points_per_series,
    )
    gathered, series, warnings = await _fetch(ctx, targets, promql, plan)
    notes = [*plan.notes, *gathered.notes]
    if len(series) > ctx.limits.max_series:
        notes.append(
            f"{len(series)} series matched; only the first {ctx.limits.max_series} were ranked. Aggregate "
            "(sum by (...), topk) or add matchers to narrow the query."
        )
        series = series[: ctx.limits.max_series]
    ranked = rank_series([(s, compute_stats(s.values)) for s in series], rank_by)
    page_items, next_offset = slice_page(ranked, page.offset, top_k)
    shared = common_labels([s.labels for s, _ in page_items])
    anchor = {"s": plan.start, "e": plan.end}
    if not ranked:
        notes.append(_no_data_note(promql, plan, gathered))
    result = RangeQueryResult(
        clusters=gathered.outcomes,
        answered=gathered.answered,
        truncated=next_offset is not None,
        total=len(ranked),
        returned=len(page_items),
        next_cursor=make_cursor(fp, next_offset, anchor) if next_offset is not None else None,
        resource_uri=RangeResourceRef(promql, plan.start, plan.end, plan.step, clusters).uri(),
        notes=notes,
        query=promql,
        start=format_rfc3339(plan.start),
        end=format_rfc3339(plan.end),
        step_s=plan.step,
        clusters_asked=len(clusters),
        rank_by=rank_by,
        top_k=top_k,
        common_labels=shared,
        series=[summarise(s, stats, shared, grid=_grid(plan)) for s, stats in page_items],
        warnings=warnings,
    )
    offset = page.offset
    fit_to_cap(
        result,
        ctx.limits.response_max_bytes,
        CapPlan(
            items="series",
            details=[_drop_one_deviation_set],
            resume=lambda kept: make_cursor(fp, offset + kept, anchor),
        ),
    )
    return result


async def run_raw_range(
    ctx: MetricsContext,
    targets: Sequence[BackendTarget],
    promql: str,
    *,
    start: str | float,
    end: str | float,
    step: str | float | None,
) -> dict[str, Any]:
    """The unsummarised matrix per cluster, capped at ``resource_max_bytes`` by leaving out whole series."""
    check_not_blanket(promql)
    plan = plan_range(
        start,
        end,
        step,
        now=float(int(time.time())),
        max_range_s=ctx.limits.max_range_s,
        max_points_per_series=ctx.limits.max_points_per_series,
    )
    gathered, series, warnings = await _fetch(ctx, targets, promql, plan)
    notes = [*plan.notes, *gathered.notes]
    kept: list[dict[str, Any]] = []
    budget = ctx.limits.resource_max_bytes - 2_000  # room for the envelope
    for item in series:
        entry = {"cluster": item.cluster, "metric": item.labels, "values": [list(v) for v in item.values]}
        size = len(json.dumps(entry, separators=(",", ":")))
        if size > budget:
            break
        budget -= size
        kept.append(entry)
    capped = len(kept) < len(series)
    if capped:
        notes.append(
            f"{len(series) - len(kept)} of {len(series)} series left out to stay under "
            f"{ctx.limits.resource_max_bytes} bytes; narrow the query or use a larger step."
        )
    if not series:
        notes.append(_no_data_note(promql, plan, gathered))
    return {
        "query": promql,
        "start": format_rfc3339(plan.start),
        "end": format_rfc3339(plan.end),
        "step_s": plan.step,
        "clusters": [o.model_dump(exclude_none=True) for o in gathered.outcomes],
        "answered": gathered.answered,
        "truncated": capped,
        "total": len(series),
        "returned": len(kept),
        "series": kept,
        "warnings": warnings,
        "notes": notes,
    }
