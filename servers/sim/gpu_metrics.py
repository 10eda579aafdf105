"""NVIDIA dcgm-exporter metrics (job `nvidia-dcgm-exporter`), one target per GPU node.

Labels follow dcgm-exporter: gpu, UUID, pci_bus_id, device (nvidiaN), modelName, Hostname,
DCGM_FI_DRIVER_VERSION, plus namespace/pod/container of the workload when the GPU is allocated.
The `thermal` incident heats one GPU from ~55 to ~88 degC over two hours; power rises with it and the
SM clock drops once the GPU is hot (thermal throttling), while `DCGM_FI_DEV_CLOCK_THROTTLE_REASONS` sets
SW_THERMAL_SLOWDOWN (0x20) at `gpu_throttle_start` and HW_THERMAL_SLOWDOWN (0x40) too at `gpu_hw_thermal`
(idle GPUs report GPU_IDLE, 0x1). The `xid` GPU reports XID 79 (fallen off the bus) from `gpu_xid` on.
A MIG-partitioned GPU exports no GPU_UTIL; its FB and engine/SM/DRAM-activity series are per GPU instance
(`GPU_I_ID`, `GPU_I_PROFILE`, and the pod of the instance). The `idle-allocated` GPU is held by a pod that
never uses it. Profiling fields (dcp-metrics-included.csv) follow the load: SM/DRAM activity, PCIe bytes/s, NVLink
bytes/s on SXM (NVLink) parts only; the `xid` GPU's PCIe replay counter climbs in the half hour before it falls
off the bus.
"""

from __future__ import annotations

from servers.sim.families import Ctx, Exporter, FamilySet, Target, labelset
from servers.sim.signals import Const, Counter, Gauge, Profile, Ramp, Signal, Steps, Switch
from servers.sim.topology import GpuSpec, MigInstance

__all__ = ["dcgm_exporter"]

_DRIVER = "550.90.07"
_IDLE_SM_CLOCK = 210.0
_HEAT_DEG = 33.0
_XID_FELL_OFF_BUS = 79.0
_GPU_IDLE, _SW_THERMAL, _HW_THERMAL = 0x1, 0x20, 0x40
_MIG_SLICES = 7
_MIG_EMPTY_FB_MIB = 13.0  # what DCGM reports used on an empty GPU instance
_MEM_CLOCK_MHZ = {"NVIDIA A100-SXM4-80GB": 1593.0, "NVIDIA L40S": 9001.0}
_REPLAY_LEAD_S = 1800.0  # PCIe replays rise for this long before the XID 79
_PER_INSTANCE = ("DCGM_FI_PROF_GR_ENGINE_ACTIVE", "DCGM_FI_PROF_SM_ACTIVE", "DCGM_FI_PROF_DRAM_ACTIVE")


def _instance_activity(ctx: Ctx, gpu: GpuSpec, gi: MigInstance) -> Profile:
    """Graphics-engine activity ratio of one MIG instance: ~0.45 with a pod, 0 without."""
    if gi.pod is None:
        return Profile(0.0)
    return Profile(0.45, ctx.waves(0.08, "gi", gpu.node, gpu.index, gi.gi_id))


def _util(ctx: Ctx, gpu: GpuSpec) -> Profile:
    """GPU utilisation in percent: busy training, diurnal inference, idle when unallocated."""
    if gpu.mig:
        busy = Profile(0.0)
        for gi in gpu.mig:
            busy += _instance_activity(ctx, gpu, gi).scaled(100.0 * gi.slices / _MIG_SLICES)
        return busy
    if gpu.pod is None or gpu.incident == "idle-allocated":
        return Profile(0.0)
    if gpu.pod.namespace == "ml-training":
        return Profile(93.0, ctx.waves(2.5, "util", gpu.node, gpu.index))
    return Profile(58.0, ctx.waves(16.0, "util", gpu.node, gpu.index))


def _throttle(ctx: Ctx, gpu: GpuSpec) -> Signal:
    """The clock throttle reasons bit mask: GPU_IDLE when unused, thermal slowdown on the hot GPU."""
    if gpu.incident == "thermal":
        inc = ctx.inc
        return Steps(
            0.0, ((inc.gpu_throttle_start, float(_SW_THERMAL)), (inc.gpu_hw_thermal, float(_SW_THERMAL | _HW_THERMAL)))
        )
    idle = (gpu.pod is None and not any(gi.pod for gi in gpu.mig)) or gpu.incident == "idle-allocated"
    return Const(float(_GPU_IDLE if idle else 0))


