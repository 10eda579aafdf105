"""The fleet MCP domain: what clusters exist, how healthy they are, and what telemetry each one has."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.fastmcp import FastMCP
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import Field

from servers.mcp.args import Cursor
from servers.mcp.deps import ToolDeps
from servers.mcp.respond import respond, tool_errors
from servers.mcp.selection import EnvironmentArg, LabelsArg
from servers.mcp.surface import READ_ONLY
from tools.contract import ClusterOutcome, decode_cursor, encode_cursor
from tools.errors import ToolInputError
from tools.fleet.results import ClusterListResult, ClusterResult, FleetSummaryResult, ProbeResult, brief
from tools.sizecap import CapPlan, fit_to_cap

__all__ = ["register_fleet_tools"]

# The registry tools read our own database only: a closed world, unlike every other tool.
REGISTRY_READ = ToolAnnotations(readOnlyHint=True, destructiveHint=False, openWorldHint=False)


def register_fleet_tools(mcp: FastMCP, deps: ToolDeps) -> None:
    """Add the ``fleet_*`` tools to ``mcp``."""

    @mcp.tool(annotations=REGISTRY_READ, title="Clusters")
    @tool_errors
    async def fleet_list_clusters(
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        type: Literal["HUB", "SPOKE", "EDGE", "FAR_EDGE"] | None = None,
        state: Literal["ONLINE", "DEGRADED", "OFFLINE", "UNKNOWN"] | None = None,
        limit: Annotated[int, Field(ge=1, le=500)] = 100,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, ClusterListResult]:
        """Registered clusters: role, environment, state (last probe), capabilities (gpu, ptp...). Call first for
        cluster names."""
        selected = await deps.registry.select(
            names=None, labels=labels, environment=environment, types=[type] if type else None
        )
        if state is not None:
            selected = [c for c in selected if c.status.state == state]
        offset = _offset(cursor, "fleet_list_clusters")
        page = selected[offset : offset + limit]
        more = offset + limit < len(selected)
        result = ClusterListResult(
            items=[brief(c) for c in page],
            total=len(selected),
            returned=len(page),
            truncated=more,
            next_cursor=encode_cursor({"tool": "fleet_list_clusters", "offset": offset + limit}) if more else None,
        )
        plan = CapPlan(
            items="items", resume=lambda n: encode_cursor({"tool": "fleet_list_clusters", "offset": offset + n})
        )
        fit_to_cap(result, deps.metrics.limits.response_max_bytes, plan)
        if not selected:
            result.notes.append(
                f"No registered cluster matches labels={labels}, environment={environment}, type={type}, "
                f"state={state}. Register clusters with `aiops cluster add` or drop a filter."
            )
        return respond(result)

    @mcp.tool(annotations=REGISTRY_READ, title="One cluster")
    @tool_errors
    async def fleet_get_cluster(cluster: str) -> Annotated[CallToolResult, ClusterResult]:
        """One cluster's endpoints with their last probe (status, latency, error), labels, capabilities: why it is
        degraded."""
        record = await deps.registry.get(cluster)
        return respond(ClusterResult(cluster=record, total=1, returned=1, answered=[record.name]))

    @mcp.tool(annotations=REGISTRY_READ, title="Fleet summary")
    @tool_errors
    async def fleet_summary() -> Annotated[CallToolResult, FleetSummaryResult]:
        """Fleet overview: cluster counts by state, type, environment, platform and capability; stale or never-probed
        clusters."""
        summary = await deps.registry.summary()
        return respond(FleetSummaryResult(summary=summary, total=summary.total, returned=summary.total))

    # Probing reaches out to the clusters (open world) and records the result, but changes nothing on them.
    @mcp.tool(annotations=READ_ONLY, title="Probe cluster")
    @tool_errors
    async def fleet_probe_cluster(cluster: str) -> Annotated[CallToolResult, ProbeResult]:
        """Probe one cluster's endpoints now, re-detect capabilities, record the result: when its last probe is
        stale."""
        before = await deps.registry.get(cluster)
        after = await deps.registry.probe(cluster)
        unhealthy = [n for n, h in after.status.endpoints.items() if not h.healthy]
        if not after.endpoints.configured():
            outcome = ClusterOutcome(cluster=cluster, status="error", message="no endpoint is registered to probe")
        else:
            outcome = ClusterOutcome(
                cluster=cluster,
                status="ok" if not unhealthy else "error",
                message=f"unhealthy endpoints: {', '.join(unhealthy)}" if unhealthy else None,
            )
        return respond(
            ProbeResult(
                cluster=after,
                previous_state=before.status.state,
                state_changed=before.status.state != after.status.state,
                clusters=[outcome],
                answered=[cluster] if outcome.status == "ok" else [],
                total=1,
                returned=1,
            )
        )


def _offset(cursor: str | None, tool: str) -> int:
    if cursor is None:
        return 0
    try:
        payload = decode_cursor(cursor)
    except ValueError as exc:
        raise ToolInputError(str(exc), hint="Omit cursor to start from the first page.") from exc
    offset = payload.get("offset")
    if payload.get("tool") != tool or not isinstance(offset, int) or offset < 0:
        raise ToolInputError(f"cursor {cursor!r} was not returned by {tool}.", hint="Omit cursor to start over.")
    return offset
