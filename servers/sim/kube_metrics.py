"""kube-state-metrics (job `kube-state-metrics`, honor_labels): nodes, pods, containers, deployments.

The `crashloop` incident makes one pod's container restart every few minutes from the incident start;
its Deployment loses one available replica for a while after each restart.
"""

from __future__ import annotations

from servers.sim.families import Ctx, Exporter, FamilySet, Target, labelset
from servers.sim.signals import Const, Dip, EventCount, Signal
from servers.sim.topology import PodSpec

__all__ = ["kube_state_metrics_exporter"]

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


def _deployments(ctx: Ctx, fs: FamilySet) -> None:
    for name, (namespace, replicas) in ctx.spec.deployments.items():
        crashing = [p for p in ctx.spec.pods if p.owner_name.startswith(name) and p.incident == "crashloop"]
        available: Signal = Const(float(replicas))
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
    _deployments(ctx, fs)
    labels = {"instance": "10.128.2.8:8443", "service": "kube-state-metrics", "endpoint": "https-main"}
    return Exporter("kube-state-metrics", True, (Target("kube-state-metrics", labelset(labels), fs.build()),))
