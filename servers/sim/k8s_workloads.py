"""Nodes, pods and their controllers as the Kubernetes API returns them at time t.

Pod status follows the metrics: restart counts are kube-state-metrics' counters; the crash-looping
payments-api pod is OOMKilled (exit 137) at each restart, waits in CrashLoopBackOff for
`restart_down_s`, then runs again; its Deployment's available replicas (and `Available` condition) dip
with it, exactly like `kube_deployment_status_replicas_available`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servers.sim.incidents import Incidents
from servers.sim.k8s_common import cpu_quantity, mem_quantity, meta, ts
from servers.sim.kube_metrics import gpu_requests
from servers.sim.model import ClusterModel
from servers.sim.signals import stable_key
from servers.sim.sriov import pod_annotations
from servers.sim.topology import ContainerSpec, PodSpec

__all__ = ["Instance", "container_instances", "pod_created", "pods", "unschedulable_message"]

_DAY = 86400.0
_KSM = ("kube-state-metrics", "kube-state-metrics")


@dataclass(frozen=True)
class Instance:
    """One run of a container: when it started, when it ended (None while running), its id."""

    start: float
    end: float | None
    container_id: str


def pod_created(model: ClusterModel, pod: PodSpec) -> float:
    """When the pod was created: ten minutes after its node booted (when its counters start)."""
    node = next(n for n in model.spec.nodes if n.name == pod.node)
    return model.anchor - node.uptime_days * _DAY + 600.0


def _cid(pod: PodSpec, container: str, run: int) -> str:
    return "cri-o://" + "".join(f"{stable_key('cid', pod.name, container, run, i):016x}" for i in range(4))


def container_instances(
    model: ClusterModel, pod: PodSpec, container: str, t: float
) -> tuple[Instance, Instance | None]:
    """(current, previous) runs of a container at `t`; during CrashLoopBackOff the current one has ended."""
    created = pod_created(model, pod)
    inc = Incidents(model.anchor)
    k = inc.restart_index(t) if pod.incident == "crashloop" else None
    if k is None:
        return Instance(created, None, _cid(pod, container, 0)), None

    def run(j: int) -> Instance:
        start = created if j == 0 else inc.restart_time(j - 1) + inc.restart_down_s
        end = inc.restart_time(j) if j <= k else None
        return Instance(start, end, _cid(pod, container, j))

    if inc.backing_off(t):
        return run(k), run(k - 1) if k > 0 else None
    return run(k + 1), run(k)


def _container(c: ContainerSpec, extended: dict[str, str]) -> dict[str, Any]:
    requests = {"cpu": cpu_quantity(round(c.cpu_use * 0.8, 2) or 0.01), "memory": mem_quantity(c.mem_use)}
    limits = {k: v for k, v in (("cpu", c.cpu_limit), ("memory", c.mem_limit)) if v is not None}
    out: dict[str, Any] = {"name": c.name, "image": c.image, "imagePullPolicy": "IfNotPresent"}
    resources: dict[str, Any] = {"requests": requests | extended}
    if limits or extended:
        quantities = {k: cpu_quantity(v) if k == "cpu" else mem_quantity(int(v)) for k, v in limits.items()}
        resources["limits"] = quantities | extended  # extended resources: limits = requests
    out["resources"] = resources
    if c.incident == "cpu-saturation":
        out["ports"] = [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
        probe = {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"}, "timeoutSeconds": 1}
        out["readinessProbe"] = probe | {"periodSeconds": 10, "failureThreshold": 3}
        out["livenessProbe"] = probe | {"periodSeconds": 20, "failureThreshold": 6}
        out["envFrom"] = [{"configMapRef": {"name": "payments-api-config"}}]
    out["terminationMessagePath"] = "/dev/termination-log"
    return out


def _status(model: ClusterModel, pod: PodSpec, c: ContainerSpec, t: float) -> tuple[dict[str, Any], bool]:
    restarts = model.signal(*_KSM, "kube_pod_container_status_restarts_total", pod=pod.name, container=c.name)
    count = int(restarts(t)) if restarts is not None else 0
    current, previous = container_instances(model, pod, c.name, t)
    image_id = c.image.rsplit(":", 1)[0] + f"@sha256:{stable_key('img', c.image):016x}" + "0" * 48
    status: dict[str, Any] = {"name": c.name, "image": c.image, "imageID": image_id}
    status["containerID"] = current.container_id
    ready = current.end is None
    if current.end is None:
        status["state"] = {"running": {"startedAt": ts(current.start)}}
    else:
        message = f"back-off 2m40s restarting failed container={c.name} pod={pod.name}_{pod.namespace}({pod.uid})"
        status["state"] = {"waiting": {"reason": "CrashLoopBackOff", "message": message}}
    ended = current if current.end is not None else previous
    if ended is not None and ended.end is not None:
        term = {"exitCode": 137, "reason": "OOMKilled", "startedAt": ts(ended.start), "finishedAt": ts(ended.end)}
        status["lastState"] = {"terminated": term | {"containerID": ended.container_id}}
    elif count:
        old = pod_created(model, pod) + 3600.0 * count
        term = {"exitCode": 1, "reason": "Error", "startedAt": ts(old - 3600), "finishedAt": ts(old)}
        status["lastState"] = {"terminated": term}
        status["state"] = {"running": {"startedAt": ts(max(old + 12, current.start))}}
    else:
        status["lastState"] = {}
    status |= {"ready": ready, "restartCount": count, "started": ready}
    return status, ready


def _owner(model: ClusterModel, pod: PodSpec) -> dict[str, Any]:
    api = {"ReplicaSet": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "Node": "v1"}
    return {
        "apiVersion": api.get(pod.owner_kind, "kubeflow.org/v1"),
        "kind": pod.owner_kind,
        "name": pod.owner_name,
        "uid": meta(pod.owner_name, 0, namespace=pod.namespace)["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def _conditions(created: float, ready: bool, changed: float) -> list[dict[str, Any]]:
    out = []
    for kind in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"):
        readiness = kind in ("Ready", "ContainersReady")
        status = "False" if readiness and not ready else "True"
        when = ts(changed if readiness else created)
        out.append({"type": kind, "status": status, "lastProbeTime": None, "lastTransitionTime": when})
    return out


def _extended(model: ClusterModel, pod: PodSpec, c: ContainerSpec) -> dict[str, str]:
    gpus = {k: str(v) for k, v in gpu_requests(model.spec).get((pod.name, c.name), {}).items()}
    return dict(c.extended) | gpus


def _pending(model: ClusterModel, pod: PodSpec, t: float) -> dict[str, Any] | None:
    """A pod the scheduler cannot place: no nodeName, PodScheduled False (Unschedulable)."""
    inc = Incidents(model.anchor)
    if t < inc.sriov_pending:
        return None
    labels = {"app": pod.app}
    if pod.owner_kind == "ReplicaSet":
        labels["pod-template-hash"] = pod.owner_name.rsplit("-", 1)[1]
    annotations = pod_annotations(model.spec, pod, running=False)
    m = meta(pod.name, inc.sriov_pending, namespace=pod.namespace, labels=labels, owner=_owner(model, pod), uid=pod.uid)
    m["annotations"] = annotations
    condition = {
        "type": "PodScheduled",
        "status": "False",
        "lastProbeTime": None,
        "lastTransitionTime": ts(inc.sriov_pending),
        "reason": "Unschedulable",
        "message": unschedulable_message(model, pod),
    }
    spec = {
        "containers": [_container(c, _extended(model, pod, c)) for c in pod.containers],
        "nodeSelector": {"kubernetes.io/hostname": pod.node},
        "restartPolicy": "Always",
        "serviceAccountName": "default",
        "schedulerName": "default-scheduler",
        "terminationGracePeriodSeconds": 30,
    }
    return {
        "metadata": m,
        "spec": spec,
        "status": {"phase": "Pending", "conditions": [condition], "qosClass": "Burstable"},
    }


def unschedulable_message(model: ClusterModel, pod: PodSpec) -> str:
    """The scheduler's FailedScheduling message for a pending pod that asks for a VF its node has none left of."""
    n = len(model.spec.nodes)
    short = [k for c in pod.containers for k, _ in c.extended if k.startswith("openshift.io/")]
    return (
        f"0/{n} nodes are available: 1 Insufficient {short[0] if short else 'cpu'}, {n - 1} node(s) didn't match "
        f"Pod's node affinity/selector. preemption: 0/{n} nodes are available: 1 No preemption victims found for "
        f"incoming pod, {n - 1} Preemption is not helpful for scheduling."
    )


