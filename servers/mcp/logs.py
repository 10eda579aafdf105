"""The logs MCP domain: LogQL over every selected cluster's Loki (direct, or an OpenShift LokiStack gateway).

Each tool is a thin typed function over :class:`tools.loki.LogsService`, built here from the shared client pool and
the process' limits; the docstrings are what the model reads, so they say what the tool answers, when to use it,
the units of each argument and its limits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

from mcp.server.fastmcp import FastMCP
from mcp.types import CallToolResult
from pydantic import Field

from servers.mcp.args import Cursor
from servers.mcp.deps import ToolDeps
from servers.mcp.respond import respond, tool_errors
from servers.mcp.selection import ClustersArg, EnvironmentArg, LabelsArg, resolve_targets
from servers.mcp.surface import READ_ONLY
from tools.contract import ToolResult
from tools.loki import LabelNamesResult, LabelValuesResult, LogsQueryResult, LogsService, LokiLimits, PatternsResult
from tools.targets import BackendTarget

__all__ = ["build_logs_service", "register_logs_tools"]

LogQL = Annotated[
    str,
    Field(
        description="LogQL. Log query: a stream selector naming streams plus optional filters, e.g. "
        '{namespace="payments", container="api"} |= "error" | json | level="error". Metric query: e.g. '
        'sum by (level) (count_over_time({namespace="payments"} | json [5m])).'
    ),
]
StartArg = Annotated[
    str | None,
    Field(description="Window start: RFC3339, unix seconds or relative ('now-30m', '2h'). Default: 1 h before end."),
]
EndArg = Annotated[str | None, Field(description="Window end: RFC3339, unix seconds, 'now' or relative. Default: now.")]
TenantArg = Annotated[
    str | None,
    Field(
        description="Loki tenant. On OpenShift LokiStack: application (default), infrastructure or audit. "
        "Default: the tenant of the registered endpoint."
    ),
]
SelectorArg = Annotated[
    str | None,
    Field(description='Only streams matching this stream selector, e.g. {namespace="payments"}.'),
]


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

    async def fan_out(
        clusters: list[str] | None,
        labels: dict[str, str] | None,
        environment: str | None,
        operation: Callable[[list[BackendTarget]], Awaitable[ToolResult]],
    ) -> CallToolResult:
        targets, missing = await resolve_targets(deps, clusters, labels, environment, "loki")
        result = await operation(targets)
        if missing:
            result.notes.append(f"No Loki endpoint registered for: {', '.join(missing)} (not asked).")
        return respond(result)

    @mcp.tool(annotations=READ_ONLY, title="LogQL query")
    @tool_errors
    async def logs_query(
        query: LogQL,
        start: StartArg = None,
        end: EndArg = None,
        limit: Annotated[
            int, Field(ge=1, le=5000, description="Log lines returned, newest first, across clusters")
        ] = 200,
        step: Annotated[
            str | None, Field(description="Metric queries only: resolution such as '1m' (default: chosen by Loki)")
        ] = None,
        instant: Annotated[
            bool, Field(description="Metric queries only: evaluate once at end (one value per series)")
        ] = False,
        tenant: TenantArg = None,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, LogsQueryResult]:
        """Run LogQL on the selected clusters' Loki and return log lines per stream, or metric summaries.

        Use to read what a workload logged: errors around an incident, a pod's last lines before a crash, how many
        errors per level. Log queries return lines grouped per stream (cluster + labels), newest first, at most
        `limit` lines in total; `truncated` and a note say when Loki had more, and next_cursor returns older lines.
        Metric queries (count_over_time, rate, sum by) return per-series min/max/mean/last and peak time, 50 series
        per page. The window defaults to the last hour, at most 24 h. The stream selector must name streams with an
        exact matcher: {namespace="payments"} works, {namespace=~".+"} or {} are refused.
        Examples: "errors in payments in the last 30 min" → query='{namespace="payments"} |= "error"', start='now-30m'.
        "error rate per level" → query='sum by (level) (count_over_time({namespace="payments"} | json [5m]))'.
        """
        return await fan_out(
            clusters,
            labels,
            environment,
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

    @mcp.tool(annotations=READ_ONLY, title="Log label names")
    @tool_errors
    async def logs_labels(
        query: SelectorArg = None,
        start: StartArg = None,
        end: EndArg = None,
        limit: Annotated[int, Field(ge=1, le=2000)] = 200,
        tenant: TenantArg = None,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, LabelNamesResult]:
        """List the stream label names Loki has (e.g. namespace, pod, container, level), merged across clusters.

        Use before writing LogQL for an unfamiliar logging setup: OpenShift Logging names them e.g.
        kubernetes_namespace_name and kubernetes_pod_name, promtail/alloy namespace and pod.
        """
        return await fan_out(
            clusters,
            labels,
            environment,
            lambda targets: service.labels(
                targets, start=start, end=end, query=query, tenant=tenant, limit=limit, cursor=cursor
            ),
        )

    @mcp.tool(annotations=READ_ONLY, title="Log label values")
    @tool_errors
    async def logs_label_values(
        label: Annotated[str, Field(description="Label name, e.g. 'namespace', 'app', 'pod', 'level'")],
        query: SelectorArg = None,
        start: StartArg = None,
        end: EndArg = None,
        limit: Annotated[int, Field(ge=1, le=2000)] = 200,
        tenant: TenantArg = None,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, LabelValuesResult]:
        """List the values of one log stream label across clusters ("which namespaces log on hub?").

        Use to find the exact value to put in a stream selector. present_only_in shows values that only some
        clusters have; per_cluster counts values per cluster.
        """
        return await fan_out(
            clusters,
            labels,
            environment,
            lambda targets: service.label_values(
                targets, label, start=start, end=end, query=query, tenant=tenant, limit=limit, cursor=cursor
            ),
        )

    @mcp.tool(annotations=READ_ONLY, title="Log patterns and bursts")
    @tool_errors
    async def logs_patterns(
        query: Annotated[
            str,
            Field(description='Log query (stream selector + optional filters), e.g. {namespace="payments"} |= "error"'),
        ],
        start: StartArg = None,
        end: EndArg = None,
        baseline: Annotated[
            Literal["previous", "none"],
            Field(description="'previous': compare with the preceding window of equal length; 'none': no bursts"),
        ] = "previous",
        group_by: Annotated[
            Literal["namespace", "stream"],
            Field(description="Mine per cluster+namespace, or per stream (finer, more groups)"),
        ] = "namespace",
        top_k: Annotated[int, Field(ge=1, le=50, description="Templates listed per group, and bursts listed")] = 10,
        sample_limit: Annotated[
            int, Field(ge=100, le=5000, description="Newest lines fetched per cluster and window")
        ] = 2000,
        min_count: Annotated[int, Field(ge=1, description="Window lines a template needs to count as a burst")] = 10,
        burst_ratio: Annotated[
            float, Field(gt=1, description="Rate jump (window / baseline, per minute) that makes a burst")
        ] = 3.0,
        tenant: TenantArg = None,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
    ) -> Annotated[CallToolResult, PatternsResult]:
        """Summarise what the logs say as templates, and find message types that suddenly became frequent.

        Use first when a workload logs too much to read: lines are clustered into templates (drain3; numbers, IPs,
        UUIDs, hex ids masked) with count, share, first/last seen and one example, per cluster+namespace (or per
        stream). bursts lists templates whose rate jumped by burst_ratio against the preceding window, and new
        templates with at least min_count lines: the usual first sign of an incident. Lines are sampled (newest
        sample_limit per cluster and window); a note says when the sample was capped. Window: default last hour.
        Example: "what changed in payments logs in the last 15 min?" → query='{namespace="payments"}',
        start='now-15m'.
        """
        return await fan_out(
            clusters,
            labels,
            environment,
            lambda targets: service.patterns(
                targets,
                query,
                start=start,
                end=end,
                baseline=baseline,
                group_by=group_by,
                top_k=top_k,
                sample_limit=sample_limit,
                min_count=min_count,
                burst_ratio=burst_ratio,
                tenant=tenant,
            ),
        )
