"""The traces MCP domain: TraceQL search, summarised span trees, slow-vs-baseline comparison, service graph, tags.

Each tool is a thin typed function over :class:`tools.tempo.TracesService`; the docstrings are what the model reads,
so they say what the tool answers, when to use it, the units of each argument and its limits.
"""

from __future__ import annotations

from collections.abc import Awaitable
from functools import partial
from typing import Annotated

from mcp.server.fastmcp import FastMCP
from mcp.types import CallToolResult
from pydantic import Field

from servers.mcp.args import Cursor
from servers.mcp.deps import ToolDeps
from servers.mcp.dispatch import answer_over
from servers.mcp.respond import respond, tool_errors
from servers.mcp.selection import (
    ClustersArg,
    resolve_metrics_targets,
    resolve_targets,
    select_clusters,
)
from servers.mcp.surface import READ_ONLY
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

TraceQL = Annotated[str, Field(description="e.g. '{ resource.service.name = \"cart\" && duration > 1s }'")]


async def _tempo_targets(deps: ToolDeps, clusters: list[str] | None) -> tuple[list[BackendTarget], list[str]]:
    return await resolve_targets(deps, clusters, "tempo")


_fan_out = partial(answer_over, backend="tempo")


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

    @mcp.tool(annotations=READ_ONLY, title="Search traces")
    @tool_errors
    async def traces_search(
        query: TraceQL = "{}",
        start: str = "now-1h",
        end: str = "now",
        limit: Annotated[int, Field(ge=1, le=100)] = 20,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, TracesSearchResult]:
        """TraceQL search on Tempo (max 24 h): trace summaries, slowest first. Tempo returns its first matches, not
        the slowest: filter on duration."""
        return await _fan_out(
            deps, clusters, lambda t: traces.search(t, query, start=start, end=end, limit=limit, cursor=cursor)
        )

    @mcp.tool(annotations=READ_ONLY, title="Get one trace")
    @tool_errors
    async def traces_get(
        trace_id: str,
        cluster: str,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, TraceResult]:
        """One trace explained (ms): critical path with self times, failed spans (likely origin first), slowest
        spans, totals per service."""
        targets, _ = await _tempo_targets(deps, [cluster])
        return respond(await traces.get_trace(targets[0], trace_id, cursor=cursor))

    @mcp.tool(annotations=READ_ONLY, title="Compare traces")
    @tool_errors
    async def traces_compare(
        service: str,
        operation: Annotated[str | None, Field(description="Span name, e.g. 'GET /cart'")] = None,
        threshold_ms: Annotated[float | None, Field(gt=0)] = None,
        percentile: Annotated[float, Field(ge=50, le=99.9)] = 90.0,
        start: str = "now-1h",
        end: str = "now",
        sample_size: Annotated[int, Field(ge=2, le=30, description="Traces per group and cluster")] = 10,
        top_k: Annotated[int, Field(ge=1, le=50)] = 10,
        clusters: ClustersArg = None,
    ) -> Annotated[CallToolResult, CompareResult]:
        """Why a service is sometimes slow: splits its traces into slow (≥ threshold_ms, else percentile) and
        baseline; ranks spans under it by extra self time."""
        return await _fan_out(
            deps,
            clusters,
            lambda t: traces.compare(
                t,
                service,
                operation=operation,
                threshold_ms=threshold_ms,
                percentile=percentile,
                start=start,
                end=end,
                sample=sample_size,
                top=top_k,
            ),
        )

    @mcp.tool(annotations=READ_ONLY, title="Service graph")
    @tool_errors
    async def traces_service_graph(
        service: str | None = None,
        window: Annotated[str, Field(description="Ending now, max 24h")] = "1h",
        sample_size: Annotated[int, Field(ge=1, le=100, description="Traces per cluster")] = 30,
        limit: Annotated[int, Field(ge=1, le=500)] = 50,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, ServiceGraphResult]:
        """Service call graph: requests/s, errors/s and p95 ms per edge, from Tempo's service-graph metrics or else
        sample_size recent traces."""
        await select_clusters(deps, clusters)  # a bad selection is the caller's to fix
        prometheus = await _optional(resolve_metrics_targets(deps, clusters))
        tempo = await _optional(_tempo_targets(deps, clusters))
        if not prometheus and not tempo:
            raise ToolInputError(
                "None of the selected clusters has a Prometheus or Tempo endpoint.",
                hint="Register one with `aiops cluster add NAME --tempo URL`, or select other clusters.",
            )
        result = await traces.service_graph(
            prometheus, tempo, window=window, service=service, sample_traces=sample_size, limit=limit, cursor=cursor
        )
        return respond(result)

    @mcp.tool(annotations=READ_ONLY, title="Trace tags")
    @tool_errors
    async def traces_tag_values(
        tag: Annotated[str, Field(description="e.g. 'span.http.route'")],
        query: Annotated[str | None, Field(description="TraceQL filter, e.g. '{ status = error }'")] = None,
        start: str = "now-1h",
        end: str = "now",
        limit: Annotated[int, Field(ge=1, le=1000)] = 100,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, TagValuesResult]:
        """Values of a span or resource attribute (services, routes, span names), to write TraceQL."""
        return await _fan_out(
            deps,
            clusters,
            lambda t: traces.tag_values(t, tag, q=query, start=start, end=end, limit=limit, cursor=cursor),
        )

    @mcp.resource(
        "traces://trace/{cluster}/{trace_id}",
        name="traces_trace_spans",
        description="Full span list of one trace (depth-first, durations in ms), size-capped JSON.",
        mime_type="application/json",
    )
    async def traces_trace_spans(cluster: str, trace_id: str) -> str:
        targets, _ = await _tempo_targets(deps, [cluster])
        return await traces.trace_spans(targets[0], trace_id)


async def _optional(resolving: Awaitable[tuple[list[BackendTarget], list[str]]]) -> list[BackendTarget]:
    """The targets of a resolution, or none when the selected clusters lack that endpoint."""
    try:
        targets, _ = await resolving
    except ToolInputError:
        return []
    return list(targets)
