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
from servers.mcp.selection import ClustersArg, EnvironmentArg, LabelsArg
from servers.mcp.surface import READ_ONLY
from tools.alertmanager import AlertListResult, AlertsLimits, AlertsService, SilenceListResult

__all__ = ["register_alerts_tools"]

MatchersArg = Annotated[
    dict[str, str] | None,
    Field(description='Alert labels that must equal these values exactly, e.g. {"team": "storage", "pod": "web-0"}.'),
]
FiltersArg = Annotated[
    list[str] | None,
    Field(
        description="Raw Alertmanager matchers, all of which must match, e.g. "
        "['namespace=~\"openshift-.*\"', 'severity!=\"info\"']. Operators: = != =~ !~; values double-quoted."
    ),
]


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
            Field(
                description="active = firing and notifying; suppressed = muted by a silence or an inhibition; "
                "unprocessed = just received, not yet routed; any = all of them"
            ),
        ] = "active",
        severity: Annotated[
            str | None, Field(description="Exact severity label: critical, warning, info, none (or a custom one)")
        ] = None,
        alertname: Annotated[str | None, Field(description="Exact alert name, e.g. 'KubePodCrashLooping'")] = None,
        namespace: Annotated[str | None, Field(description="Exact namespace label of the alert")] = None,
        receiver: Annotated[
            str | None, Field(description="Regular expression on the receiver name, e.g. 'pagerduty.*'")
        ] = None,
        matchers: MatchersArg = None,
        filters: FiltersArg = None,
        silenced: Annotated[
            bool | None, Field(description="Override: true includes silenced alerts, false hides them")
        ] = None,
        inhibited: Annotated[
            bool | None, Field(description="Override: true includes inhibited alerts, false hides them")
        ] = None,
        group_by: Annotated[
            Literal["alertname", "namespace", "severity", "cluster", "alertmanager"] | None,
            Field(
                description="Return groups instead of single alerts: counts, severities and 3 examples per group. "
                "'alertmanager' = Alertmanager's own notification groups (route group_by, per receiver)"
            ),
        ] = None,
        include_watchdog: Annotated[
            bool, Field(description="List the always-firing Watchdog heartbeat alert too (default: only counted)")
        ] = False,
        limit: Annotated[int, Field(ge=1, le=500, description="Alerts (or groups) per page")] = 50,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, AlertListResult]:
        """List the alerts each selected cluster's Alertmanager holds, most severe first, then longest firing.

        Use for "what is alerting right now?", "is anything critical on the edge clusters?", "which alerts are
        silenced, and by what?", "which namespaces are noisiest?" (group_by='namespace'). Each alert carries its
        cluster, alertname, severity, state, fingerprint, starts_at, labels, annotations (trimmed), receivers,
        silenced_by (silence ids, see alerts_list_silences) and inhibited_by (fingerprints of the inhibiting
        alerts). Severity order: critical > warning > info > none > unknown/absent. The result also counts matching
        alerts per state and per severity. All filters combine (AND) and are applied by Alertmanager itself.
        The OpenShift Watchdog alert (severity none, always firing to prove the alerting pipeline works) is not
        a problem: by default it is counted per cluster in `watchdog` and mentioned in notes, not listed; pass
        include_watchdog=true (or alertname='Watchdog') to list it. A cluster without a Watchdog while others
        have one is named in notes. This reads Alertmanager (routing, silences, inhibition); metrics_list_alerts
        reads Prometheus' rule evaluation instead. No alert is a success whose notes say where it looked.
        Examples: "Critical alerts in production?" → severity='critical', environment='PRODUCTION'.
        "What is silenced on hub?" → state='suppressed', inhibited=false, clusters=['hub'].
        """
        return await _fan_out(
            deps,
            clusters,
            labels,
            environment,
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
            Field(description="current = active or pending (scheduled); expired ones are kept a few days"),
        ] = "current",
        matchers: Annotated[
            dict[str, str] | None,
            Field(
                description="Only silences with a matcher on each of these labels for exactly this value, e.g. "
                '{"namespace": "shop"}'
            ),
        ] = None,
        filters: FiltersArg = None,
        created_by: Annotated[
            str | None, Field(description="Only silences whose author contains this text (case-insensitive)")
        ] = None,
        limit: Annotated[int, Field(ge=1, le=500, description="Silences per page")] = 50,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, SilenceListResult]:
        """List the silences of each selected cluster's Alertmanager, newest first (read-only: never creates one).

        Use for "why is this alert not paging?" (match an alert's silenced_by ids from alerts_list), "who silenced
        what during the maintenance?", "which silences expire soon?". Each silence has its cluster, id, state,
        matchers as Alertmanager writes them (name="v", name!="v", name=~"regex", name!~"regex"), created_by,
        comment (trimmed), starts_at, ends_at and updated_at; the result counts silences per state.
        Example: "Who silenced alerts in namespace shop?" → matchers={"namespace": "shop"}, state='any'.
        """
        return await _fan_out(
            deps,
            clusters,
            labels,
            environment,
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
