"""kube-state-metrics (job `kube-state-metrics`, honor_labels): nodes, pods, containers, deployments.

The `crashloop` incident makes one pod's container restart every few minutes from the incident start;
its Deployment loses one available replica for a while after each restart.
"""

from __future__ import annotations

from servers.sim.families import Ctx, Exporter, FamilySet, Target, labelset
from servers.sim.signals import Const, Dip, EventCount, Signal
from servers.sim.topology import ClusterSpec, PodSpec

__all__ = ["gpu_requests", "kube_state_metrics_exporter"]

_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure")


def _restarts(ctx: Ctx, pod: PodSpec) -> EventCount:
    background = float(ctx.key("restarts", pod.name) % 3)  # a few old restarts, never growing
    if pod.incident == "crashloop":
        return EventCount(ctx.inc.restarts_start, ctx.inc.restart_every_s, background)
    return EventCount(float("inf"), 1.0, background)


def _nodes(ctx: Ctx, fs: FamilySet) -> None:
    rel = ctx.spec.release
    for node in ctx.spec.nodes:
        fs.add(
            "kube_node_info",
            "gauge",
            "Information about a cluster node.",
            {
                "node": node.name,
                "kernel_version": rel.kernel,
                "os_image": rel.rhcos,
                "container_runtime_version": rel.crio,
                "kubelet_version": rel.git_version,
                "kubeproxy_version": "deprecated",
                "provider_id": ctx.spec.provider_id(node.name),
                "internal_ip": node.ip,
                "system_uuid": ctx.spec.system_uuid(node.name),
            },
            Const(1.0),
        )
        for condition in _CONDITIONS:
            healthy = "true" if condition == "Ready" else "false"
            for status in ("true", "false", "unknown"):
                fs.add(
                    "kube_node_status_condition",
                    "gauge",
                    "The condition of a cluster node.",
                    {"node": node.name, "condition": condition, "status": status},
                    Const(1.0 if status == healthy else 0.0),
                )


def _pods(ctx: Ctx, fs: FamilySet) -> None:
    nodes = {n.name: n for n in ctx.spec.nodes}
    for pod in ctx.spec.pods:
        fs.add(
            "kube_pod_info",
            "gauge",
            "Information about pod.",
            {
                "namespace": pod.namespace,
                "pod": pod.name,
                "uid": pod.uid,
                "host_ip": nodes[pod.node].ip,
                "pod_ip": pod.ip,
                "node": pod.node,
                "created_by_kind": pod.owner_kind,
                "created_by_name": pod.owner_name,
                "priority_class": "system-node-critical" if pod.namespace.startswith("openshift-") else "",
                "host_network": "true" if pod.ip == nodes[pod.node].ip else "false",
            },
            Const(1.0),
        )
        for c in pod.containers:
            ids = {"namespace": pod.namespace, "pod": pod.name, "uid": pod.uid, "container": c.name}
            fs.add(
                "kube_pod_container_status_restarts_total",
                "counter",
                "The number of container restarts per container.",
                ids,
                _restarts(ctx, pod),
            )
            limits: list[tuple[str, str, float | int | None]] = [
                ("cpu", "core", c.cpu_limit),
                ("memory", "byte", c.mem_limit),
            ]
            for resource, unit, value in limits:
                if value is None:
                    continue
                fs.add(
                    "kube_pod_container_resource_limits",
                    "gauge",
                    "The number of requested limit resource by a container.",
                    {**ids, "node": pod.node, "resource": resource, "unit": unit},
                    Const(float(value)),
                )


def gpu_requests(spec: ClusterSpec) -> dict[tuple[str, str], dict[str, int]]:
    """Extended GPU resources each (pod, container) requests: `nvidia.com/gpu` and `nvidia.com/mig-<profile>`."""
    out: dict[tuple[str, str], dict[str, int]] = {}
    for gpu in spec.gpus:
        if gpu.pod is not None:
            res = out.setdefault((gpu.pod.name, gpu.container), {})
            res["nvidia.com/gpu"] = res.get("nvidia.com/gpu", 0) + 1
        for gi in gpu.mig:
            if gi.pod is not None:
                res = out.setdefault((gi.pod.name, gi.container), {})
                res[f"nvidia.com/mig-{gi.profile}"] = res.get(f"nvidia.com/mig-{gi.profile}", 0) + 1
    return out


def _gpu_requests(ctx: Ctx, fs: FamilySet) -> None:
    pods = {p.name: p for p in ctx.spec.pods}
    for (pod_name, container), resources in gpu_requests(ctx.spec).items():
        pod = pods[pod_name]
        for resource, count in resources.items():
            labels = {"namespace": pod.namespace, "pod": pod.name, "uid": pod.uid, "container": container}
            # kube-state-metrics sanitises the resource name: nvidia.com/gpu -> nvidia_com_gpu.
            labels |= {"node": pod.node, "resource": resource.replace(".", "_").replace("/", "_").replace("-", "_")}
            fs.add(
                "kube_pod_container_resource_requests",
                "gauge",
                "The number of requested request resource by a container.",
                labels | {"unit": "integer"},
                Const(float(count)),
            )


def _deployments(ctx: Ctx, fs: FamilySet) -> None:
    for name, (namespace, replicas) in ctx.spec.deployments.items():
        crashing = [p for p in ctx.spec.pods if p.owner_name.startswith(name) and p.incident == "crashloop"]
        pending = sum(1 for p in ctx.spec.pending_pods if p.app == name and p.namespace == namespace)
        available: Signal = Const(float(replicas - pending))
        if crashing:
            events = _restarts(ctx, crashing[0])
            available = Dip(float(replicas), 1.0, ctx.inc.restart_down_s, events)
        ids = {"namespace": namespace, "deployment": name}
        fs.add(
            "kube_deployment_spec_replicas",
            "gauge",
            "Number of desired pods for a deployment.",
            ids,
            Const(float(replicas)),
        )
        fs.add(
            "kube_deployment_status_replicas_available",
            "gauge",
            "The number of available replicas per deployment.",
            ids,
            available,
        )


def kube_state_metrics_exporter(ctx: Ctx) -> Exporter:
    """One kube-state-metrics instance describing the whole cluster."""
    fs = FamilySet()
    _nodes(ctx, fs)
    _pods(ctx, fs)
    _gpu_requests(ctx, fs)
    _deployments(ctx, fs)
    labels = {"instance": "10.128.2.8:8443", "service": "kube-state-metrics", "endpoint": "https-main"}
    return Exporter("kube-state-metrics", True, (Target("kube-state-metrics", labelset(labels), fs.build()),))
