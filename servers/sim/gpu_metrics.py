"""NVIDIA dcgm-exporter metrics (job `nvidia-dcgm-exporter`), one target per GPU node.

Labels follow dcgm-exporter: gpu, UUID, pci_bus_id, device (nvidiaN), modelName, Hostname,
DCGM_FI_DRIVER_VERSION, plus namespace/pod/container of the workload when the GPU is allocated.
The `thermal` incident heats one GPU from ~55 to ~88 degC over two hours; power rises with it and the
SM clock drops once the GPU is hot (thermal throttling).
"""

from __future__ import annotations

from servers.sim.families import Ctx, Exporter, FamilySet, Target, labelset
from servers.sim.signals import Const, Gauge, Profile, Ramp
from servers.sim.topology import GpuSpec

__all__ = ["dcgm_exporter"]

_DRIVER = "550.90.07"
_IDLE_SM_CLOCK = 210.0
_HEAT_DEG = 33.0


def _util(ctx: Ctx, gpu: GpuSpec) -> Profile:
    """GPU utilisation in percent: busy training, diurnal inference, idle when unallocated."""
    if gpu.pod is None:
        return Profile(0.0)
    if gpu.pod.namespace == "ml-training":
        return Profile(93.0, ctx.waves(2.5, "util", gpu.node, gpu.index))
    return Profile(58.0, ctx.waves(16.0, "util", gpu.node, gpu.index))


def _gauges(ctx: Ctx, gpu: GpuSpec) -> dict[str, tuple[str, Gauge | Const]]:
    inc = ctx.inc
    util = _util(ctx, gpu)
    busy = util.scaled(0.01)
    heat = Ramp(_HEAT_DEG, inc.gpu_heat_start, inc.gpu_heat_s) if gpu.incident == "thermal" else None
    throttle = Ramp(-300.0, inc.gpu_throttle_start, inc.gpu_throttle_s) if gpu.incident == "thermal" else None
    temp = Profile(34.0) + busy.scaled(23.0)
    power = Profile(0.15 * gpu.tdp_w) + busy.scaled(0.55 * gpu.tdp_w)
    clock = Profile(_IDLE_SM_CLOCK if gpu.pod is None else float(gpu.max_sm_clock))
    if heat is not None and throttle is not None:
        temp += Profile(0.0, (), (heat,))
        power += Profile(0.0, (), (Ramp(0.2 * gpu.tdp_w, heat.start, heat.duration_s),))
        clock += Profile(0.0, (), (throttle,))
    fb_used = 0.0 if gpu.pod is None else {"ml-training": 0.88, "ml-serving": 0.86}[gpu.pod.namespace]
    if gpu.pod is not None and gpu.model.endswith("L40S"):
        fb_used = 0.2  # a small ResNet on a large card
    reserved = round(0.0065 * gpu.fb_total_mib)
    used = round(fb_used * gpu.fb_total_mib)

    def g(prof: Profile, what: str, noise: float, integer: bool = True, hi: float = 1e12) -> Gauge:
        return Gauge(prof, ctx.key(what, gpu.node, gpu.index), noise, 0.0, hi, integer)

    return {
        "DCGM_FI_DEV_GPU_UTIL": ("GPU utilization (in %).", g(util, "util", 2.0, hi=100.0)),
        "DCGM_FI_DEV_GPU_TEMP": ("GPU temperature (in C).", g(temp, "temp", 1.0)),
        "DCGM_FI_DEV_MEMORY_TEMP": ("Memory temperature (in C).", g(temp + Profile(6.0), "mtemp", 1.0)),
        "DCGM_FI_DEV_POWER_USAGE": ("Power draw (in W).", g(power, "power", 6.0, integer=False)),
        "DCGM_FI_DEV_FB_USED": ("Framebuffer memory used (in MiB).", Const(float(used))),
        "DCGM_FI_DEV_FB_FREE": (
            "Framebuffer memory free (in MiB).",
            Const(float(gpu.fb_total_mib - used - reserved)),
        ),
        "DCGM_FI_DEV_SM_CLOCK": ("SM clock frequency (in MHz).", g(clock, "clock", 0.0)),
        "DCGM_FI_DEV_XID_ERRORS": ("Value of the last XID error encountered.", Const(0.0)),
        "DCGM_FI_PROF_GR_ENGINE_ACTIVE": (
            "Ratio of time the graphics engine is active.",
            g(busy.scaled(0.94), "gr", 0.01, integer=False, hi=1.0),
        ),
    }


def dcgm_exporter(ctx: Ctx) -> Exporter | None:
    """The DCGM exporter DaemonSet's endpoints, or None when the cluster has no GPUs."""
    if not ctx.spec.gpus:
        return None
    exporter_pods = {p.node: p for p in ctx.spec.pods if p.owner_name == "nvidia-dcgm-exporter"}
    targets = []
    for node in ctx.spec.nodes:
        gpus = [gpu for gpu in ctx.spec.gpus if gpu.node == node.name]
        if not gpus:
            continue
        fs = FamilySet()
        for gpu in gpus:
            labels = {
                "gpu": str(gpu.index),
                "UUID": gpu.uuid,
                "pci_bus_id": gpu.pci_bus_id,
                "device": f"nvidia{gpu.index}",
                "modelName": gpu.model,
                "Hostname": gpu.node,
                "DCGM_FI_DRIVER_VERSION": _DRIVER,
            }
            if gpu.pod is not None:
                labels |= {"namespace": gpu.pod.namespace, "pod": gpu.pod.name, "container": gpu.container}
            for name, (help_text, signal) in _gauges(ctx, gpu).items():
                fs.add(name, "gauge", help_text, labels, signal)
        target_labels = {
            "instance": f"{exporter_pods[node.name].ip}:9400",
            "service": "nvidia-dcgm-exporter",
            "endpoint": "gpu-metrics",
        }
        targets.append(Target(node.name, labelset(target_labels), fs.build()))
    return Exporter("nvidia-dcgm-exporter", False, tuple(targets))
