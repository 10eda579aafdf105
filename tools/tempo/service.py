"""The traces service every trace MCP tool calls: :class:`TracesService`.

The caller (the MCP layer) resolves the cluster selection into Tempo targets (and, for the service graph,
Prometheus targets); the service fans out with per-cluster status, summarises, pages and keeps every response under
``limits.response_max_bytes``. "No data" is a success with a note saying what was searched where; when no cluster
answered, a :class:`~tools.errors.BackendError` says why (Tempo's own message verbatim for a bad TraceQL query).
"""

from __future__ import annotations

from collections.abc import Sequence

from tools.prometheus import MetricsService
from tools.targets import BackendTarget, HttpClientPool
from tools.tempo.compare_run import run_compare
from tools.tempo.context import TracesContext, TracesLimits
from tools.tempo.results import CompareResult, ServiceGraphResult, TagValuesResult, TraceResult, TracesSearchResult
from tools.tempo.search import run_search, run_tag_values
from tools.tempo.servicegraph_run import run_service_graph
from tools.tempo.summary import SummaryLimits
from tools.tempo.trace_get import run_get_trace, run_trace_spans

__all__ = ["TracesLimits", "TracesService"]


class TracesService:
    """Tempo queries over a fleet, summarised for a model's context window.

    ``metrics`` (optional) answers the service-graph series from each cluster's Prometheus. Build one per process
    around the shared ``HttpClientPool``.
    """

    def __init__(self, pool: HttpClientPool, limits: TracesLimits, *, metrics: MetricsService | None = None) -> None:
        self._ctx = TracesContext(pool, limits)
        self._metrics = metrics

    @property
    def limits(self) -> TracesLimits:
        """The guardrails and budgets in force."""
        return self._ctx.limits

    async def search(
        self,
        targets: Sequence[BackendTarget],
        q: str,
        *,
        start: str | float = "now-1h",
        end: str | float = "now",
        limit: int = 20,
        cursor: str | None = None,
    ) -> TracesSearchResult:
        """Traces matching the TraceQL ``q`` in ``[start, end]`` across clusters, slowest first."""
        return await run_search(self._ctx, targets, q, start=start, end=end, limit=limit, cursor=cursor)

    async def get_trace(
        self,
        target: BackendTarget,
        trace_id: str,
        *,
        cursor: str | None = None,
        limits: SummaryLimits | None = None,
    ) -> TraceResult:
        """One trace as a summarised span tree (no cursor) or a page of its span list (cursor)."""
        return await run_get_trace(self._ctx, target, trace_id, cursor=cursor, limits=limits or SummaryLimits())

    async def trace_spans(self, target: BackendTarget, trace_id: str) -> str:
        """The full span list of one trace as JSON, capped at ``limits.resource_max_bytes``."""
        return await run_trace_spans(self._ctx, target, trace_id)

    async def compare(
        self,
        targets: Sequence[BackendTarget],
        service: str,
        *,
        operation: str | None = None,
        threshold_ms: float | None = None,
        percentile: float = 90.0,
        start: str | float = "now-1h",
        end: str | float = "now",
        sample: int = 10,
        top: int = 10,
    ) -> CompareResult:
        """Which (service, span name) pairs account for the latency of slow traces versus baseline ones."""
        return await run_compare(
            self._ctx,
            targets,
            service,
            operation=operation,
            threshold_ms=threshold_ms,
            percentile_=percentile,
            start=start,
            end=end,
            sample=sample,
            top=top,
        )

    async def service_graph(
        self,
        prometheus: Sequence[BackendTarget],
        tempo: Sequence[BackendTarget],
        *,
        window: str = "1h",
        service: str | None = None,
        sample_traces: int = 30,
        limit: int = 50,
        cursor: str | None = None,
    ) -> ServiceGraphResult:
        """Service dependencies from the metrics-generator series, else from sampled traces."""
        return await run_service_graph(
            self._ctx,
            self._metrics,
            prometheus,
            tempo,
            window=window,
            service=service,
            sample_traces=sample_traces,
            limit=limit,
            cursor=cursor,
        )

    async def tag_values(
        self,
        targets: Sequence[BackendTarget],
        tag: str,
        *,
        q: str | None = None,
        start: str | float = "now-1h",
        end: str | float = "now",
        limit: int = 100,
        cursor: str | None = None,
    ) -> TagValuesResult:
        """Distinct values of ``tag`` across clusters (v2 API, v1 fallback)."""
        return await run_tag_values(self._ctx, targets, tag, q=q, start=start, end=end, limit=limit, cursor=cursor)