def _gauges(ctx: Ctx, gpu: GpuSpec) -> dict[str, tuple[str, Signal]]:
    inc = ctx.inc
    util = _util(ctx, gpu)
    busy = util.scaled(0.01)
    heat = Ramp(_HEAT_DEG, inc.gpu_heat_start, inc.gpu_heat_s) if gpu.incident == "thermal" else None
    throttle = Ramp(-300.0, inc.gpu_throttle_start, inc.gpu_throttle_s) if gpu.incident == "thermal" else None
    temp = Profile(34.0) + busy.scaled(23.0)
    power = Profile(0.15 * gpu.tdp_w) + busy.scaled(0.55 * gpu.tdp_w)
    idle = (gpu.pod is None and not gpu.mig) or gpu.incident == "idle-allocated"
    clock = Profile(_IDLE_SM_CLOCK if idle else float(gpu.max_sm_clock))
    if heat is not None and throttle is not None:
        temp += Profile(0.0, (), (heat,))
        power += Profile(0.0, (), (Ramp(0.2 * gpu.tdp_w, heat.start, heat.duration_s),))
        clock += Profile(0.0, (), (throttle,))
    fb_used = 0.0 if gpu.pod is None else {"ml-training": 0.88, "ml-serving": 0.86}.get(gpu.pod.namespace, 0.0)
    if gpu.pod is not None and gpu.model.endswith("L40S"):
        fb_used = 0.2  # a small ResNet on a large card
    if gpu.incident == "idle-allocated":
        fb_used = 0.012  # an imported torch, a CUDA context, nothing else
    reserved = round(0.0065 * gpu.fb_total_mib)
    used = round(fb_used * gpu.fb_total_mib)

    def g(prof: Profile, what: str, noise: float, integer: bool = True, hi: float = 1e12) -> Gauge:
        return Gauge(prof, ctx.key(what, gpu.node, gpu.index), noise, 0.0, hi, integer)

    util_noise = 0.0 if gpu.incident == "idle-allocated" else 2.0
    xid: Signal = Switch(0.0, _XID_FELL_OFF_BUS, inc.gpu_xid) if gpu.incident == "xid" else Const(0.0)
    replays = Profile(0.0)
    if gpu.incident == "xid":
        replays = Profile(0.0, (), (Ramp(0.5, inc.gpu_xid - _REPLAY_LEAD_S, _REPLAY_LEAD_S),))
    activity_noise = 0.01 if gpu.incident != "idle-allocated" else 0.0
    out: dict[str, tuple[str, Signal]] = {
        "DCGM_FI_DEV_GPU_UTIL": ("GPU utilization (in %).", g(util, "util", util_noise, hi=100.0)),
        "DCGM_FI_DEV_GPU_TEMP": ("GPU temperature (in C).", g(temp, "temp", 1.0)),
        "DCGM_FI_DEV_MEMORY_TEMP": ("Memory temperature (in C).", g(temp + Profile(6.0), "mtemp", 1.0)),
        "DCGM_FI_DEV_POWER_USAGE": ("Power draw (in W).", g(power, "power", 6.0, integer=False)),
        "DCGM_FI_DEV_FB_USED": ("Framebuffer memory used (in MiB).", Const(float(used))),
        "DCGM_FI_DEV_FB_FREE": (
            "Framebuffer memory free (in MiB).",
            Const(float(gpu.fb_total_mib - used - reserved)),
        ),
        "DCGM_FI_DEV_SM_CLOCK": ("SM clock frequency (in MHz).", g(clock, "clock", 0.0)),
        "DCGM_FI_DEV_XID_ERRORS": ("Value of the last XID error encountered.", xid),
        "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS": ("Current clock throttle reasons (bit mask).", _throttle(ctx, gpu)),
        "DCGM_FI_DEV_POWER_MGMT_LIMIT": ("Power management limit (in W).", Const(gpu.tdp_w)),
        "DCGM_FI_PROF_GR_ENGINE_ACTIVE": (
            "Ratio of time the graphics engine is active.",
            g(busy.scaled(0.94), "gr", activity_noise, integer=False, hi=1.0),
        ),
        "DCGM_FI_PROF_SM_ACTIVE": (
            "The ratio of cycles an SM has at least 1 warp assigned.",
            g(busy.scaled(0.88), "sm", activity_noise, integer=False, hi=1.0),
        ),
        "DCGM_FI_PROF_DRAM_ACTIVE": (
            "Ratio of cycles the device memory interface is active sending or receiving data.",
            g(busy.scaled(0.52), "dram", activity_noise, integer=False, hi=1.0),
        ),
        "DCGM_FI_DEV_MEM_CLOCK": ("Memory clock frequency (in MHz).", Const(_MEM_CLOCK_MHZ.get(gpu.model, 1500.0))),
        "DCGM_FI_PROF_PCIE_TX_BYTES": (
            "The rate of data transmitted over the PCIe bus, in bytes per second.",
            g(busy.scaled(2.4e9) + Profile(2.0e6), "pcie-tx", 5.0e7),
        ),
        "DCGM_FI_PROF_PCIE_RX_BYTES": (
            "The rate of data received over the PCIe bus, in bytes per second.",
            g(busy.scaled(5.1e9) + Profile(3.0e6), "pcie-rx", 8.0e7),
        ),
        "DCGM_FI_DEV_PCIE_REPLAY_COUNTER": ("Total number of PCIe retries.", Counter(replays, inc.anchor - 86400.0)),
    }
    if "SXM" in gpu.model:  # NVLink-connected parts only
        out["DCGM_FI_PROF_NVLINK_TX_BYTES"] = (
            "The rate of data transmitted over NVLink, in bytes per second.",
            g(busy.scaled(1.9e10), "nvl-tx", 2.0e8),
        )
        out["DCGM_FI_PROF_NVLINK_RX_BYTES"] = (
            "The rate of data received over NVLink, in bytes per second.",
            g(busy.scaled(1.8e10), "nvl-rx", 2.0e8),
        )
    if gpu.mig:  # MIG mode: no whole-GPU utilisation, FB and engine activity per GPU instance instead
        for name in ("DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE", *_PER_INSTANCE):
            del out[name]
    return out


