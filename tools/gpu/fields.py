"""DCGM field names as dcgm-exporter exports them to Prometheus.

Sources: NVIDIA dcgm-exporter ``etc/default-counters.csv`` and ``etc/dcp-metrics-included.csv`` (the metric names
are the DCGM field identifiers, ``DCGM_FI_*``), and the DCGM field reference (``dcgm_fields.h``). dcgm-exporter
labels every series with ``gpu`` (index), ``UUID``, ``modelName``, ``Hostname`` and, for an allocated GPU, the
workload's ``namespace``/``pod``/``container`` (``exported_*`` when Prometheus renamed them); in MIG mode a series
per GPU instance carries ``GPU_I_ID`` and ``GPU_I_PROFILE``.
"""

from __future__ import annotations

__all__ = [
    "CLOCK_EVENT_REASONS",
    "CLOCK_THROTTLE_REASONS",
    "DRAM_ACTIVE",
    "ECC_DBE_VOL_TOTAL",
    "ECC_SBE_VOL_TOTAL",
    "ENFORCED_POWER_LIMIT",
    "FB_FREE",
    "FB_RESERVED",
    "FB_USED",
    "GPU_TEMP",
    "GPU_UTIL",
    "GR_ENGINE_ACTIVE",
    "KSM_GPU_REQUESTS",
    "MEMORY_TEMP",
    "MEM_CLOCK",
    "NVLINK_RX_BYTES",
    "NVLINK_TX_BYTES",
    "PCIE_REPLAY_COUNTER",
    "PCIE_RX_BYTES",
    "PCIE_TX_BYTES",
    "POWER_LIMIT",
    "POWER_USAGE",
    "ROW_REMAP_FAILURE",
    "SM_ACTIVE",
    "SM_CLOCK",
    "UNCORRECTABLE_REMAPPED_ROWS",
    "XID_ERRORS",
]

# default-counters.csv
GPU_UTIL = "DCGM_FI_DEV_GPU_UTIL"  # gauge, GPU utilisation (%)
GPU_TEMP = "DCGM_FI_DEV_GPU_TEMP"  # gauge, GPU temperature (°C)
MEMORY_TEMP = "DCGM_FI_DEV_MEMORY_TEMP"  # gauge, memory temperature (°C)
POWER_USAGE = "DCGM_FI_DEV_POWER_USAGE"  # gauge, power draw (W)
POWER_LIMIT = "DCGM_FI_DEV_POWER_MGMT_LIMIT"  # gauge, power management limit (W); not in every counters file
ENFORCED_POWER_LIMIT = "DCGM_FI_DEV_ENFORCED_POWER_LIMIT"  # gauge, limit the driver enforces after all limiters (W)
SM_CLOCK = "DCGM_FI_DEV_SM_CLOCK"  # gauge, SM clock (MHz)
MEM_CLOCK = "DCGM_FI_DEV_MEM_CLOCK"  # gauge, memory clock (MHz)
PCIE_REPLAY_COUNTER = "DCGM_FI_DEV_PCIE_REPLAY_COUNTER"  # counter, PCIe retries (link errors) since driver load
FB_USED = "DCGM_FI_DEV_FB_USED"  # gauge, framebuffer used (MiB)
FB_FREE = "DCGM_FI_DEV_FB_FREE"  # gauge, framebuffer free (MiB)
FB_RESERVED = "DCGM_FI_DEV_FB_RESERVED"  # gauge, framebuffer reserved by the driver (MiB), newer exporters
XID_ERRORS = "DCGM_FI_DEV_XID_ERRORS"  # gauge, value of the last XID error encountered
ECC_SBE_VOL_TOTAL = "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL"  # volatile single-bit ECC errors since driver load
ECC_DBE_VOL_TOTAL = "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL"  # volatile double-bit ECC errors since driver load
UNCORRECTABLE_REMAPPED_ROWS = "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS"  # rows remapped for uncorrectable errors
ROW_REMAP_FAILURE = "DCGM_FI_DEV_ROW_REMAP_FAILURE"  # 1 when a row remapping failed
# Bit mask of NVML clock throttle reasons; renamed "clock event reasons" in DCGM 3.2 (same bit values).
CLOCK_THROTTLE_REASONS = "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS"
CLOCK_EVENT_REASONS = "DCGM_FI_DEV_CLOCKS_EVENT_REASONS"
# dcp-metrics-included.csv (profiling): ratio 0..1 of time the graphics/compute engine is active; per MIG instance.
GR_ENGINE_ACTIVE = "DCGM_FI_PROF_GR_ENGINE_ACTIVE"
SM_ACTIVE = "DCGM_FI_PROF_SM_ACTIVE"  # ratio of cycles an SM has at least one warp assigned (over all SMs)
DRAM_ACTIVE = "DCGM_FI_PROF_DRAM_ACTIVE"  # ratio of cycles the device memory interface is sending or receiving
# Bytes per second over the PCIe bus / NVLink (headers and payload), as DCGM's profiling module reports them
# (dcgm-exporter's default-counters.csv lists the PCIe pair commented out; dcp-metrics-included.csv enables them).
PCIE_TX_BYTES = "DCGM_FI_PROF_PCIE_TX_BYTES"
PCIE_RX_BYTES = "DCGM_FI_PROF_PCIE_RX_BYTES"
NVLINK_TX_BYTES = "DCGM_FI_PROF_NVLINK_TX_BYTES"
NVLINK_RX_BYTES = "DCGM_FI_PROF_NVLINK_RX_BYTES"
# kube-state-metrics: GPUs requested by pod containers (the extended resource nvidia.com/gpu, sanitised).
KSM_GPU_REQUESTS = 'kube_pod_container_resource_requests{resource="nvidia_com_gpu"}'
