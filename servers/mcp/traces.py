"""The traces MCP domain: TraceQL search, summarised span trees, slow-vs-baseline comparison, service graph, tags.

Each tool is a thin typed function over :class:`tools.tempo.TracesService`; the docstrings are what the model reads,
so they say what the tool answers, when to use it, the units of each argument and its limits.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated

from mcp.server.fastmcp import FastMCP
from mcp.types import CallToolResult
from pydantic import Field

from servers.mcp.args import Cursor
from servers.mcp.deps import ToolDeps
from servers.mcp.respond import respond, tool_errors
from servers.mcp.selection import (
    ClustersArg,
    EnvironmentArg,
    LabelsArg,
    resolve_metrics_targets,
    resolve_targets,
    select_clusters,
)
from servers.mcp.surface import READ_ONLY
from tools.contract import ToolResult
from tools.errors import ToolInputError
from tools.targets import BackendTarget
from tools.tempo import (
    CompareResult,
    ServiceGraphResult,
    TagValuesResult,
    TraceResult,
    TracesLimits,
    TracesSearchResult,
    TracesService,
)

__all__ = ["register_traces_tools"]

TraceQL = Annotated[
    str,
    Field(
        description="TraceQL, e.g. '{ resource.service.name = \"checkout\" && duration > 500ms }', "
        "'{ status = error }', '{ span.http.route = \"/cart\" }'. '{}' matches every trace."
    ),
]
StartArg = Annotated[str, Field(description="Window start: RFC3339, unix seconds or relative ('now-6h'). Max 24 h.")]
EndArg = Annotated[str, Field(description="Window end: RFC3339, unix seconds, 'now' or relative")]
ClusterArg = Annotated[str, Field(description="The cluster holding the trace (the 'cluster' of a traces_search hit)")]


async def _tempo_targets(
    deps: ToolDeps, clusters: list[str] | None, labels: dict[str, str] | None, environment: str | None
) -> tuple[list[BackendTarget], list[str]]:
    return await resolve_targets(deps, clusters, labels, environment, "tempo")


def _answer(result: ToolResult, missing: list[str]) -> CallToolResult:
    """Name the selected clusters that could not be asked, then respond."""
    if missing:
        result.notes.append(f"No Tempo endpoint registered for: {', '.join(missing)} (not asked).")
    return respond(result)


def register_traces_tools(mcp: FastMCP, deps: ToolDeps) -> None:
    """Add the ``traces_*`` tools and the ``traces://trace/{cluster}/{trace_id}`` resource to ``mcp``."""
    base = deps.metrics.limits
    traces = TracesService(
        deps.pool,
        TracesLimits(
            response_max_bytes=base.response_max_bytes,
            resource_max_bytes=base.resource_max_bytes,
            query_timeout_s=base.query_timeout_s,
            cluster_timeout_s=base.cluster_timeout_s,
            concurrency=base.concurrency,
        ),
        metrics=deps.metrics,
    )

    @mcp.tool(annotations=READ_ONLY, title="Search traces (TraceQL)")
    @tool_errors
    async def traces_search(
        q: TraceQL = "{}",
        start: StartArg = "now-1h",
        end: EndArg = "now",
        limit: Annotated[int, Field(ge=1, le=100, description="Traces per cluster and per page")] = 20,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, TracesSearchResult]:
        """Find traces with a TraceQL query on every selected cluster's Tempo; summaries, slowest first.

        Use to find example requests: slow ones, failed ones, those of one service or route. Each hit gives the
        cluster, trace id, root service and operation, start, duration (ms), span count and error flag when Tempo
        reports them. Tempo returns the first `limit` matches per cluster (not the slowest): filter on duration to
        find slow traces. Window: default the last hour, at most 24 h. Then call traces_get with a hit's trace_id
        and cluster for its critical path and errors.
        Examples: "slow checkout requests?" → q='{ resource.service.name = "checkout" && duration > 1s }'.
        "What failed on edge-1 in the last 15 min?" → q='{ status = error }', start='now-15m', clusters=['edge-1'].
        """
        targets, missing = await _tempo_targets(deps, clusters, labels, environment)
        return _answer(await traces.search(targets, q, start=start, end=end, limit=limit, cursor=cursor), missing)

    @mcp.tool(annotations=READ_ONLY, title="Get one trace (summarised span tree)")
    @tool_errors
    async def traces_get(
        trace_id: Annotated[str, Field(description="Trace id, up to 32 hex characters (from traces_search)")],
        cluster: ClusterArg,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, TraceResult]:
        """Explain one trace: its critical path, failed spans, slowest spans and per-service totals (not raw OTLP).

        Use after traces_search, or with a trace id from a log line, to answer "why was this request slow?" or
        "where did it fail?". critical_path lists, in time order, the spans that determine the end-to-end latency,
        each with its duration, self time (time not covered by its children) and critical_ms (its share of the
        latency); errors lists failed spans with their status message, likely origins (no failing span below
        them) first; slowest_spans ranks spans by self time; services sums spans, errors and self time per
        service. Durations in ms. The full span list is paged by next_cursor (50 spans per page) or readable at
        resource_uri. A trace id the cluster does not know returns found=false with a note, not an error.
        Example: trace_id='2f3e0cee77ae5dc9c17ade3689eb2e54', cluster='hub'.
        """
        targets, _ = await _tempo_targets(deps, [cluster], None, None)
        return respond(await traces.get_trace(targets[0], trace_id, cursor=cursor))

    @mcp.tool(annotations=READ_ONLY, title="Compare slow and baseline traces")
    @tool_errors
    async def traces_compare(
        service: Annotated[str, Field(description="service.name of the service whose latency to explain")],
        operation: Annotated[str | None, Field(description="Span name of that service, e.g. 'GET /cart'")] = None,
        threshold_ms: Annotated[
            float | None,
            Field(gt=0, description="Spans at or above this duration (ms) are slow; default: the percentile"),
        ] = None,
        percentile: Annotated[
            float, Field(ge=50, le=99.9, description="Without threshold_ms: slow = at or above this percentile")
        ] = 90.0,
        start: StartArg = "now-1h",
        end: EndArg = "now",
        sample: Annotated[int, Field(ge=2, le=30, description="Traces fetched per group and cluster")] = 10,
        top: Annotated[int, Field(ge=1, le=50, description="Contributors returned")] = 10,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
    ) -> Annotated[CallToolResult, CompareResult]:
        """Explain why some requests of a service are slow: compare slow traces with baseline ones.

        Samples the service's spans (optionally one operation) with TraceQL, splits them into slow (duration at or
        above threshold_ms, or the percentile of the sample) and baseline (below threshold_ms, or at or below the
        median), fetches those traces and compares, per (service, span name) under the service's span, the mean
        self time per trace: contributors are ranked by delta_ms (slow minus baseline), with share = delta_ms /
        latency_delta_ms and the mean number of such spans per trace (more calls in slow traces points at
        retries or N+1 queries). Costs two searches and up to 2 x sample trace fetches per cluster.
        Example: "why is checkout sometimes slow?" → service='checkout', operation='POST /checkout'.
        """
        targets, missing = await _tempo_targets(deps, clusters, labels, environment)
        result = await traces.compare(
            targets,
            service,
            operation=operation,
            threshold_ms=threshold_ms,
            percentile=percentile,
            start=start,
            end=end,
            sample=sample,
            top=top,
        )
        return _answer(result, missing)

    @mcp.tool(annotations=READ_ONLY, title="Service dependency graph")
    @tool_errors
    async def traces_service_graph(
        service: Annotated[str | None, Field(description="Only edges where this service calls or is called")] = None,
        window: Annotated[str, Field(description="Rate and trace-sample window, e.g. '5m', '1h' (max 24h)")] = "1h",
        sample_traces: Annotated[
            int, Field(ge=1, le=100, description="Traces sampled per cluster when no service-graph metrics exist")
        ] = 30,
        limit: Annotated[int, Field(ge=1, le=500, description="Edges per page")] = 50,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, ServiceGraphResult]:
        """Which services call which, with request rate, error rate and latency per edge.

        Reads Tempo's metrics-generator series (traces_service_graph_request_total, ..._failed_total,
        ..._server_seconds_bucket) from each cluster's Prometheus: request_rate and error_rate in requests/s,
        error_ratio, p95_ms over window. A cluster without those series gets edges derived from sample_traces
        recent traces (a span whose parent is in another service is a call): requests and errors are counts in
        the sample, mean_ms and p95_ms the called spans' durations. `source` and `sources` say which was used.
        Examples: "what depends on payments?" → service='payments'. "Which calls fail most on hub?" →
        clusters=['hub'].
        """
        await select_clusters(deps, clusters, labels, environment)  # a bad selection is the caller's to fix
        prometheus = await _optional(resolve_metrics_targets(deps, clusters, labels, environment))
        tempo = await _optional(_tempo_targets(deps, clusters, labels, environment))
        if not prometheus and not tempo:
            raise ToolInputError(
                "None of the selected clusters has a Prometheus or Tempo endpoint.",
                hint="Register one with `aiops cluster add NAME --tempo URL`, or select other clusters.",
            )
        result = await traces.service_graph(
            prometheus, tempo, window=window, service=service, sample_traces=sample_traces, limit=limit, cursor=cursor
        )
        return respond(result)

    @mcp.tool(annotations=READ_ONLY, title="Trace tag values")
    @tool_errors
    async def traces_tag_values(
        tag: Annotated[
            str,
            Field(description="TraceQL identifier: 'resource.service.name', 'span.http.route', 'name', 'status'"),
        ],
        q: Annotated[
            str | None, Field(description="Only values on spans matching this TraceQL, e.g. '{ status = error }'")
        ] = None,
        start: StartArg = "now-1h",
        end: EndArg = "now",
        limit: Annotated[int, Field(ge=1, le=1000, description="Values per page")] = 100,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, TagValuesResult]:
        """List the values a trace attribute takes, merged across clusters: services, routes, span names, ...

        Use before writing TraceQL ("which services send traces?", "which routes does frontend serve?"). Uses
        Tempo's v2 tag-values API (typed values, filter q) and falls back to v1 (untyped, q ignored) on older
        Tempo; `api` says which answered per cluster. Values present on only some clusters list them.
        Example: tag='resource.service.name', clusters=['hub'].
        """
        targets, missing = await _tempo_targets(deps, clusters, labels, environment)
        result = await traces.tag_values(targets, tag, q=q, start=start, end=end, limit=limit, cursor=cursor)
        return _answer(result, missing)

    @mcp.resource(
        "traces://trace/{cluster}/{trace_id}",
        name="traces_trace_spans",
        description="Full span list of one trace (depth-first, durations in ms), size-capped JSON.",
        mime_type="application/json",
    )
    async def traces_trace_spans(cluster: str, trace_id: str) -> str:
        targets, _ = await _tempo_targets(deps, [cluster], None, None)
        return await traces.trace_spans(targets[0], trace_id)


async def _optional(resolving: Awaitable[tuple[list[BackendTarget], list[str]]]) -> list[BackendTarget]:
    """The targets of a resolution, or none when the selected clusters lack that endpoint."""
    try:
        targets, _ = await resolving
    except ToolInputError:
        return []
    return list(targets)