def _mig_series(ctx: Ctx, fs: FamilySet, gpu: GpuSpec, labels: dict[str, str]) -> None:
    """FB used/free and graphics-engine activity of each MIG instance of `gpu`."""
    help_text = {
        "DCGM_FI_DEV_FB_USED": "Framebuffer memory used (in MiB).",
        "DCGM_FI_DEV_FB_FREE": "Framebuffer memory free (in MiB).",
        "DCGM_FI_PROF_GR_ENGINE_ACTIVE": "Ratio of time the graphics engine is active.",
        "DCGM_FI_PROF_SM_ACTIVE": "The ratio of cycles an SM has at least 1 warp assigned.",
        "DCGM_FI_PROF_DRAM_ACTIVE": "Ratio of cycles the device memory interface is active sending or receiving data.",
    }
    for gi in gpu.mig:
        gi_labels = labels | {"GPU_I_ID": str(gi.gi_id), "GPU_I_PROFILE": gi.profile}
        if gi.pod is not None:
            gi_labels |= {"namespace": gi.pod.namespace, "pod": gi.pod.name, "container": gi.container}
        used = round(0.72 * gi.fb_total_mib) if gi.pod is not None else _MIG_EMPTY_FB_MIB
        activity = _instance_activity(ctx, gpu, gi)
        noise = 0.01 if gi.pod is not None else 0.0
        key = ctx.key("gi", gpu.node, gpu.index, gi.gi_id)
        signals: dict[str, Signal] = {
            "DCGM_FI_DEV_FB_USED": Const(float(used)),
            "DCGM_FI_DEV_FB_FREE": Const(float(gi.fb_total_mib - used)),
            "DCGM_FI_PROF_GR_ENGINE_ACTIVE": Gauge(activity, key, noise, 0.0, 1.0),
            "DCGM_FI_PROF_SM_ACTIVE": Gauge(activity.scaled(0.93), key + 1, noise, 0.0, 1.0),
            "DCGM_FI_PROF_DRAM_ACTIVE": Gauge(activity.scaled(0.55), key + 2, noise, 0.0, 1.0),
        }
        for name, signal in signals.items():
            fs.add(name, "gauge", help_text[name], gi_labels, signal)


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
            _mig_series(ctx, fs, gpu, labels)
        target_labels = {
            "instance": f"{exporter_pods[node.name].ip}:9400",
            "service": "nvidia-dcgm-exporter",
            "endpoint": "gpu-metrics",
        }
        targets.append(Target(node.name, labelset(target_labels), fs.build()))
    return Exporter("nvidia-dcgm-exporter", False, tuple(targets))
