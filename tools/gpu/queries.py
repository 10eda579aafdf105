"""The PromQL behind each GPU tool, built for one window and cluster label.

Every expression aggregates ``by`` the few labels a tool needs (the cluster label first, so a Thanos/ACM global
view can attribute each sample), which keeps answers small. Instant expressions are evaluated at the window's end;
the ``*_over`` ones summarise the window; the ``*_events`` ones are run as range queries to find when a condition
started.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.gpu import fields as f

__all__ = ["WORKLOAD_LABELS", "GpuQueries"]

# dcgm-exporter's own workload labels, and the names Prometheus gives them when the scrape target has its own.
WORKLOAD_LABELS = ("namespace", "pod", "container", "exported_namespace", "exported_pod", "exported_container")


@dataclass(frozen=True)
class GpuQueries:
    """PromQL for a window such as ``1h`` and a cluster label such as ``cluster``."""

    window: str
    cluster_label: str = "cluster"

    def _by(self, *extra: str) -> str:
        return ", ".join((self.cluster_label, "Hostname", "gpu", *extra))

    def _max(self, metric: str, *extra: str) -> str:
        return f"max by ({self._by(*extra)}) ({metric})"

    # --- inventory and current state (instant) ---
    def inventory(self) -> str:
        """One sample per GPU with its model and UUID (GPU_UTIL, or GPU_TEMP where MIG hides GPU_UTIL)."""
        return f"group by ({self._by('modelName', 'UUID')}) ({f.GPU_UTIL} or {f.GPU_TEMP})"

    def util(self) -> str:
        return self._max(f.GPU_UTIL)

    def util_mean(self) -> str:
        return f"avg by ({self._by()}) (avg_over_time({f.GPU_UTIL}[{self.window}]))"

    def util_peak(self) -> str:
        return f"max by ({self._by()}) (max_over_time({f.GPU_UTIL}[{self.window}]))"

    def _per_instance_sum(self, metric: str) -> str:
        # Time-sliced GPUs repeat a value once per pod: take one per MIG instance (or whole GPU), then add them up.
        return f"sum by ({self._by()}) (max by ({self._by('GPU_I_ID')}) ({metric}))"

    def activity_peak(self) -> str:
        """Peak graphics-engine activity in the window per GPU, in % (MIG GPUs report no GPU_UTIL)."""
        return f"100 * max by ({self._by()}) (max_over_time({f.GR_ENGINE_ACTIVE}[{self.window}]))"

    def fb_used(self) -> str:
        return self._per_instance_sum(f.FB_USED)

    def fb_free(self) -> str:
        return self._per_instance_sum(f.FB_FREE)

    def temp(self) -> str:
        return self._max(f.GPU_TEMP)

    def memory_temp(self) -> str:
        return self._max(f.MEMORY_TEMP)

    def power(self) -> str:
        return self._max(f.POWER_USAGE)

    def power_limit(self) -> str:
        """The management limit, or the enforced limit where only that one is exported."""
        return self._max(f"{f.POWER_LIMIT} or {f.ENFORCED_POWER_LIMIT}")

    def sm_clock(self) -> str:
        return self._max(f.SM_CLOCK)

    def mem_clock(self) -> str:
        return self._max(f.MEM_CLOCK)

    def ratio_pct(self, metric: str) -> str:
        """A 0..1 profiling ratio now, in % (a MIG GPU: its busiest instance)."""
        return f"100 * {self._max(metric)}"

    def bytes_rate(self, metric: str) -> str:
        """A profiling byte rate (B/s) now, one value per GPU."""
        return self._max(metric)

    def pcie_replays(self) -> str:
        """PCIe replays (link-level retries) in the window per GPU."""
        return f"max by ({self._by()}) (increase({f.PCIE_REPLAY_COUNTER}[{self.window}]))"

    def throttle_mask(self) -> str:
        return self._max(f"{f.CLOCK_THROTTLE_REASONS} or {f.CLOCK_EVENT_REASONS}")

    def xid_over(self) -> str:
        """Largest XID code seen in the window per GPU (0 = none)."""
        return f"max by ({self._by()}) (max_over_time({f.XID_ERRORS}[{self.window}]))"

    def ecc_sbe(self) -> str:
        return self._max(f.ECC_SBE_VOL_TOTAL)

    def ecc_dbe(self) -> str:
        return self._max(f.ECC_DBE_VOL_TOTAL)

    def remap_failure(self) -> str:
        return self._max(f.ROW_REMAP_FAILURE)

    def remapped_uncorrectable(self) -> str:
        return self._max(f.UNCORRECTABLE_REMAPPED_ROWS)

    def mig_instances(self) -> str:
        """One sample per MIG instance: its profile and workload, valued by its engine activity now."""
        extra = ("modelName", "GPU_I_ID", "GPU_I_PROFILE", *WORKLOAD_LABELS)
        return f'max by ({self._by(*extra)}) ({f.GR_ENGINE_ACTIVE}{{GPU_I_ID!=""}})'

    def mig_activity_mean(self) -> str:
        return f'avg by ({self._by("GPU_I_ID")}) (avg_over_time({f.GR_ENGINE_ACTIVE}{{GPU_I_ID!=""}}[{self.window}]))'

    def mig_fb_used(self) -> str:
        return f'sum by ({self._by("GPU_I_ID")}) ({f.FB_USED}{{GPU_I_ID!=""}})'

    def ksm_gpu_requests(self) -> str:
        """GPUs requested per node by running pods (kube-state-metrics), when it is scraped."""
        return f"sum by ({self.cluster_label}, node) ({f.KSM_GPU_REQUESTS})"

    def workload_presence(self) -> str:
        """One sample per (GPU, MIG instance, workload labels): who holds which GPU now."""
        extra = ("GPU_I_ID", *WORKLOAD_LABELS)
        return f"group by ({self._by(*extra)}) ({f.FB_USED} or {f.GPU_UTIL})"

    # --- per-workload (instant over the window) ---
    def _workload(self, expr: str) -> str:
        return f"max by ({self._by('GPU_I_ID', *WORKLOAD_LABELS)}) ({expr})"

    def workload_util_peak(self) -> str:
        return self._workload(f"max_over_time({f.GPU_UTIL}[{self.window}])")

    def workload_util_mean(self) -> str:
        return self._workload(f"avg_over_time({f.GPU_UTIL}[{self.window}])")

    def workload_gr_peak(self) -> str:
        return self._workload(f"max_over_time({f.GR_ENGINE_ACTIVE}[{self.window}])")

    def workload_sm_peak(self) -> str:
        return self._workload(f"max_over_time({f.SM_ACTIVE}[{self.window}])")

    def workload_fb_used(self) -> str:
        return self._workload(f.FB_USED)

    # --- events over the window (range queries) ---
    def xid_events(self) -> str:
        return f"max by ({self._by()}) ({f.XID_ERRORS}) != 0"

    def throttle_events(self) -> str:
        # Masks 0..3 are idle / application clocks only: filtered server-side; other benign bits are decoded later.
        return f"{self.throttle_mask()} > 3"

    def hot_events(self, threshold_c: float) -> str:
        return f"{self.temp()} > {threshold_c:g}"
