"""The GPU MCP domain: NVIDIA GPUs seen through dcgm-exporter metrics in each selected cluster's Prometheus.

Read-only: nothing is executed on nodes (no nvidia-smi); every GPU reported is one Prometheus has samples for.
"""

from __future__ import annotations

from typing import Annotated

from mcp.server.fastmcp import FastMCP
from mcp.types import CallToolResult
from pydantic import Field

from servers.mcp.args import Cursor, LimitArg
from servers.mcp.deps import ToolDeps
from servers.mcp.dispatch import answer_over
from servers.mcp.respond import tool_errors
from servers.mcp.selection import ClustersArg
from servers.mcp.surface import READ_ONLY
from tools.gpu import (
    GpuFleetSummaryResult,
    GpuHealthResult,
    GpuMigLayoutResult,
    GpuNodesResult,
    GpuService,
    GpuWorkloadsResult,
)

__all__ = ["register_gpu_tools"]

# A look-back duration (1m to 7d) ending at `time`: statistics are PromQL *_over_time[window] evaluated at one
# instant, so a duration and an instant say it better than a start/end range would.
WindowArg = str
TimeArg = str | None
IdleArg = Annotated[float, Field(ge=0, le=100)]
TempArg = Annotated[float, Field(ge=0, le=150)]


def register_gpu_tools(mcp: FastMCP, deps: ToolDeps) -> None:
    """Add the ``gpu_*`` tools to ``mcp``."""
    service = GpuService(deps.metrics)

    @mcp.tool(annotations=READ_ONLY, title="GPU summary")
    @tool_errors
    async def gpu_fleet_summary(
        window: WindowArg = "1h",
        time: TimeArg = None,
        idle_threshold_pct: IdleArg = 5.0,
        temp_threshold_c: TempArg = 85.0,
        limit: LimitArg = 50,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, GpuFleetSummaryResult]:
        """Start here for NVIDIA GPUs (dcgm-exporter): per cluster GPUs per model, allocated/used/idle, utilisation
        %, memory, power, XID/hot counts. Example: "How busy are our GPUs?"
        """
        return await answer_over(
            deps,
            clusters,
            lambda targets: service.fleet_summary(
                targets,
                window=window,
                time=time,
                idle_threshold_pct=idle_threshold_pct,
                temp_threshold_c=temp_threshold_c,
                limit=limit,
                cursor=cursor,
            ),
            backend="prometheus",
        )

    @mcp.tool(annotations=READ_ONLY, title="GPUs per node")
    @tool_errors
    async def gpu_list_nodes(
        node: Annotated[str | None, Field(description="Exact node name")] = None,
        time: TimeArg = None,
        limit: LimitArg = 50,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, GpuNodesResult]:
        """Each GPU now, per node: utilisation %, memory MiB, temperatures °C, power W, clocks, MIG, pods. Example:
        "How hot are worker-1's GPUs?"
        """
        return await answer_over(
            deps,
            clusters,
            lambda targets: service.list_nodes(targets, node=node, time=time, limit=limit, cursor=cursor),
            backend="prometheus",
        )

    @mcp.tool(annotations=READ_ONLY, title="GPU health")
    @tool_errors
    async def gpu_health(
        window: WindowArg = "1h",
        time: TimeArg = None,
        temp_threshold_c: TempArg = 85.0,
        limit: LimitArg = 50,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, GpuHealthResult]:
        """Failing GPUs, worst first, with the action: XID errors and overheating since when, ECC, row remapping,
        throttling. Example: "Is any GPU throttling?"
        """
        return await answer_over(
            deps,
            clusters,
            lambda targets: service.health(
                targets, window=window, time=time, temp_threshold_c=temp_threshold_c, limit=limit, cursor=cursor
            ),
            backend="prometheus",
        )

    @mcp.tool(annotations=READ_ONLY, title="GPU workloads")
    @tool_errors
    async def gpu_workloads(
        window: WindowArg = "1h",
        time: TimeArg = None,
        idle_threshold_pct: IdleArg = 5.0,
        namespace: str | None = None,
        limit: LimitArg = 50,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, GpuWorkloadsResult]:
        """GPU use per pod: utilisation %, memory MiB; idle (below idle_threshold_pct all window) and GPU-sharing
        pods first. Example: "Which pods waste GPUs?"
        """
        return await answer_over(
            deps,
            clusters,
            lambda targets: service.workloads(
                targets,
                window=window,
                time=time,
                idle_threshold_pct=idle_threshold_pct,
                namespace=namespace,
                limit=limit,
                cursor=cursor,
            ),
            backend="prometheus",
        )

    @mcp.tool(annotations=READ_ONLY, title="GPU MIG layout")
    @tool_errors
    async def gpu_mig_layout(
        window: WindowArg = "1h",
        time: TimeArg = None,
        limit: LimitArg = 50,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, GpuMigLayoutResult]:
        """MIG slices per GPU: instances per profile, each with engine activity %, memory MiB and pod. Example: "How
        are the A100s sliced?"
        """
        return await answer_over(
            deps,
            clusters,
            lambda targets: service.mig_layout(targets, window=window, time=time, limit=limit, cursor=cursor),
            backend="prometheus",
        )
