"""Instant queries: the value of a PromQL expression at one time, top-k samples across clusters."""

from __future__ import annotations

import math
import time as clock
from collections.abc import Sequence
from typing import Any

from tools.errors import ToolInputError
from tools.paging import fingerprint, make_cursor, read_cursor, slice_page
from tools.prometheus.context import MetricsContext
from tools.prometheus.fanout_query import gather
from tools.prometheus.guardrails import check_not_blanket, plan_instant
from tools.prometheus.results import InstantQueryResult, Sample, SampleValue
from tools.prometheus.summary import common_labels, parse_value, sig
from tools.sizecap import CapPlan, fit_to_cap
from tools.targets import BackendTarget
from tools.timespec import format_rfc3339

__all__ = ["run_query"]

MAX_TOP_K = 500
_SAMPLE_DIGITS = 6  # instant values are read as exact numbers more often than range stats: keep more digits


def _sample_value(raw: Any, result_type: str) -> tuple[SampleValue, float]:
    """The value to show (a number, or Prometheus' text for NaN/±Inf and strings) and its sort key."""
    if result_type == "string":
        return str(raw), -math.inf
    value = parse_value(raw)
    if math.isfinite(value):
        return sig(value, _SAMPLE_DIGITS), value
    return ("NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")), -math.inf


def _last_point(item: dict[str, Any]) -> Any:
    """The value of a vector sample, or the last value of a matrix series."""
    if "value" in item:
        return item["value"][1] if item["value"] else None
    values = item.get("values") or []
    return values[-1][1] if values else None


async def run_query(
    ctx: MetricsContext,
    targets: Sequence[BackendTarget],
    promql: str,
    *,
    time: str | float | None = None,
    top_k: int = 20,
    cursor: str | None = None,
) -> InstantQueryResult:
    """Evaluate ``promql`` at ``time`` on every target; samples ranked by value, highest first, under the cap."""
    if not 1 <= top_k <= MAX_TOP_K:
        raise ToolInputError(f"top_k must be between 1 and {MAX_TOP_K}, got {top_k}.", hint="Use 20 and page.")
    check_not_blanket(promql)
    clusters = sorted(t.cluster for t in targets)
    fp = fingerprint("instant", q=promql, t=time, c=clusters)
    page = read_cursor(cursor, fp)
    at = plan_instant(page.anchor.get("t", time), now=float(int(clock.time())))
    stamp = format_rfc3339(at)
    where = f"at {stamp}"
    gathered = await gather(ctx, targets, lambda c: c.query(promql, time=at), query=promql, time_range=where)

    result_types = {data.result_type for _, data in gathered.values}
    result_type = sorted(result_types)[0] if result_types else "vector"
    entries: list[tuple[str, dict[str, str], Any]] = []
    warnings: list[str] = []
    for cluster, data in gathered.values:
        warnings += [w if len(gathered.values) == 1 else f"[{cluster}] {w}" for w in data.warnings]
        entries += [(cluster, dict(item.get("metric") or {}), _last_point(item)) for item in data.result]
    # Scalars and strings carry no labels: they are per cluster, never split by a cluster label.
    attributed = (
        [(c, labels) for c, labels, _ in entries]
        if result_type in ("scalar", "string")
        else gathered.attribute([(c, labels) for c, labels, _ in entries], what="samples")
    )
    scored: list[tuple[float, Sample]] = []
    for kept, (_, _, raw) in zip(attributed, entries, strict=True):
        if kept is None or raw is None:
            continue
        shown, key = _sample_value(raw, result_type)
        scored.append((key, Sample(cluster=kept[0], labels=kept[1], value=shown)))
    scored.sort(key=lambda p: (-p[0], p[1].cluster, sorted(p[1].labels.items())))
    samples = [s for _, s in scored]
    page_items, next_offset = slice_page(samples, page.offset, top_k)

    notes = list(gathered.notes)
    if result_type == "matrix":
        notes.append(
            "The query returned a range vector: samples show each series' last value. Use the range "
            "query tool for statistics over time."
        )
    if not samples:
        notes.append(
            f"No data: {promql!r} returned nothing on {', '.join(gathered.answered)} {where}. Check the metric "
            "name and label values, or query an earlier time."
        )
    shared = common_labels([s.labels for s in page_items])
    for sample in page_items:
        sample.labels = {k: v for k, v in sorted(sample.labels.items()) if k not in shared}
    scalar = page_items[0].value if result_type in ("scalar", "string") and len(samples) == 1 else None
    anchor = {"t": at}
    result = InstantQueryResult(
        clusters=gathered.outcomes,
        answered=gathered.answered,
        truncated=next_offset is not None,
        total=len(samples),
        returned=len(page_items),
        next_cursor=make_cursor(fp, next_offset, anchor) if next_offset is not None else None,
        notes=notes,
        query=promql,
        time=stamp,
        result_type=result_type,
        top_k=top_k,
        common_labels=shared,
        samples=page_items,
        scalar=scalar,
        warnings=list(dict.fromkeys(warnings)),
    )
    offset = page.offset
    fit_to_cap(
        result,
        ctx.limits.response_max_bytes,
        CapPlan(items="samples", resume=lambda kept: make_cursor(fp, offset + kept, anchor)),
    )
    return result
