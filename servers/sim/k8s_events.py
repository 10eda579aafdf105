"""Core v1 Events at time t, derived from the incident timetable (events live 3 h, like OpenShift's TTL).

Repeated occurrences with the same reason and message are one Event with `count` and first/last
timestamps, as the kubelet's event aggregation does. hub: readiness-probe failures on every payments-api
pod once the CPU saturates; for each OOM kill a node `OOMKilling` warning, `BackOff` warnings while the
container waits, then `Pulled`/`Created`/`Started`. gpu-spoke: thermal-slowdown warnings on the hot GPU's
node and one `GPUXidError` (XID 79) warning. telco-edge: the PTP offset crossing its threshold, then the
LOCKED -> HOLDOVER transition (and HOLDOVER -> FREERUN with `ptp_freerun`); the SR-IOV `FailedScheduling` of
the pod that finds no free VF.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servers.sim.incidents import Incidents
from servers.sim.k8s_common import meta, ts
from servers.sim.k8s_workloads import unschedulable_message
from servers.sim.model import ClusterModel
from servers.sim.signals import stable_key
from servers.sim.topology import PodSpec

__all__ = ["EVENT_TTL_S", "events"]

EVENT_TTL_S = 3 * 3600.0


@dataclass(frozen=True)
class _Source:
    """Who an event is about and who reports it."""

    namespace: str
    involved: tuple[tuple[str, str], ...]
    component: str
    host: str


def _pod_ref(pod: PodSpec, container: str) -> _Source:
    ref = {"kind": "Pod", "namespace": pod.namespace, "name": pod.name, "uid": pod.uid, "apiVersion": "v1"}
    ref["fieldPath"] = f"spec.containers{{{container}}}"
    return _Source(pod.namespace, tuple(ref.items()), "kubelet", pod.node)


def _node_ref(node: str, component: str) -> _Source:
    return _Source("default", (("kind", "Node"), ("name", node), ("uid", node)), component, node)


Occurrence = tuple[float, _Source, str, str, str]  # time, source, type, reason, message


def _payments(model: ClusterModel, t: float) -> list[Occurrence]:
    inc = Incidents(model.anchor)
    out: list[Occurrence] = []
    since = max(inc.saturation_start, t - EVENT_TTL_S)
    for pod in (p for p in model.spec.pods if any(c.incident == "cpu-saturation" for c in p.containers)):
        c = pod.containers[0]
        src = _pod_ref(pod, c.name)
        every = 30.0 if pod.incident == "crashloop" else 60.0
        probe = (
            f'Readiness probe failed: Get "http://{pod.ip}:8080/healthz": context deadline exceeded '
            "(Client.Timeout exceeded while awaiting headers)"
        )
        first = inc.saturation_start + 17.0 + (stable_key("probe", pod.name) % 20)
        n = max(0, int((since - first) // every))
        while (at := first + n * every) <= t:
            if pod.incident != "crashloop" or not inc.backing_off(at):
                out.append((at, src, "Warning", "Unhealthy", probe))
            n += 1
        if pod.incident != "crashloop":
            continue
        last = inc.restart_index(t)
        first_k = inc.restart_index(t - EVENT_TTL_S) or 0
        for k in range(first_k, -1 if last is None else last + 1):
            kill = inc.restart_time(k)
            back = kill + inc.restart_down_s
            pid = 40000 + stable_key("pid", model.seed, k) % 20000
            oom = (
                f"Memory cgroup out of memory: Killed process {pid} (payments-api) total-vm:2234568kB, "
                "anon-rss:1046132kB, file-rss:31240kB, shmem-rss:0kB, UID:1000690000 pgtables:2312kB "
                "oom_score_adj:984"
            )
            out.append((kill, _node_ref(pod.node, "kernel-monitor"), "Warning", "OOMKilling", oom))
            backoff = f"Back-off restarting failed container {c.name} in pod {pod.name}_{pod.namespace}({pod.uid})"
            out += [(kill + s, src, "Warning", "BackOff", backoff) for s in range(10, int(inc.restart_down_s), 20)]
            pulled = f'Container image "{c.image}" already present on machine'
            out.append((back, src, "Normal", "Pulled", pulled))
            out.append((back + 0.4, src, "Normal", "Created", f"Created container {c.name}"))
            out.append((back + 0.6, src, "Normal", "Started", f"Started container {c.name}"))
    return out


def _xid(model: ClusterModel, t: float) -> list[Occurrence]:
    inc = Incidents(model.anchor)
    out: list[Occurrence] = []
    for gpu in (g for g in model.spec.gpus if g.incident == "xid"):
        message = (
            f"XID 79 on GPU {gpu.index} ({gpu.uuid}, {gpu.model}, PCI {gpu.pci_bus_id}): GPU has fallen off the bus"
        )
        src = _node_ref(gpu.node, "dcgm-health-monitor")
        out += [(inc.gpu_xid, src, "Warning", "GPUXidError", message)] if inc.gpu_xid <= t else []
    return out


def _gpu(model: ClusterModel, t: float) -> list[Occurrence]:
    inc = Incidents(model.anchor)
    hot = next((g for g in model.spec.gpus if g.incident == "thermal"), None)
    if hot is None:
        return []
    labels = {"Hostname": hot.node, "gpu": str(hot.index)}
    temp = model.signal("nvidia-dcgm-exporter", hot.node, "DCGM_FI_DEV_GPU_TEMP", **labels)
    clock = model.signal("nvidia-dcgm-exporter", hot.node, "DCGM_FI_DEV_SM_CLOCK", **labels)
    if temp is None or clock is None:
        return []
    out: list[Occurrence] = []
    at = inc.gpu_throttle_start
    while at <= t:
        if at >= t - EVENT_TTL_S:
            message = (
                f"GPU {hot.index} ({hot.uuid}, {hot.model}) clocks throttled: HW_THERMAL_SLOWDOWN, "
                f"temperature {temp(at):.0f} C, SM clock {clock(at):.0f} MHz"
            )
            out.append((at, _node_ref(hot.node, "dcgm-health-monitor"), "Warning", "GPUThermalSlowdown", message))
        at += 300.0
    return out


def _ptp(model: ClusterModel, t: float) -> list[Occurrence]:
    inc = Incidents(model.anchor)
    follower = next((n for n, role in model.spec.ptp_nodes.items() if role == "follower"), None)
    if follower is None:
        return []
    offset = model.signal("ptp-monitor-service", follower, "openshift_ptp_offset_ns", process="ptp4l")
    if offset is None:
        return []
    src = _node_ref(follower, "linuxptp-daemon")
    out: list[Occurrence] = []
    crossing = next((x for x in range(int(inc.ptp_drift_start), int(inc.ptp_holdover), 4) if offset(x) > 100), None)
    if crossing is not None:
        message = f"ptp4l offset {offset(crossing):.0f} ns on ens2fx exceeds MaxOffsetThreshold 100 ns"
        out.append((float(crossing), src, "Warning", "PtpOffsetThresholdExceeded", message))
    message = (
        f"ptp4l clock on ens2fx (profile du-follower) changed LOCKED -> HOLDOVER: offset "
        f"{offset(inc.ptp_holdover):.0f} ns outside [-100, 100] ns"
    )
    out.append((inc.ptp_holdover, src, "Warning", "PtpClockHoldover", message))
    if model.spec.ptp_freerun:
        message = (
            f"ptp4l clock on ens2fx (profile du-follower) changed HOLDOVER -> FREERUN: holdover timeout "
            f"{inc.ptp_holdover_timeout_s:.0f}s expired, clock class 135 -> 248"
        )
        out.append((inc.ptp_freerun, src, "Warning", "PtpClockFreerun", message))
    return [o for o in out if o[0] <= t]


def _sriov(model: ClusterModel, t: float) -> list[Occurrence]:
    """FailedScheduling of each pending pod, at creation and at every scheduler retry."""
    inc = Incidents(model.anchor)
    out: list[Occurrence] = []
    for pod in model.spec.pending_pods:
        ref = {"kind": "Pod", "namespace": pod.namespace, "name": pod.name, "uid": pod.uid, "apiVersion": "v1"}
        src = _Source(pod.namespace, tuple(ref.items()), "default-scheduler", "")
        message = unschedulable_message(model, pod)
        first = max(0, int((t - EVENT_TTL_S - inc.sriov_pending) // inc.sriov_retry_s))
        k = first
        while (at := inc.sriov_pending + k * inc.sriov_retry_s) <= t:
            out.append((at, src, "Warning", "FailedScheduling", message))
            k += 1
    return out


def events(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The Events of every namespace at `t`."""
    grouped: dict[tuple[_Source, str, str, str], list[float]] = {}
    for at, src, kind, reason, message in (
        _payments(model, t) + _gpu(model, t) + _xid(model, t) + _ptp(model, t) + _sriov(model, t)
    ):
        grouped.setdefault((src, kind, reason, message), []).append(at)
    out: list[dict[str, Any]] = []
    for (src, kind, reason, message), times in grouped.items():
        first, last = min(times), max(times)
        if last < t - EVENT_TTL_S:
            continue
        involved = dict(src.involved)
        name = f"{involved['name']}.{round(first * 1e9):x}"
        m = meta(name, first, namespace=src.namespace)
        out.append(
            {
                "metadata": m,
                "involvedObject": involved,
                "reason": reason,
                "message": message,
                "source": {"component": src.component, "host": src.host},
                "firstTimestamp": ts(first),
                "lastTimestamp": ts(last),
                "count": len(times),
                "type": kind,
                "eventTime": None,
                "reportingComponent": src.component,
                "reportingInstance": src.host,
            }
        )
    out.sort(key=lambda e: (e["metadata"]["namespace"], e["lastTimestamp"], e["metadata"]["name"]))
    return out
