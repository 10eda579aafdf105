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
from servers.mcp.selection import ClustersArg, EnvironmentArg, LabelsArg
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

WindowArg = Annotated[str, Field(description="Look-back window ending at `time`, e.g. '15m', '1h', '24h' (1m to 7d).")]
TimeArg = Annotated[
    str | None,
    Field(description="End of the window: RFC3339, unix seconds, 'now' or relative like 'now-2h'. Default: now."),
]
IdleArg = Annotated[
    float, Field(ge=0, le=100, description="A GPU below this utilisation (%) for the whole window counts as idle.")
]
TempArg = Annotated[float, Field(ge=0, le=150, description="GPU temperature (°C) above which a GPU counts as hot.")]


def register_gpu_tools(mcp: FastMCP, deps: ToolDeps) -> None:
    """Add the ``gpu_*`` tools to ``mcp``."""
    service = GpuService(deps.metrics)

    @mcp.tool(annotations=READ_ONLY, title="GPU fleet summary")
    @tool_errors
    async def gpu_fleet_summary(
        window: WindowArg = "1h",
        time: TimeArg = None,
        idle_threshold_pct: IdleArg = 5.0,
        temp_threshold_c: TempArg = 85.0,
        limit: LimitArg = 50,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, GpuFleetSummaryResult]:
        """Summarise the NVIDIA GPUs of every selected cluster from dcgm-exporter metrics.

        Start here for any GPU question. Per cluster: GPU count per model, allocated GPUs (a pod label on the DCGM
        series, or kube-state-metrics nvidia.com/gpu requests) vs used ones (peak utilisation >= idle_threshold_pct
        in the window), idle-but-allocated count, mean and peak utilisation (%) over the window, framebuffer memory
        used/total (MiB), power now (W), and health counts (GPUs with an XID error in the window, throttled now,
        above temp_threshold_c now). Per node rows follow, busiest first, paged. A cluster without DCGM data is
        named in notes ("no GPU telemetry found"); no GPU is ever inferred. Drill down with gpu_list_nodes,
        gpu_health, gpu_workloads or gpu_mig_layout.
        Example: "How many GPUs do we have and how busy were they in the last hour?"
        """
        return await answer_over(
            deps,
            clusters,
            labels,
            environment,
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
        node: Annotated[str | None, Field(description="Only this node (dcgm-exporter's Hostname label).")] = None,
        time: TimeArg = None,
        limit: LimitArg = 50,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, GpuNodesResult]:
        """List every GPU per node with its current state from dcgm-exporter metrics.

        Per GPU: model and UUID, utilisation (%), framebuffer used/free (MiB), GPU and memory temperature (°C),
        power (W) and, when DCGM_FI_DEV_POWER_MGMT_LIMIT is exported, the limit and percent of it, SM and memory
        clocks (MHz), profiling fields where exported (graphics-engine, SM and DRAM activity in %, PCIe and NVLink
        MB/s), PCIe replays in the last 5 min, MIG instances ('<GPU_I_ID>:<profile>') and the pods using it.
        Fields a GPU does not export stay empty and a note names them. Paged, sorted by cluster, node, GPU index.
        Example: "Show the GPUs on worker-gpu-1 of gpu-spoke: how hot and how full are they?"
        """
        return await answer_over(
            deps,
            clusters,
            labels,
            environment,
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
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, GpuHealthResult]:
        """Find unhealthy GPUs: XID errors, ECC errors, row remapping, clock throttling and overheating.

        Findings are most severe first, each with the GPU (cluster, node, index), a severity, a plain summary and
        the action to take. XID codes (DCGM_FI_DEV_XID_ERRORS) are decoded from NVIDIA's XID catalogue (e.g. 79 =
        GPU fell off the bus, 48 = double-bit ECC error) with the first time each was seen in the window. Throttle
        masks (DCGM_FI_DEV_CLOCK_THROTTLE_REASONS / CLOCKS_EVENT_REASONS) are decoded into reasons (power cap,
        HW/SW thermal slowdown, power brake; idle is not a problem). Thermal: above temp_threshold_c in the window,
        with when it started. `since_before_window` means the condition predates the window: widen it to see when
        it began. ECC and row-remap counts are current values.
        Example: "Are any GPUs failing or throttling on gpu-spoke, and since when?"
        """
        return await answer_over(
            deps,
            clusters,
            labels,
            environment,
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
        namespace: Annotated[str | None, Field(description="Only workloads of this namespace.")] = None,
        limit: LimitArg = 50,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, GpuWorkloadsResult]:
        """Attribute GPUs to pods and find waste: idle-but-allocated and over-subscribed GPUs.

        Uses the namespace/pod/container labels dcgm-exporter puts on a GPU's series. Per workload: node, GPU
        index, MIG instance, mean and peak utilisation (%), peak graphics-engine activity (%), framebuffer used
        (MiB). `idle` = peak utilisation and engine activity stayed below idle_threshold_pct for the whole window
        (for a pod younger than the window: since it started). `shares_gpu_with` lists other pods on the same GPU
        without MIG (time-slicing / over-subscription). Idle and shared ones come first.
        Example: "Which pods hold a GPU but have not used it in the last hour?"
        """
        return await answer_over(
            deps,
            clusters,
            labels,
            environment,
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
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, GpuMigLayoutResult]:
        """Show how GPUs in MIG mode are partitioned and how each instance is used.

        Per MIG GPU: instance count per profile (e.g. {'3g.40gb': 2}) and each instance (GPU_I_ID, profile,
        graphics-engine activity now and mean over the window in %, framebuffer used in MiB, the pod using it).
        Read from DCGM_FI_PROF_GR_ENGINE_ACTIVE series carrying GPU_I_ID/GPU_I_PROFILE; notes say when no GPU runs
        in MIG mode.
        Example: "How are the A100s on gpu-spoke sliced, and are the MIG slices used?"
        """
        return await answer_over(
            deps,
            clusters,
            labels,
            environment,
            lambda targets: service.mig_layout(targets, window=window, time=time, limit=limit, cursor=cursor),
            backend="prometheus",
        )
