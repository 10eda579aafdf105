"""The alerts MCP domain: what every selected cluster's Alertmanager holds (API v2), read-only.

Each tool is a thin typed function over :class:`tools.alertmanager.AlertsService`; the docstrings are what the model
reads, so they say what the tool answers, when to use it, what each argument means and its limits.
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
from tools.alertmanager import AlertListResult, AlertsLimits, AlertsService, SilenceListResult

__all__ = ["register_alerts_tools"]

MatchersArg = Annotated[dict[str, str] | None, Field(description="Label = value, exact")]
FiltersArg = Annotated[list[str] | None, Field(description="e.g. ['namespace=~\"kube-.*\"']")]


def _service(deps: ToolDeps) -> AlertsService:
    limits = deps.metrics.limits
    return AlertsService(
        deps.pool,
        AlertsLimits(
            response_max_bytes=limits.response_max_bytes,
            request_timeout_s=limits.query_timeout_s,
            cluster_timeout_s=limits.cluster_timeout_s,
            concurrency=limits.concurrency,
        ),
    )


_fan_out = partial(answer_over, backend="alertmanager")


def register_alerts_tools(mcp: FastMCP, deps: ToolDeps) -> None:
    """Add the ``alerts_*`` tools (Alertmanager API v2, read-only) to ``mcp``."""
    service = _service(deps)

    @mcp.tool(annotations=READ_ONLY, title="Alertmanager alerts")
    @tool_errors
    async def alerts_list(
        state: Annotated[
            Literal["active", "suppressed", "unprocessed", "any"],
            Field(description="suppressed = silenced or inhibited"),
        ] = "active",
        severity: str | None = None,
        alertname: str | None = None,
        namespace: str | None = None,
        receiver: Annotated[str | None, Field(description="Regex")] = None,
        matchers: MatchersArg = None,
        filters: FiltersArg = None,
        silenced: bool | None = None,
        inhibited: bool | None = None,
        group_by: Annotated[
            Literal["alertname", "namespace", "severity", "cluster", "alertmanager"] | None,
            Field(description="Return groups, not alerts"),
        ] = None,
        include_watchdog: bool = False,
        limit: Annotated[int, Field(ge=1, le=500)] = 50,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, AlertListResult]:
        """Alertmanager alerts (what is alerting, silenced or inhibited), most severe first, with counts per state
        and severity. Watchdog is only counted unless include_watchdog."""
        return await _fan_out(
            deps,
            clusters,
            lambda targets: service.list_alerts(
                targets,
                state=state,
                silenced=silenced,
                inhibited=inhibited,
                severity=severity,
                alertname=alertname,
                namespace=namespace,
                receiver=receiver,
                label_matchers=matchers,
                filters=filters or (),
                group_by=group_by,
                include_watchdog=include_watchdog,
                limit=limit,
                cursor=cursor,
            ),
        )

    @mcp.tool(annotations=READ_ONLY, title="Alertmanager silences")
    @tool_errors
    async def alerts_list_silences(
        state: Annotated[
            Literal["current", "active", "pending", "expired", "any"],
            Field(description="current = active or pending"),
        ] = "current",
        matchers: MatchersArg = None,
        filters: FiltersArg = None,
        created_by: Annotated[str | None, Field(description="Substring of the author")] = None,
        limit: Annotated[int, Field(ge=1, le=500)] = 50,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, SilenceListResult]:
        """Alertmanager silences, newest first: matchers, author, comment, times; explains alerts' silenced_by ids."""
        return await _fan_out(
            deps,
            clusters,
            lambda targets: service.list_silences(
                targets,
                state=state,
                label_matchers=matchers,
                filters=filters or (),
                created_by=created_by,
                limit=limit,
                cursor=cursor,
            ),
        )
