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
from servers.mcp.selection import ClustersArg, resolve_metrics_targets
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

SeriesSelectors = Annotated[list[str], Field(description="Series selectors")]


_fan_out = partial(answer_over, backend="prometheus")


def register_metrics_tools(mcp: FastMCP, deps: ToolDeps) -> None:
    """Add the ``metrics_*`` tools and the ``metrics://range/{token}`` resource to ``mcp``."""

    @mcp.tool(annotations=READ_ONLY, title="PromQL query")
    @tool_errors
    async def metrics_query(
        query: str,
        time: str | None = None,
        top_k: Annotated[int, Field(ge=1, le=200)] = 20,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, InstantQueryResult]:
        """PromQL at one instant on each cluster: the top_k samples by value, fleet-wide. Aggregate in PromQL, e.g.
        'topk(5, sum by (namespace) (rate(container_cpu_usage_seconds_total[5m])))'; {__name__=~".+"} is refused."""
        return await _fan_out(
            deps,
            clusters,
            lambda targets: deps.metrics.query(targets, query, time=time, top_k=top_k, cursor=cursor),
        )

    @mcp.tool(annotations=READ_ONLY, title="PromQL range query")
    @tool_errors
    async def metrics_query_range(
        query: str,
        start: str = "now-1h",
        end: str = "now",
        step: str | None = None,
        top_k: Annotated[int, Field(ge=1, le=100)] = 10,
        rank_by: Annotated[
            Literal["max", "mean", "last", "p95", "deviation", "min"],
            Field(description="deviation = most anomalous series"),
        ] = "max",
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, RangeQueryResult]:
        """PromQL over a range (max 7 d), summarised: min/max/mean/last/p95, trend and outliers of the top_k series
        by rank_by."""
        return await _fan_out(
            deps,
            clusters,
            lambda targets: deps.metrics.query_range(
                targets, query, start=start, end=end, step=step, top_k=top_k, rank_by=rank_by, cursor=cursor
            ),
        )

    @mcp.tool(annotations=READ_ONLY, title="Metric names")
    @tool_errors
    async def metrics_list_names(
        name_regex: str | None = None,
        limit: Annotated[int, Field(ge=1, le=2000)] = 200,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, LabelValuesResult]:
        """Metric names in the clusters' Prometheus, to write PromQL for an unfamiliar exporter."""
        return await _fan_out(
            deps,
            clusters,
            lambda targets: deps.metrics.list_names(targets, match=name_regex, limit=limit, cursor=cursor),
        )

    @mcp.tool(annotations=READ_ONLY, title="Label values")
    @tool_errors
    async def metrics_label_values(
        label: str,
        match: SeriesSelectors | None = None,
        limit: Annotated[int, Field(ge=1, le=2000)] = 200,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, LabelValuesResult]:
        """Values of one label across clusters (e.g. namespace), optionally only on series matching match."""
        return await _fan_out(
            deps,
            clusters,
            lambda targets: deps.metrics.label_values(targets, label, match=match, limit=limit, cursor=cursor),
        )

    @mcp.tool(annotations=READ_ONLY, title="Find series")
    @tool_errors
    async def metrics_series(
        match: Annotated[SeriesSelectors, Field(min_length=1)],
        start: str | None = None,
        end: str | None = None,
        limit: Annotated[int, Field(ge=1, le=1000)] = 100,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, SeriesListResult]:
        """Label sets of the series matching selectors, per cluster; start/end default to the last hour."""
        return await _fan_out(
            deps,
            clusters,
            lambda targets: deps.metrics.series(targets, match, start=start, end=end, limit=limit, cursor=cursor),
        )

    @mcp.tool(annotations=READ_ONLY, title="Prometheus alerts")
    @tool_errors
    async def metrics_list_alerts(
        state: Literal["firing", "pending", "any"] = "any",
        limit: Annotated[int, Field(ge=1, le=500)] = 50,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, AlertsResult]:
        """Alerts as Prometheus' rules evaluate them, firing first; no silences or routing: prefer alerts_list."""
        return await _fan_out(
            deps,
            clusters,
            lambda targets: deps.metrics.alerts(targets, state=state, limit=limit, cursor=cursor),
        )

    @mcp.tool(annotations=READ_ONLY, title="Prometheus rules")
    @tool_errors
    async def metrics_list_rules(
        rule_type: Literal["alert", "record"] | None = None,
        limit: Annotated[int, Field(ge=1, le=1000)] = 100,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, RulesResult]:
        """Alerting and recording rules with their PromQL, health and last error: an alert's threshold, or broken
        rules."""
        return await _fan_out(
            deps,
            clusters,
            lambda targets: deps.metrics.rules(targets, rule_type=rule_type, limit=limit, cursor=cursor),
        )

    @mcp.tool(annotations=READ_ONLY, title="Scrape targets")
    @tool_errors
    async def metrics_list_targets(
        limit: Annotated[int, Field(ge=1, le=1000)] = 100,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, TargetsResult]:
        """Scrape targets: counts by health, and each down target with its error. Use when metrics are missing."""
        return await _fan_out(
            deps,
            clusters,
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
            targets, _ = await resolve_metrics_targets(deps, list(spec["clusters"]))
            raw = await deps.metrics.raw_range(
                targets, str(spec["query"]), start=str(spec["start"]), end=str(spec["end"]), step=str(spec["step"])
            )
        except (KeyError, ValueError) as exc:
            raise ToolInputError(f"resource token is not one returned by metrics_query_range: {exc}") from exc
        return json.dumps(raw, separators=(",", ":"))
