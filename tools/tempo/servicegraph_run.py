"""``traces_service_graph``: edges from the metrics-generator series when a cluster has them, else from traces.

Step 1 asks the selected clusters' Prometheus (through :class:`~tools.prometheus.MetricsService`, so the global view
and guardrails apply) for the service-graph series. Step 2 samples recent traces on every selected cluster that has
a Tempo endpoint but no service-graph series, and derives the edges from parent/child spans across services. Each
cluster's source is reported; a failure of one step becomes a note, not an error, while the other can answer.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence

from tools.contract import ClusterOutcome
from tools.errors import BackendError, ToolInputError
from tools.paging import fingerprint, make_cursor, read_cursor, slice_page
from tools.prometheus import InstantQueryResult, MetricsService
from tools.sizecap import CapPlan, fit_to_cap
from tools.targets import BackendTarget
from tools.tempo.client import TempoClient
from tools.tempo.compare import base_filter
from tools.tempo.context import TracesContext
from tools.tempo.otlp import parse_trace
from tools.tempo.results import GraphSource, ServiceEdge, ServiceGraphResult
from tools.tempo.search import plan_window
from tools.tempo.servicegraph import EdgeSample, TraceEdges, edges_from_metrics, graph_queries, touches
from tools.tempo.spantree import build_tree
from tools.timespec import parse_duration

__all__ = ["run_service_graph"]

_MAX_PAGES = 10
_TOP_K = 500


def _number(value: float | str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


async def _samples(metrics: MetricsService, targets: Sequence[BackendTarget], promql: str) -> InstantQueryResult:
    """Every sample of ``promql`` (following cursors), labels completed with the page's common labels."""
    first = await metrics.query(targets, promql, top_k=_TOP_K)
    first.samples = [s.model_copy(update={"labels": {**first.common_labels, **s.labels}}) for s in first.samples]
    cursor = first.next_cursor
    for _ in range(_MAX_PAGES - 1):
        if cursor is None:
            break
        page = await metrics.query(targets, promql, top_k=_TOP_K, cursor=cursor)
        first.samples += [s.model_copy(update={"labels": {**page.common_labels, **s.labels}}) for s in page.samples]
        cursor = page.next_cursor
    return first


def _edge_samples(result: InstantQueryResult | BaseException | None) -> list[EdgeSample]:
    if not isinstance(result, InstantQueryResult):
        return []
    return [(s.cluster, s.labels, _number(s.value)) for s in result.samples]


async def _trace_edges(ctx: TracesContext, client: TempoClient, q: str, window: tuple[int, int], n: int) -> TraceEdges:
    hits = await client.search(q, start=window[0], end=window[1], limit=n)
    edges = TraceEdges(client.target.cluster)
    gate = asyncio.Semaphore(ctx.limits.trace_fetches)

    async def fetch(trace_id: str) -> None:
        async with gate:
            # No start/end: Tempo then reads every block, so a trace begun before the window comes back whole.
            payload = await client.trace(trace_id)
        spans = parse_trace(payload) if payload is not None else []
        if spans:
            edges.add(build_tree(spans))

    await asyncio.gather(*(fetch(h.trace_id) for h in hits))
    return edges


async def run_service_graph(
    ctx: TracesContext,
    metrics: MetricsService | None,
    prometheus: Sequence[BackendTarget],
    tempo: Sequence[BackendTarget],
    *,
    window: str = "1h",
    service: str | None = None,
    sample_traces: int = 30,
    limit: int = 50,
    cursor: str | None = None,
) -> ServiceGraphResult:
    """Service-graph edges of the selected clusters, busiest first, ``limit`` per page."""
    seconds = parse_duration(window, name="window")
    if seconds > ctx.limits.max_range_s:
        raise ToolInputError(f"window {window!r} is longer than 24h.", hint="Use window='1h' or '6h'.")
    clusters = sorted({t.cluster for t in (*prometheus, *tempo)})
    fp = fingerprint("traces_service_graph", w=window, s=service, n=sample_traces, l=limit, c=clusters)
    page = read_cursor(cursor, fp)
    notes: list[str] = []
    outcomes: dict[str, ClusterOutcome] = {}
    metric_outcomes: dict[str, ClusterOutcome] = {}
    edges: list[ServiceEdge] = []
    sources: dict[str, str] = {}
    if metrics is not None and prometheus:
        queries = graph_queries(window)
        try:
            requests = await _samples(metrics, prometheus, queries["requests"])
        except BackendError as exc:
            notes.append(f"Service-graph metrics unavailable ({str(exc).split(' | ')[0]}); derived from traces.")
        else:
            extra = await asyncio.gather(
                _samples(metrics, prometheus, queries["failed"]),
                _samples(metrics, prometheus, queries["p95"]),
                return_exceptions=True,
            )
            if any(isinstance(e, BaseException) for e in extra):
                notes.append("Service-graph error or latency series could not be read; those fields are omitted.")
            metric_edges = edges_from_metrics(_edge_samples(requests), _edge_samples(extra[0]), _edge_samples(extra[1]))
            with_series = {e.cluster for e in metric_edges}
            metric_outcomes = {o.cluster: o for o in requests.clusters}
            outcomes.update({c: o for c, o in metric_outcomes.items() if c in with_series})
            sources.update(dict.fromkeys(sorted(with_series), "metrics"))
            edges += metric_edges
    fallback = [t for t in tempo if t.cluster not in sources]
    if fallback:
        start_end = plan_window(f"now-{window}", "now", max_range_s=ctx.limits.max_range_s)
        q = "{ " + base_filter(service, None) + " }" if service else "{}"
        try:
            collected = await ctx.each(
                fallback, lambda c: _trace_edges(ctx, c, q, start_end, sample_traces), query=q, timeout_factor=3.0
            )
        except BackendError as exc:
            if not edges:
                raise
            notes.append(f"Trace sampling failed on {', '.join(t.cluster for t in fallback)}: {exc}")
        else:
            outcomes.update({o.cluster: o for o in collected.outcomes})
            notes += collected.notes
            for cluster, found in collected.values:
                sources[cluster] = "traces"
                edges += found.edges()
                notes.append(f"{cluster}: no service-graph series; edges derived from {found.traces} sampled traces.")
    outcomes.update({c: o for c, o in metric_outcomes.items() if c not in outcomes and o.status != "ok"})
    missing = [c for c in clusters if c not in sources and c not in outcomes]
    if missing:
        notes.append(f"No service-graph series and no Tempo endpoint: {', '.join(missing)}.")
    kept = [e for e in edges if touches(e, service)]
    if not kept:
        where = ", ".join(sorted(sources)) or "no cluster"
        notes.append(f"No service edges{f' touching {service!r}' if service else ''} on {where} over {window}.")
    items, next_offset = slice_page(kept, page.offset, limit)
    used = sorted(set(sources.values()))
    source: GraphSource = "none"
    if len(used) > 1:
        source = "mixed"
    elif used == ["metrics"]:
        source = "metrics"
    elif used == ["traces"]:
        source = "traces"
    result = ServiceGraphResult(
        clusters=[outcomes[c] for c in sorted(outcomes)],
        answered=sorted(sources),
        truncated=next_offset is not None,
        total=len(kept),
        returned=len(items),
        next_cursor=make_cursor(fp, next_offset) if next_offset is not None else None,
        notes=notes,
        source=source,
        sources=sources,
        window=window,
        service=service,
        edges=items,
    )
    offset = page.offset
    fit_to_cap(result, ctx.limits.response_max_bytes, CapPlan("edges", resume=lambda n: make_cursor(fp, offset + n)))
    return result
