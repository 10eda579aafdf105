"""The GPU service every ``gpu_*`` MCP tool calls: :class:`GpuService`.

It reads dcgm-exporter metrics (and kube-state-metrics GPU requests when present) through the shared
:class:`~tools.prometheus.MetricsService`, so fan-out, guardrails, per-cluster status and global-view attribution
are the metrics tools' own. It never runs anything on a node and never reports a GPU Prometheus does not have.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tools.gpu.context import CallContext, open_call
from tools.gpu.health import build_health
from tools.gpu.inventory import build_fleet_summary, build_node_list
from tools.gpu.results import (
    GpuFleetSummaryResult,
    GpuHealthResult,
    GpuMigLayoutResult,
    GpuNodesResult,
    GpuWorkloadsResult,
)
from tools.gpu.workloads import build_mig_layout, build_workloads
from tools.prometheus import MetricsService
from tools.targets import BackendTarget

__all__ = ["GpuService"]


class GpuService:
    """GPU inventory, health, workloads and MIG layout over a fleet's Prometheus data."""

    def __init__(self, metrics: MetricsService, *, cluster_label: str = "cluster") -> None:
        self._metrics = metrics
        self._cluster_label = cluster_label

    @property
    def _cap(self) -> int:
        return self._metrics.limits.response_max_bytes

    async def _open(
        self,
        targets: Sequence[BackendTarget],
        kind: str,
        window: str,
        time: str | None,
        cursor: str | None,
        **arguments: Any,
    ) -> CallContext:
        return await open_call(
            self._metrics,
            targets,
            kind,
            window=window,
            time=time,
            cursor=cursor,
            cluster_label=self._cluster_label,
            arguments=arguments,
        )

    async def fleet_summary(
        self,
        targets: Sequence[BackendTarget],
        *,
        window: str = "1h",
        time: str | None = None,
        idle_threshold_pct: float = 5.0,
        temp_threshold_c: float = 85.0,
        limit: int = 50,
        cursor: str | None = None,
    ) -> GpuFleetSummaryResult:
        """GPUs per cluster and node: models, allocation vs use, utilisation, memory, power, health counts."""
        call = await self._open(targets, "summary", window, time, cursor, i=idle_threshold_pct, h=temp_threshold_c)
        return await build_fleet_summary(
            call, idle_threshold_pct=idle_threshold_pct, temp_threshold_c=temp_threshold_c, limit=limit, cap=self._cap
        )

    async def list_nodes(
        self,
        targets: Sequence[BackendTarget],
        *,
        node: str | None = None,
        time: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> GpuNodesResult:
        """Current state of each GPU: utilisation, memory, temperatures, power vs limit, SM clock, MIG, pods."""
        call = await self._open(targets, "nodes", "5m", time, cursor, n=node)
        return await build_node_list(call, node=node, limit=limit, cap=self._cap)

    async def health(
        self,
        targets: Sequence[BackendTarget],
        *,
        window: str = "1h",
        time: str | None = None,
        temp_threshold_c: float = 85.0,
        limit: int = 50,
        cursor: str | None = None,
    ) -> GpuHealthResult:
        """Decoded XID, ECC, row-remap, throttling and thermal findings with when they started."""
        call = await self._open(targets, "health", window, time, cursor, h=temp_threshold_c)
        return await build_health(call, temp_threshold_c=temp_threshold_c, limit=limit, cap=self._cap)

    async def workloads(
        self,
        targets: Sequence[BackendTarget],
        *,
        window: str = "1h",
        time: str | None = None,
        idle_threshold_pct: float = 5.0,
        namespace: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> GpuWorkloadsResult:
        """Per-pod GPU attribution, idle-but-allocated and over-subscribed GPUs."""
        call = await self._open(targets, "workloads", window, time, cursor, i=idle_threshold_pct, ns=namespace)
        return await build_workloads(
            call, idle_threshold_pct=idle_threshold_pct, namespace=namespace, limit=limit, cap=self._cap
        )

    async def mig_layout(
        self,
        targets: Sequence[BackendTarget],
        *,
        window: str = "1h",
        time: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> GpuMigLayoutResult:
        """MIG instances and profiles per GPU with their activity, memory and pod."""
        call = await self._open(targets, "mig", window, time, cursor)
        return await build_mig_layout(call, limit=limit, cap=self._cap)