def pods(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """Every pod of the cluster, with its status at `t` (pending ones last)."""
    out = []
    nodes = {n.name: n for n in model.spec.nodes}
    for pod in model.spec.pods:
        created = pod_created(model, pod)
        labels = {"app": pod.app}
        if pod.owner_kind == "ReplicaSet":
            labels["pod-template-hash"] = pod.owner_name.rsplit("-", 1)[1]
        statuses = [_status(model, pod, c, t) for c in pod.containers]
        ready = all(r for _, r in statuses)
        current, _ = container_instances(model, pod, pod.containers[0].name, t)
        changed = current.start if current.end is None else current.end
        host_ip = nodes[pod.node].ip
        status = {
            "phase": "Running",
            "conditions": _conditions(created, ready, changed),
            "hostIP": host_ip,
            "hostIPs": [{"ip": host_ip}],
            "podIP": pod.ip,
            "podIPs": [{"ip": pod.ip}],
            "startTime": ts(created),
            "containerStatuses": [s for s, _ in statuses],
            "qosClass": "Burstable",
        }
        spec = {
            "containers": [_container(c, _extended(model, pod, c)) for c in pod.containers],
            "nodeName": pod.node,
            "restartPolicy": "Always",
            "serviceAccountName": "default",
            "schedulerName": "default-scheduler",
            "terminationGracePeriodSeconds": 30,
            "hostNetwork": pod.ip == host_ip,
        }
        m = meta(pod.name, created, namespace=pod.namespace, labels=labels, owner=_owner(model, pod), uid=pod.uid)
        if annotations := pod_annotations(model.spec, pod, running=True):
            m["annotations"] = annotations
        out.append({"metadata": m, "spec": spec, "status": status})
    out += [p for pod in model.spec.pending_pods if (p := _pending(model, pod, t)) is not None]
    return out
