"""GPU telemetry over dcgm-exporter metrics in Prometheus: inventory, health, workloads and MIG layout."""

from __future__ import annotations

from tools.gpu.results import (
    GpuClusterTotals,
    GpuFinding,
    GpuFleetSummaryResult,
    GpuHealthResult,
    GpuMigLayoutResult,
    GpuNodesResult,
    GpuNodeSummary,
    GpuStatus,
    GpuWorkload,
    GpuWorkloadsResult,
    MigGpu,
    MigInstance,
)
from tools.gpu.service import GpuService
from tools.gpu.throttle import THROTTLE_REASONS, ThrottleReason, decode_throttle, is_throttled
from tools.gpu.xid import XID_CATALOGUE, XidInfo, decode_xid

__all__ = [
    "THROTTLE_REASONS",
    "XID_CATALOGUE",
    "GpuClusterTotals",
    "GpuFinding",
    "GpuFleetSummaryResult",
    "GpuHealthResult",
    "GpuMigLayoutResult",
    "GpuNodeSummary",
    "GpuNodesResult",
    "GpuService",
    "GpuStatus",
    "GpuWorkload",
    "GpuWorkloadsResult",
    "MigGpu",
    "MigInstance",
    "ThrottleReason",
    "XidInfo",
    "decode_throttle",
    "decode_xid",
    "is_throttled",
]
