"""``traces_compare``: sample slow and baseline traces of a service with TraceQL, fetch them, compare their profiles.

With ``threshold_ms`` each cluster runs two searches, ``duration >= threshold`` (slow) and ``duration < threshold``
(baseline). Without it, one search samples the service's spans; the ``percentile``-th duration of that sample is the
slow threshold and the spans at or below the median are the baseline. Each cluster fetches its sampled traces
(``limits.trace_fetches`` at a time); the profiles of all clusters are pooled before comparing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from tools.errors import ToolInputError
from tools.sizecap import CapPlan, fit_to_cap
from tools.targets import BackendTarget
from tools.tempo.client import SearchHit, TempoClient
from tools.tempo.compare import (
    TraceProfile,
    base_filter,
    contributions,
    duration_literal,
    percentile,
    profile,
)
from tools.tempo.context import TracesContext
from tools.tempo.otlp import normalise_id, parse_trace
from tools.tempo.results import CompareResult
from tools.tempo.search import plan_window, window_text
from tools.tempo.spantree import build_tree
from tools.tempo.summary import ms
from tools.timespec import format_rfc3339

__all__ = ["run_compare"]

_EXAMPLES = 3


@dataclass
class _ClusterSample:
    threshold_ms: float | None = None
    slow: list[TraceProfile] = field(default_factory=list)
    baseline: list[TraceProfile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Plan:
    service: str
    operation: str | None
    threshold_ms: float | None
    percentile: float
    sample: int
    window: tuple[int, int]

    @property
    def slow_query(self) -> str:
        base = base_filter(self.service, self.operation)
        if self.threshold_ms is None:
            return "{ " + base + " }"
        return "{ " + base + f" && duration >= {duration_literal(self.threshold_ms)}" + " }"

    @property
    def baseline_query(self) -> str:
        base = base_filter(self.service, self.operation)
        if self.threshold_ms is None:
            return "{ " + base + " }"
        return "{ " + base + f" && duration < {duration_literal(self.threshold_ms)}" + " }"


def _span_ns(hit: SearchHit) -> int:
    """Duration of the service's matched span (the longest when several matched), else the trace's."""
    matched = [d for _, d in hit.matched if d > 0]
    return max(matched) if matched else int(hit.duration_ms * 1e6)


def _spread(hits: list[SearchHit], count: int) -> list[SearchHit]:
    """``count`` hits evenly spread over ``hits`` (deterministic, keeps the whole range represented)."""
    if len(hits) <= count:
        return hits
    step = len(hits) / count
    return [hits[int(i * step)] for i in range(count)]


async def _profiles(
    ctx: TracesContext, client: TempoClient, hits: Sequence[SearchHit], plan: _Plan
) -> list[TraceProfile]:
    gate = asyncio.Semaphore(ctx.limits.trace_fetches)

    async def one(hit: SearchHit) -> TraceProfile | None:
        async with gate:
            # No start/end: Tempo then reads every block, so a trace begun before the window comes back whole.
            payload = await client.trace(hit.trace_id)
        spans = parse_trace(payload) if payload is not None else []
        if not spans:
            return None
        return profile(
            build_tree(spans),
            cluster=client.target.cluster,
            trace_id=hit.trace_id,
            service=plan.service,
            operation=plan.operation,
            matched=[normalise_id(span_id) for span_id, _ in hit.matched],
        )

    found = await asyncio.gather(*(one(h) for h in hits))
    return [p for p in found if p is not None]


async def _sample_cluster(ctx: TracesContext, client: TempoClient, plan: _Plan) -> _ClusterSample:
    start, end = plan.window
    sample = _ClusterSample(threshold_ms=plan.threshold_ms)
    if plan.threshold_ms is not None:
        slow_hits = await client.search(plan.slow_query, start=start, end=end, limit=plan.sample)
        base_hits = await client.search(plan.baseline_query, start=start, end=end, limit=plan.sample)
    else:
        hits = await client.search(plan.slow_query, start=start, end=end, limit=max(50, 5 * plan.sample))
        durations = [_span_ns(h) for h in hits]
        if len(hits) < 2:
            sample.notes.append(f"{client.target.cluster}: {len(hits)} matching trace(s), too few to split.")
            return sample
        threshold = percentile(durations, plan.percentile)
        median = percentile(durations, 50)
        sample.threshold_ms = ms(threshold)
        if threshold <= median:
            sample.notes.append(
                f"{client.target.cluster}: no latency spread in {len(hits)} sampled traces (p{plan.percentile:g} = "
                f"median = {ms(median)} ms); nothing to compare."
            )
            return sample
        ranked = sorted(zip(durations, hits, strict=True), key=lambda p: -p[0])
        slow_hits = [h for d, h in ranked if d >= threshold][: plan.sample]
        base_hits = _spread([h for d, h in reversed(ranked) if d <= median], plan.sample)
    sample.slow = await _profiles(ctx, client, slow_hits, plan)
    sample.baseline = await _profiles(ctx, client, base_hits, plan)
    return sample


async def run_compare(
    ctx: TracesContext,
    targets: Sequence[BackendTarget],
    service: str,
    *,
    operation: str | None = None,
    threshold_ms: float | None = None,
    percentile_: float = 90.0,
    start: str | float = "now-1h",
    end: str | float = "now",
    sample: int = 10,
    top: int = 10,
) -> CompareResult:
    """Compare slow and baseline traces of ``service`` (and ``operation``) on every target, pooled."""
    if not service.strip():
        raise ToolInputError("service is empty.", hint="Pass the service.name of the service, e.g. 'checkout'.")
    if threshold_ms is not None and threshold_ms <= 0:
        raise ToolInputError(f"threshold_ms must be positive, got {threshold_ms}.", hint="E.g. threshold_ms=500.")
    window = plan_window(start, end, max_range_s=ctx.limits.max_range_s)
    plan = _Plan(service, operation, threshold_ms, percentile_, sample, window)
    collected = await ctx.each(
        targets,
        lambda client: _sample_cluster(ctx, client, plan),
        query=plan.slow_query,
        time_range=window_text(window),
        timeout_factor=3.0,  # two searches plus up to 2 x sample trace fetches per cluster
    )
    slow = [p for _, s in collected.values for p in s.slow]
    baseline = [p for _, s in collected.values for p in s.baseline]
    ranked, slow_mean, base_mean = contributions(slow, baseline)
    notes = list(collected.notes) + [n for _, s in collected.values for n in s.notes]
    if threshold_ms is None and slow and baseline:
        notes.append(
            f"One sample per cluster split at its p{percentile_:g} (slow: at or above threshold_ms) and its median "
            "(baseline: at or below)."
        )
    if not slow or not baseline:
        notes.append(
            f"Not enough traces to compare on {', '.join(collected.answered)} in {window_text(window)}: "
            f"{len(slow)} slow, {len(baseline)} baseline. Widen the window, lower threshold_ms or drop operation."
        )
    if len(ranked) > top:
        notes.append(f"{len(ranked)} (service, span name) pairs compared; the top {top} shown (raise top_k for more).")
    thresholds = {c: s.threshold_ms for c, s in collected.values if s.threshold_ms is not None}
    delta = slow_mean - base_mean if slow_mean is not None and base_mean is not None else None
    result = CompareResult(
        clusters=collected.outcomes,
        answered=collected.answered,
        truncated=len(ranked) > top,
        total=len(ranked),
        returned=min(top, len(ranked)),
        notes=notes,
        service=service,
        operation=operation,
        slow_query=plan.slow_query,
        baseline_query=plan.baseline_query,
        start=format_rfc3339(window[0]),
        end=format_rfc3339(window[1]),
        threshold_ms=thresholds,
        slow_traces=len(slow),
        baseline_traces=len(baseline),
        slow_mean_ms=ms(slow_mean) if slow_mean is not None else None,
        baseline_mean_ms=ms(base_mean) if base_mean is not None else None,
        latency_delta_ms=ms(delta) if delta is not None else None,
        contributors=ranked[:top],
        example_slow_traces=[
            f"{p.cluster}/{p.trace_id}" for p in sorted(slow, key=lambda p: -p.duration_ns)[:_EXAMPLES]
        ],
    )
    fit_to_cap(result, ctx.limits.response_max_bytes, CapPlan("contributors"))
    return result
