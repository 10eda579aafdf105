"""kubelet/cAdvisor container metrics (job `kubelet`, metrics_path `/metrics/cadvisor`), one target per node.

Also defines the per-container CPU and memory profiles, which node-exporter reuses so that node CPU
follows the pods scheduled on the node. The `cpu-saturation` incident ramps a container to ~95% of its
CPU limit; CFS throttling rises with it.
"""

from __future__ import annotations

from servers.sim.families import Ctx, Exporter, FamilySet, Target, labelset
from servers.sim.signals import Counter, Gauge, Profile, Ramp
from servers.sim.topology import ContainerSpec, PodSpec

__all__ = ["container_cpu", "container_memory", "kubelet_exporter"]

# Fraction of the CPU limit a saturated (throttled) container settles at. High enough that rate()[5m]
# stays above a 0.9 threshold even across the gap between backfilled history and the first live scrape.
_SATURATED = 0.975
_CFS_PERIODS_PER_S = 10.0  # the default CFS period is 100 ms


def container_cpu(ctx: Ctx, pod: PodSpec, c: ContainerSpec) -> Profile:
    """CPU usage of container `c` in cores (the rate of container_cpu_usage_seconds_total)."""
    amp = 0.08 * c.cpu_use
    if c.cpu_limit is not None:
        amp = min(amp, (c.cpu_limit - c.cpu_use) / 3.0)
    if c.incident == "cpu-saturation" and c.cpu_limit is not None:
        amp = 0.006 * c.cpu_limit  # a saturated container cannot wiggle above its quota
        ramp = Ramp(_SATURATED * c.cpu_limit - c.cpu_use, ctx.inc.cpu_ramp_start, ctx.inc.cpu_ramp_s)
        return Profile(c.cpu_use, ctx.waves(amp, "cpu", pod.name, c.name), (ramp,))
    return Profile(c.cpu_use, ctx.waves(amp, "cpu", pod.name, c.name))


def container_memory(ctx: Ctx, pod: PodSpec, c: ContainerSpec) -> Profile:
    """Working-set memory of container `c` in bytes; a saturated container also grows its heap."""
    prof = Profile(float(c.mem_use), ctx.waves(0.04 * c.mem_use, "mem", pod.name, c.name))
    if c.incident == "cpu-saturation":
        prof += Profile(0.0, (), (Ramp(0.25 * c.mem_use, ctx.inc.cpu_ramp_start, ctx.inc.cpu_ramp_s),))
    return prof


def _throttled(ctx: Ctx, pod: PodSpec, c: ContainerSpec) -> Profile:
    """Throttled CFS periods per second: a trickle normally, most periods once saturated."""
    base = 0.02 * _CFS_PERIODS_PER_S
    prof = Profile(base, ctx.waves(0.3 * base, "thr", pod.name, c.name))
    if c.incident == "cpu-saturation":
        ramp = Ramp(0.55 * _CFS_PERIODS_PER_S, ctx.inc.cpu_ramp_start + 600.0, ctx.inc.cpu_ramp_s)
        prof += Profile(0.0, (), (ramp,))
    return prof


def kubelet_exporter(ctx: Ctx) -> Exporter:
    """The kubelet's cAdvisor endpoint on every node of the cluster."""
    targets = []
    for node in ctx.spec.nodes:
        fs = FamilySet()
        boot = ctx.boot_time(node.uptime_days)
        for pod in ctx.spec.pods_on(node.name):
            # Pods started after the node booted; keep counters starting a little later than boot.
            start = boot + 600.0
            for c in pod.containers:
                labels = {"namespace": pod.namespace, "pod": pod.name, "container": c.name, "image": c.image}
                fs.add(
                    "container_cpu_usage_seconds_total",
                    "counter",
                    "Cumulative cpu time consumed in seconds.",
                    labels,
                    Counter(container_cpu(ctx, pod, c), start),
                )
                fs.add(
                    "container_memory_working_set_bytes",
                    "gauge",
                    "Current working set in bytes.",
                    labels,
                    Gauge(container_memory(ctx, pod, c), ctx.key("ws", pod.name, c.name), 0.01 * c.mem_use, 0.0),
                )
                if c.cpu_limit is None:
                    continue  # CFS quota accounting only exists for containers with a CPU limit
                fs.add(
                    "container_cpu_cfs_periods_total",
                    "counter",
                    "Number of elapsed enforcement period intervals.",
                    labels,
                    Counter(Profile(_CFS_PERIODS_PER_S), start),
                )
                fs.add(
                    "container_cpu_cfs_throttled_periods_total",
                    "counter",
                    "Number of throttled period intervals.",
                    labels,
                    Counter(_throttled(ctx, pod, c), start),
                )
        target_labels = {
            "instance": f"{node.ip}:10250",
            "node": node.name,
            "metrics_path": "/metrics/cadvisor",
            "service": "kubelet",
            "endpoint": "https-metrics",
        }
        targets.append(Target(node.name, labelset(target_labels), fs.build()))
    return Exporter("kubelet", True, tuple(targets))
