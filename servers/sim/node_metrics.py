"""node-exporter metrics (job `node-exporter`, instance = node name as on OpenShift), one target per node.

Node CPU is derived from the containers scheduled on the node plus system overhead, so a saturated
namespace also shows on its nodes. Per-mode CPU counters sum to exactly one second per second per CPU.
"""

from __future__ import annotations

from servers.sim.cadvisor_metrics import container_cpu, container_memory
from servers.sim.families import Ctx, Exporter, FamilySet, Target, labelset
from servers.sim.signals import Const, Counter, Gauge, Profile, Ramp
from servers.sim.topology import NodeSpec, pod_name

__all__ = ["node_exporter"]

_GIB = 1024**3
_MODES = ("idle", "iowait", "system", "user")
_DISKS = (
    ("/dev/nvme0n1p4", "xfs", "/sysroot", 119 * _GIB),
    ("/dev/nvme0n1p3", "ext4", "/boot", 350 * 1024**2),
)
_NICS = (("ens3", 6.0e6), ("br-ex", 5.2e6))  # device, typical receive bytes/s


def _busy_cores(ctx: Ctx, node: NodeSpec) -> Profile:
    busy = Profile(0.25 + 0.02 * node.cpus, ctx.waves(0.05, "sys", node.name))
    for pod in ctx.spec.pods_on(node.name):
        for c in pod.containers:
            busy += container_cpu(ctx, pod, c)
    return busy


def _cpu_counters(ctx: Ctx, fs: FamilySet, node: NodeSpec, boot: float) -> None:
    busy = _busy_cores(ctx, node)
    # Uneven spread over CPUs (+-8%), normalised so the per-CPU shares add up to the node total.
    weights = [1.0 + 0.08 * (((ctx.key("cpu-w", node.name, i) & 0xFF) / 255.0) * 2 - 1) for i in range(node.cpus)]
    norm = sum(weights)
    for cpu, w in enumerate(weights):
        share = busy.scaled(w / norm)
        iowait = Profile(0.004, ctx.waves(0.002, "iowait", node.name, cpu))
        rates = {
            "user": share.scaled(0.8),
            "system": share.scaled(0.2),
            "iowait": iowait,
            "idle": Profile(1.0) + share.scaled(-1.0) + iowait.scaled(-1.0),
        }
        for mode in _MODES:
            fs.add(
                "node_cpu_seconds_total",
                "counter",
                "Seconds the CPUs spent in each mode.",
                {"cpu": str(cpu), "mode": mode},
                Counter(rates[mode], boot),
            )


def _node_families(ctx: Ctx, node: NodeSpec) -> FamilySet:
    fs = FamilySet()
    boot = ctx.boot_time(node.uptime_days)
    _cpu_counters(ctx, fs, node, boot)
    used = Profile(2.5 * _GIB + 0.04 * node.mem_bytes, ctx.waves(0.1 * _GIB, "memsys", node.name))
    for pod in ctx.spec.pods_on(node.name):
        for c in pod.containers:
            used += container_memory(ctx, pod, c)
    fs.add(
        "node_memory_MemAvailable_bytes",
        "gauge",
        "Memory information field MemAvailable_bytes.",
        {},
        Gauge(Profile(float(node.mem_bytes)) + used.scaled(-1.0), ctx.key("memavail", node.name), 2e7, 0.0),
    )
    fs.add(
        "node_memory_MemTotal_bytes",
        "gauge",
        "Memory information field MemTotal_bytes.",
        {},
        Const(float(node.mem_bytes)),
    )
    fs.add(
        "node_load1",
        "gauge",
        "1m load average.",
        {},
        Gauge(_busy_cores(ctx, node).scaled(1.1), ctx.key("load1", node.name), 0.2, 0.0),
    )
    for device, fstype, mount, size in _DISKS:
        # The root filesystem fills slowly (container images, logs): about 2% of the disk per day.
        fill = Ramp(-0.02 * size, ctx.anchor - 86400.0, 86400.0)
        avail = Profile(0.55 * size, (), (fill,)) if mount == "/sysroot" else Profile(0.62 * size)
        fs.add(
            "node_filesystem_avail_bytes",
            "gauge",
            "Filesystem space available to non-root users in bytes.",
            {"device": device, "fstype": fstype, "mountpoint": mount},
            Gauge(avail, ctx.key("fs", node.name, mount), 4096.0 * 64, 0.0),
        )
    for nic, rate in _NICS:
        fs.add(
            "node_network_receive_bytes_total",
            "counter",
            "Network device statistic receive_bytes.",
            {"device": nic},
            Counter(ctx.level(rate, 0.4, "rx", node.name, nic), boot),
        )
    return fs


def node_exporter(ctx: Ctx) -> Exporter:
    """node-exporter on every node, labelled the way OpenShift's cluster monitoring scrapes it."""
    targets = []
    for i, node in enumerate(ctx.spec.nodes):
        labels = {
            "instance": node.name,
            "namespace": "openshift-monitoring",
            "pod": pod_name("DaemonSet", "node-exporter", i),
            "service": "node-exporter",
            "endpoint": "https",
            "container": "kube-rbac-proxy",
        }
        targets.append(Target(node.name, labelset(labels), _node_families(ctx, node).build()))
    return Exporter("node-exporter", False, tuple(targets))
