"""Result models of the GPU tools; every one follows :class:`tools.contract.ToolResult`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tools.contract import ToolResult

__all__ = [
    "GpuClusterTotals",
    "GpuFinding",
    "GpuFleetSummaryResult",
    "GpuHealthResult",
    "GpuMigLayoutResult",
    "GpuNodeSummary",
    "GpuNodesResult",
    "GpuStatus",
    "GpuWorkload",
    "GpuWorkloadsResult",
    "MigGpu",
    "MigInstance",
]


class _Window(ToolResult):
    time: str = Field(description="RFC3339 end of the window (evaluation time).")
    window: str = Field(description="Length of the window the statistics cover, e.g. '1h'.")


class GpuClusterTotals(BaseModel):
    """GPU totals of one cluster."""

    cluster: str
    nodes: int = Field(description="Nodes with GPU telemetry.")
    gpus: int = Field(description="Physical GPUs reporting DCGM metrics.")
    models: dict[str, int] = Field(description="GPU count per model.")
    allocated: int = Field(description="GPUs allocated to pods (pod label on DCGM series or kube-state requests).")
    used: int = Field(description="GPUs whose peak utilisation in the window reached the idle threshold.")
    idle_allocated: int = Field(description="Allocated GPUs below the idle threshold for the whole window.")
    util_mean_pct: float | None = Field(default=None, description="Mean utilisation over GPUs and window (%).")
    util_peak_pct: float | None = Field(default=None, description="Highest utilisation of any GPU in the window (%).")
    fb_used_mib: float = Field(description="Framebuffer memory used (MiB).")
    fb_total_mib: float = Field(description="Framebuffer memory used + free (MiB).")
    power_w: float = Field(description="Power draw now (W).")
    xid_gpus: int = Field(description="GPUs that reported an XID error in the window.")
    throttled_gpus: int = Field(description="GPUs throttled now by a power, slowdown or thermal reason.")
    hot_gpus: int = Field(description="GPUs above the temperature threshold now.")


class GpuNodeSummary(BaseModel):
    """GPUs of one node."""

    cluster: str
    node: str
    models: list[str]
    gpus: int
    allocated: int
    used: int
    util_mean_pct: float | None = None
    util_peak_pct: float | None = None
    fb_used_mib: float
    fb_total_mib: float
    power_w: float


class GpuFleetSummaryResult(_Window):
    """GPU inventory, allocation, use and health counts per cluster, and per node (paged)."""

    idle_threshold_pct: float
    temp_threshold_c: float
    per_cluster: list[GpuClusterTotals] = Field(default_factory=list)
    nodes: list[GpuNodeSummary] = Field(default_factory=list, description="Per-node rows, busiest first.")


class GpuStatus(BaseModel):
    """The current state of one GPU."""

    cluster: str
    node: str
    gpu: str = Field(description="GPU index on the node.")
    model: str | None = None
    uuid: str | None = None
    util_pct: float | None = None
    fb_used_mib: float | None = None
    fb_free_mib: float | None = None
    temp_c: float | None = None
    memory_temp_c: float | None = None
    power_w: float | None = None
    power_limit_w: float | None = Field(default=None, description="Power management limit, when exported.")
    power_pct_of_limit: float | None = None
    sm_clock_mhz: float | None = None
    mem_clock_mhz: float | None = None
    gr_active_pct: float | None = Field(default=None, description="Graphics/compute engine active now (%).")
    sm_active_pct: float | None = Field(default=None, description="SMs with a warp assigned now (%), profiling.")
    dram_active_pct: float | None = Field(default=None, description="Device memory interface busy now (%).")
    pcie_tx_mb_s: float | None = Field(default=None, description="PCIe transmit now (MB/s), profiling.")
    pcie_rx_mb_s: float | None = Field(default=None, description="PCIe receive now (MB/s), profiling.")
    pcie_replays: float | None = Field(default=None, description="PCIe replays (link retries) in the last 5 min.")
    nvlink_tx_mb_s: float | None = Field(default=None, description="NVLink transmit now (MB/s), profiling.")
    nvlink_rx_mb_s: float | None = Field(default=None, description="NVLink receive now (MB/s), profiling.")
    mig_instances: list[str] | None = Field(default=None, description="MIG instances as '<GPU_I_ID>:<profile>'.")
    pods: list[str] | None = Field(default=None, description="namespace/pod of workloads on this GPU.")


class GpuNodesResult(_Window):
    """Per-GPU current state, grouped by node (paged)."""

    gpus: list[GpuStatus] = Field(default_factory=list)


FindingKind = Literal["xid", "ecc", "row_remap", "throttle", "thermal"]


class GpuFinding(BaseModel):
    """One health problem of one GPU."""

    cluster: str
    node: str
    gpu: str
    kind: FindingKind
    severity: Literal["critical", "warning", "info"]
    summary: str
    action: str | None = None
    xid: int | None = None
    reasons: list[str] | None = Field(default=None, description="Decoded throttle reasons (NVML names).")
    value: float | None = Field(default=None, description="Current value (°C, error count, mask...).")
    started: str | None = Field(default=None, description="RFC3339 first time seen in the window.")
    since_before_window: bool | None = Field(default=None, description="True when already present at window start.")


class GpuHealthResult(_Window):
    """Decoded XID, ECC, row-remapping, throttling and thermal findings, most severe first (paged)."""

    temp_threshold_c: float
    gpus_checked: int
    healthy_gpus: int
    findings: list[GpuFinding] = Field(default_factory=list)


class GpuWorkload(BaseModel):
    """One pod's use of one GPU (or MIG instance)."""

    cluster: str
    namespace: str
    pod: str
    container: str | None = None
    node: str
    gpu: str
    mig_instance: str | None = None
    util_mean_pct: float | None = None
    util_peak_pct: float | None = None
    gr_active_peak_pct: float | None = Field(default=None, description="Peak graphics-engine activity (%).")
    sm_active_peak_pct: float | None = Field(default=None, description="Peak SM activity (%), when profiled.")
    fb_used_mib: float | None = None
    idle: bool = Field(description="Below the idle threshold for the whole window.")
    shares_gpu_with: list[str] | None = Field(default=None, description="Other pods on the same GPU without MIG.")


class GpuWorkloadsResult(_Window):
    """Per-pod GPU attribution; idle-but-allocated and over-subscribed GPUs first (paged)."""

    idle_threshold_pct: float
    idle_allocated: int = Field(description="Workloads idle for the whole window.")
    oversubscribed_gpus: int = Field(description="GPUs shared by several pods without MIG.")
    workloads: list[GpuWorkload] = Field(default_factory=list)


class MigInstance(BaseModel):
    """One MIG GPU instance."""

    gpu_instance_id: str
    profile: str | None = None
    gr_active_pct: float | None = Field(default=None, description="Graphics-engine activity now (%).")
    gr_active_mean_pct: float | None = Field(default=None, description="Mean activity over the window (%).")
    fb_used_mib: float | None = None
    pod: str | None = Field(default=None, description="namespace/pod using the instance.")


class MigGpu(BaseModel):
    """A GPU in MIG mode and its instances."""

    cluster: str
    node: str
    gpu: str
    model: str | None = None
    profiles: dict[str, int] = Field(description="Instance count per profile.")
    instances: list[MigInstance]


class GpuMigLayoutResult(_Window):
    """MIG layout per GPU (paged)."""

    gpus: list[MigGpu] = Field(default_factory=list)
