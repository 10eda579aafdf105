"""The logs MCP domain: LogQL over every selected cluster's Loki (direct, or an OpenShift LokiStack gateway).

Each tool is a thin typed function over :class:`tools.loki.LogsService`, built here from the shared client pool and
the process' limits; the docstrings are what the model reads, so they say what the tool answers, when to use it,
the units of each argument and its limits.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Literal

from mcp.server.fastmcp import FastMCP
from mcp.types import CallToolResult
from pydantic import Field

from servers.mcp.args import Cursor
from servers.mcp.deps import ToolDeps
from servers.mcp.dispatch import answer_over
from servers.mcp.respond import tool_errors
from servers.mcp.selection import ClustersArg
from servers.mcp.surface import READ_ONLY
from tools.loki import LabelNamesResult, LabelValuesResult, LogsQueryResult, LogsService, LokiLimits, PatternsResult

__all__ = ["build_logs_service", "register_logs_tools"]

_fan_out = partial(answer_over, backend="loki")

LogQL = Annotated[str, Field(description='e.g. {namespace="shop"} |= "error"')]
TenantArg = Annotated[str | None, Field(description="application, infrastructure or audit")]
SelectorArg = Annotated[str | None, Field(description="Stream selector")]


def build_logs_service(deps: ToolDeps) -> LogsService:
    """The logs service over the shared client pool, with the process' budgets (response cap, timeouts)."""
    metrics = deps.metrics.limits
    return LogsService(
        deps.pool,
        LokiLimits(
            response_max_bytes=metrics.response_max_bytes,
            query_timeout_s=metrics.query_timeout_s,
            cluster_timeout_s=metrics.cluster_timeout_s,
            concurrency=metrics.concurrency,
        ),
    )


def register_logs_tools(mcp: FastMCP, deps: ToolDeps) -> None:
    """Add the ``logs_*`` tools to ``mcp``."""
    service = build_logs_service(deps)

    @mcp.tool(annotations=READ_ONLY, title="LogQL query")
    @tool_errors
    async def logs_query(
        query: LogQL,
        start: str | None = None,
        end: str | None = None,
        limit: Annotated[int, Field(ge=1, le=5000)] = 200,
        step: str | None = None,
        instant: Annotated[bool, Field(description="Metric queries: one value at end")] = False,
        tenant: TenantArg = None,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, LogsQueryResult]:
        """LogQL on Loki: log lines per stream, newest first, or per-series stats of a metric query. The stream
        selector needs an exact matcher ({} is refused); max 24 h."""
        return await _fan_out(
            deps,
            clusters,
            lambda targets: service.query(
                targets,
                query,
                start=start,
                end=end,
                limit=limit,
                step=step,
                instant=instant,
                tenant=tenant,
                cursor=cursor,
            ),
        )

    @mcp.tool(annotations=READ_ONLY, title="Log labels")
    @tool_errors
    async def logs_labels(
        query: SelectorArg = None,
        start: str | None = None,
        end: str | None = None,
        limit: Annotated[int, Field(ge=1, le=2000)] = 200,
        tenant: TenantArg = None,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, LabelNamesResult]:
        """Stream label names in Loki (e.g. namespace, or kubernetes_namespace_name with OpenShift Logging), to write
        LogQL."""
        return await _fan_out(
            deps,
            clusters,
            lambda targets: service.labels(
                targets, start=start, end=end, query=query, tenant=tenant, limit=limit, cursor=cursor
            ),
        )

    @mcp.tool(annotations=READ_ONLY, title="Log label values")
    @tool_errors
    async def logs_label_values(
        label: str,
        query: SelectorArg = None,
        start: str | None = None,
        end: str | None = None,
        limit: Annotated[int, Field(ge=1, le=2000)] = 200,
        tenant: TenantArg = None,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, LabelValuesResult]:
        """Values of one stream label across clusters: the exact value a stream selector needs."""
        return await _fan_out(
            deps,
            clusters,
            lambda targets: service.label_values(
                targets, label, start=start, end=end, query=query, tenant=tenant, limit=limit, cursor=cursor
            ),
        )

    @mcp.tool(annotations=READ_ONLY, title="Log patterns")
    @tool_errors
    async def logs_patterns(
        query: Annotated[str, Field(description='Log query, e.g. {namespace="shop"} |= "error"')],
        start: str | None = None,
        end: str | None = None,
        baseline: Literal["previous", "none"] = "previous",
        group_by: Literal["namespace", "stream"] = "namespace",
        top_k: Annotated[int, Field(ge=1, le=50)] = 10,
        sample_size: Annotated[int, Field(ge=100, le=5000, description="Lines per cluster and window")] = 2000,
        min_count: Annotated[int, Field(ge=1)] = 10,
        burst_ratio: Annotated[float, Field(gt=1)] = 3.0,
        tenant: TenantArg = None,
        clusters: ClustersArg = None,
    ) -> Annotated[CallToolResult, PatternsResult]:
        """Log templates with counts, and bursts: templates with min_count lines, new or burst_ratio times as
        frequent as before. Use first when lines are too many to read."""
        return await _fan_out(
            deps,
            clusters,
            lambda targets: service.patterns(
                targets,
                query,
                start=start,
                end=end,
                baseline=baseline,
                group_by=group_by,
                top_k=top_k,
                sample_limit=sample_size,
                min_count=min_count,
                burst_ratio=burst_ratio,
                tenant=tenant,
            ),
        )
