"""The metrics MCP domain: PromQL over every selected cluster's Prometheus (or one Thanos/ACM querier).

Each tool is a thin typed function over :class:`tools.prometheus.MetricsService`; the docstrings are what the model
reads, so they say what the tool answers, when to use it, the units of each argument and its limits.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Annotated, Literal

from mcp.server.fastmcp import FastMCP
from mcp.types import CallToolResult
from pydantic import Field

from servers.mcp.args import Cursor
from servers.mcp.deps import ToolDeps
from servers.mcp.dispatch import answer_over
from servers.mcp.respond import tool_errors
from servers.mcp.selection import ClustersArg, EnvironmentArg, LabelsArg, resolve_metrics_targets
from servers.mcp.surface import READ_ONLY
from tools.contract import decode_cursor
from tools.errors import ToolInputError
from tools.prometheus import (
    AlertsResult,
    InstantQueryResult,
    LabelValuesResult,
    RangeQueryResult,
    RulesResult,
    SeriesListResult,
    TargetsResult,
)

__all__ = ["register_metrics_tools"]

PromQL = Annotated[
    str, Field(description="PromQL expression, e.g. 'sum by (namespace) (rate(container_cpu_usage_seconds_total[5m]))'")
]
TimeArg = Annotated[
    str | None,
    Field(description="RFC3339, unix seconds, 'now' or relative like 'now-30m'. Default: now."),
]


_fan_out = partial(answer_over, backend="prometheus")


def register_metrics_tools(mcp: FastMCP, deps: ToolDeps) -> None:
    """Add the ``metrics_*`` tools and the ``metrics://range/{token}`` resource to ``mcp``."""

    @mcp.tool(annotations=READ_ONLY, title="PromQL instant query")
    @tool_errors
    async def metrics_query(
        query: PromQL,
        time: TimeArg = None,
        top_k: Annotated[int, Field(ge=1, le=200, description="Samples returned, highest values first")] = 20,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, InstantQueryResult]:
        """Evaluate a PromQL expression at one instant on every selected cluster and return the samples.

        Use for "what is the value now" questions: current CPU per namespace, GPUs above 80 °C, PTP clock states.
        Each sample carries its cluster and labels; results are the top_k by value across the fleet, with totals,
        per-cluster status (ok/error/timeout) and a cursor for the rest. Aggregate in PromQL (sum by, topk) rather
        than fetching thousands of raw series. Blanket selectors such as {__name__=~".+"} are refused.
        Examples: "Which namespaces use the most CPU on hub?" →
        query='topk(5, sum by (namespace) (rate(container_cpu_usage_seconds_total[5m])))', clusters=['hub'].
        "Is any GPU hot?" → query='DCGM_FI_DEV_GPU_TEMP > 80'.
        """
        return await _fan_out(
            deps,
            clusters,
            labels,
            environment,
            lambda targets: deps.metrics.query(targets, query, time=time, top_k=top_k, cursor=cursor),
        )

    @mcp.tool(annotations=READ_ONLY, title="PromQL range query (summarised)")
    @tool_errors
    async def metrics_query_range(
        query: PromQL,
        start: Annotated[
            str, Field(description="Range start: RFC3339, unix seconds or relative ('now-6h')")
        ] = "now-1h",
        end: Annotated[str, Field(description="Range end: RFC3339, unix seconds, 'now' or relative")] = "now",
        step: Annotated[
            str | None,
            Field(
                description="Resolution, e.g. '15s', '1m', '300'. Default: chosen from the range; always raised so "
                "no series exceeds 11,000 points."
            ),
        ] = None,
        top_k: Annotated[int, Field(ge=1, le=100, description="Series summarised, ranked by rank_by")] = 10,
        rank_by: Annotated[
            Literal["max", "mean", "last", "p95", "deviation", "min"],
            Field(description="Criterion for choosing the top_k series ('deviation' = most anomalous points)"),
        ] = "max",
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, RangeQueryResult]:
        """Evaluate PromQL over a time range on every selected cluster and return per-series summaries.

        Use for trends and incidents over time: "did GPU temperature climb in the last 2 h?", "when did PTP offset
        start drifting?". Raw points are NOT returned: each series comes as min/max/mean/last/p95, a trend (slope per
        hour and rising/falling/flat) and its most deviating points, for the top_k series by rank_by; labels shared
        by every series are listed once in common_labels. The full matrix is available at resource_uri (size-capped),
        further series via next_cursor. Max range 7 days by default.
        Example: query='max by (gpu, Hostname) (DCGM_FI_DEV_GPU_TEMP)', start='now-3h', clusters=['gpu-spoke'].
        """
        return await _fan_out(
            deps,
            clusters,
            labels,
            environment,
            lambda targets: deps.metrics.query_range(
                targets, query, start=start, end=end, step=step, top_k=top_k, rank_by=rank_by, cursor=cursor
            ),
        )

    @mcp.tool(annotations=READ_ONLY, title="List metric names")
    @tool_errors
    async def metrics_list_names(
        match: Annotated[
            str | None,
            Field(description="Only names matching this regular expression, e.g. 'DCGM_.*' or 'ptp'"),
        ] = None,
        limit: Annotated[int, Field(ge=1, le=2000)] = 200,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, LabelValuesResult]:
        """List the metric names the selected clusters' Prometheus actually has, merged across clusters.

        Use before writing PromQL for an unfamiliar exporter ("what DCGM metrics exist?", "is there any PTP metric?").
        """
        return await _fan_out(
            deps,
            clusters,
            labels,
            environment,
            lambda targets: deps.metrics.list_names(targets, match=match, limit=limit, cursor=cursor),
        )

    @mcp.tool(annotations=READ_ONLY, title="List label values")
    @tool_errors
    async def metrics_label_values(
        label: Annotated[str, Field(description="Label name, e.g. 'namespace', 'job', 'gpu', 'iface'")],
        match: Annotated[
            list[str] | None,
            Field(description="Series selectors restricting the search, e.g. ['DCGM_FI_DEV_GPU_TEMP']"),
        ] = None,
        limit: Annotated[int, Field(ge=1, le=2000)] = 200,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, LabelValuesResult]:
        """List the values of one label across the selected clusters ("which namespaces exist on hub?")."""
        return await _fan_out(
            deps,
            clusters,
            labels,
            environment,
            lambda targets: deps.metrics.label_values(targets, label, match=match, limit=limit, cursor=cursor),
        )

    @mcp.tool(annotations=READ_ONLY, title="Find series")
    @tool_errors
    async def metrics_series(
        match: Annotated[
            list[str],
            Field(min_length=1, description="Series selectors, e.g. ['openshift_ptp_clock_state{node=\"edge-1\"}']"),
        ],
        start: TimeArg = None,
        end: TimeArg = None,
        limit: Annotated[int, Field(ge=1, le=1000)] = 100,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, SeriesListResult]:
        """List the label sets of series matching selectors, with their cluster ("which GPUs report temperature?")."""
        return await _fan_out(
            deps,
            clusters,
            labels,
            environment,
            lambda targets: deps.metrics.series(targets, match, start=start, end=end, limit=limit, cursor=cursor),
        )

    @mcp.tool(annotations=READ_ONLY, title="Prometheus alerts")
    @tool_errors
    async def metrics_list_alerts(
        state: Annotated[Literal["firing", "pending", "any"], Field(description="Alert state filter")] = "any",
        limit: Annotated[int, Field(ge=1, le=500)] = 50,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, AlertsResult]:
        """List alerts as each cluster's Prometheus evaluates them (firing first), with labels and annotations.

        Use for "what is firing right now?" across the fleet. This reads Prometheus' rule evaluation; silences and
        routing live in Alertmanager.
        """
        return await _fan_out(
            deps,
            clusters,
            labels,
            environment,
            lambda targets: deps.metrics.alerts(targets, state=state, limit=limit, cursor=cursor),
        )

    @mcp.tool(annotations=READ_ONLY, title="Prometheus rules")
    @tool_errors
    async def metrics_list_rules(
        rule_type: Annotated[
            Literal["alert", "record"] | None, Field(description="Only alerting or only recording rules")
        ] = None,
        limit: Annotated[int, Field(ge=1, le=1000)] = 100,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, RulesResult]:
        """List alerting and recording rules with their PromQL, health and last evaluation error.

        Use to explain why an alert fires ("what is the threshold of GPUTemperatureHigh?") or find broken rules.
        """
        return await _fan_out(
            deps,
            clusters,
            labels,
            environment,
            lambda targets: deps.metrics.rules(targets, rule_type=rule_type, limit=limit, cursor=cursor),
        )

    @mcp.tool(annotations=READ_ONLY, title="Scrape targets health")
    @tool_errors
    async def metrics_list_targets(
        limit: Annotated[int, Field(ge=1, le=1000)] = 100,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, TargetsResult]:
        """Summarise scrape targets per cluster: counts by health and every target that is down, with its error.

        Use when metrics are missing ("why is there no DCGM data on gpu-spoke?").
        """
        return await _fan_out(
            deps,
            clusters,
            labels,
            environment,
            lambda targets: deps.metrics.targets_health(targets, limit=limit, cursor=cursor),
        )

    @mcp.resource(
        "metrics://range/{token}",
        name="metrics_range_raw",
        description="Full, unsummarised matrix of a metrics_query_range call (size-capped JSON).",
        mime_type="application/json",
    )
    async def metrics_range_raw(token: str) -> str:
        try:
            spec = decode_cursor(token)
            targets, _ = await resolve_metrics_targets(deps, list(spec["clusters"]), None, None)
            raw = await deps.metrics.raw_range(
                targets, str(spec["query"]), start=str(spec["start"]), end=str(spec["end"]), step=str(spec["step"])
            )
        except (KeyError, ValueError) as exc:
            raise ToolInputError(f"resource token is not one returned by metrics_query_range: {exc}") from exc
        return json.dumps(raw, separators=(",", ":"))
