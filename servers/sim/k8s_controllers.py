"""Nodes, namespaces and the pod controllers (Deployments, StatefulSets, DaemonSets) at time t."""

from __future__ import annotations

import math
from typing import Any

from servers.sim.k8s_common import cpu_quantity, install_time, meta, ts
from servers.sim.k8s_workloads import pod_created, pods
from servers.sim.model import ClusterModel

__all__ = ["daemonsets", "deployments", "namespaces", "nodes", "statefulsets"]

_DAY = 86400.0
_BASE_NAMESPACES = ("default", "kube-system", "kube-public", "openshift", "openshift-config", "openshift-monitoring")


def nodes(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """Every node, Ready, with capacity, addresses and nodeInfo consistent with kube_node_info."""
    spec, rel = model.spec, model.spec.release
    out = []
    for node in spec.nodes:
        boot = model.anchor - node.uptime_days * _DAY
        gpus = [g for g in spec.gpus if g.node == node.name]
        labels = {
            "beta.kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": node.name,
            "kubernetes.io/os": "linux",
            f"node-role.kubernetes.io/{node.role}": "",
            "node.openshift.io/os_id": "rhcos",
        }
        if spec.provider_id(node.name):
            labels |= {"topology.kubernetes.io/region": spec.region, "topology.kubernetes.io/zone": f"{spec.region}a"}
        if gpus:
            product = gpus[0].model.replace(" ", "-")
            labels |= {"nvidia.com/gpu.present": "true", "nvidia.com/gpu.product": product}
            labels["nvidia.com/gpu.count"] = str(len(gpus))
        if node.name in spec.ptp_nodes:
            labels[f"ptp/{spec.ptp_nodes[node.name]}"] = ""
            labels["feature.node.kubernetes.io/network-sriov.capable"] = "true"
        capacity = {"cpu": str(node.cpus), "memory": f"{node.mem_bytes // 1024}Ki", "pods": "250"}
        capacity["ephemeral-storage"] = "124207084Ki"
        allocatable = capacity | {
            "cpu": cpu_quantity(node.cpus - 0.5),
            "memory": f"{node.mem_bytes // 1024 - 1048576}Ki",
        }
        if gpus:
            # MIG "mixed" strategy: MIG-partitioned GPUs are advertised per instance profile, not as nvidia.com/gpu.
            capacity["nvidia.com/gpu"] = allocatable["nvidia.com/gpu"] = str(len([g for g in gpus if not g.mig]))
            for gi in (gi for g in gpus for gi in g.mig):
                name = f"nvidia.com/mig-{gi.profile}"
                capacity[name] = allocatable[name] = str(int(capacity.get(name, "0")) + 1)
        for policy in (p for p in spec.sriov if p.node == node.name):
            capacity[f"openshift.io/{policy.resource}"] = str(policy.num_vfs)
            allocatable[f"openshift.io/{policy.resource}"] = str(policy.num_vfs)
        if node.name in spec.hugepages_1g:
            capacity["hugepages-1Gi"] = allocatable["hugepages-1Gi"] = f"{spec.hugepages_1g[node.name]}Gi"
        beat, since = ts(math.floor(t / 40) * 40), ts(boot + 120)
        conditions = [
            {"type": kind, "status": "False", "reason": reason, "message": message}
            for kind, reason, message in (
                ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            )
        ]
        conditions.append(
            {"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"}
        )
        for c in conditions:
            c |= {"lastHeartbeatTime": beat, "lastTransitionTime": since}
        node_info = {
            "machineID": meta(node.name, 0, namespace="machine")["uid"].replace("-", ""),
            "systemUUID": spec.system_uuid(node.name),
            "bootID": meta(node.name, 0, namespace=f"boot-{node.uptime_days}")["uid"],
            "kernelVersion": rel.kernel,
            "osImage": rel.rhcos,
            "containerRuntimeVersion": rel.crio,
            "kubeletVersion": rel.git_version,
            "kubeProxyVersion": rel.git_version,
            "operatingSystem": "linux",
            "architecture": "amd64",
        }
        node_spec: dict[str, Any] = {}
        if spec.provider_id(node.name):
            node_spec["providerID"] = spec.provider_id(node.name)
        if node.role == "master" and spec.type != "EDGE":
            node_spec["taints"] = [{"key": "node-role.kubernetes.io/master", "effect": "NoSchedule"}]
        status = {
            "capacity": capacity,
            "allocatable": allocatable,
            "conditions": conditions,
            "addresses": [{"type": "InternalIP", "address": node.ip}, {"type": "Hostname", "address": node.name}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": node_info,
        }
        m = meta(node.name, install_time(model), labels=labels, uid=spec.system_uuid(node.name))
        out.append({"metadata": m, "spec": node_spec, "status": status})
    return out


def namespaces(model: ClusterModel, t: float, extra: set[str]) -> list[dict[str, Any]]:
    """The namespaces of the cluster: the usual OpenShift ones, those of its pods and of `extra` objects."""
    names = set(_BASE_NAMESPACES) | {p.namespace for p in model.spec.pods} | extra
    created = install_time(model)
    return [
        {
            "metadata": meta(n, created, labels={"kubernetes.io/metadata.name": n}),
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Active"},
        }
        for n in sorted(names)
    ]


def _controller(name: str, namespace: str, created: float, replicas: int, template: dict[str, Any]) -> dict[str, Any]:
    m = meta(name, created, namespace=namespace, labels={"app": name}, generation=3)
    spec = {"replicas": replicas, "selector": {"matchLabels": {"app": name}}, "template": template}
    return {"metadata": m, "spec": spec}


def _groups(model: ClusterModel, t: float, kind: str) -> dict[tuple[str, str], list[dict[str, Any]]]:
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    by_name = {p.name: p for p in (*model.spec.pods, *model.spec.pending_pods)}
    for pod in pods(model, t):
        spec = by_name[pod["metadata"]["name"]]
        if spec.owner_kind == kind:
            found.setdefault((spec.namespace, spec.app), []).append(pod)
    return found


def _template(members: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return {"metadata": {"labels": {"app": name}}, "spec": {"containers": members[0]["spec"]["containers"]}}


def deployments(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The Deployments; available replicas follow kube_deployment_status_replicas_available."""
    groups = _groups(model, t, "ReplicaSet")
    out = []
    for name, (namespace, replicas) in model.spec.deployments.items():
        members = groups.get((namespace, name), [])
        first = min((pod_created(model, p) for p in model.spec.pods if p.app == name), default=model.anchor)
        d = _controller(name, namespace, first - 60, replicas, _template(members, name) if members else {})
        d["metadata"]["annotations"] = {"deployment.kubernetes.io/revision": "3"}
        d["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
        signal = model.signal(
            "kube-state-metrics", "kube-state-metrics", "kube_deployment_status_replicas_available", deployment=name
        )
        available = int(signal(t)) if signal is not None else replicas
        minimum = replicas - math.floor(replicas * 0.25)
        ok = available >= minimum
        rs = members[0]["metadata"]["ownerReferences"][0]["name"] if members else name
        conditions = [
            {
                "type": "Available",
                "status": "True" if ok else "False",
                "reason": "MinimumReplicasAvailable" if ok else "MinimumReplicasUnavailable",
                "message": f"Deployment {'has' if ok else 'does not have'} minimum availability.",
            },
            {
                "type": "Progressing",
                "status": "True",
                "reason": "NewReplicaSetAvailable",
                "message": f'ReplicaSet "{rs}" has successfully progressed.',
            },
        ]
        status: dict[str, Any] = {"observedGeneration": 3, "replicas": replicas, "updatedReplicas": replicas}
        status |= {"readyReplicas": available, "availableReplicas": available, "conditions": conditions}
        if available < replicas:
            status["unavailableReplicas"] = replicas - available
        d["status"] = status
        out.append(d)
    return out


def statefulsets(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The StatefulSets (Prometheus, Alertmanager), all replicas ready."""
    out = []
    for (namespace, name), members in sorted(_groups(model, t, "StatefulSet").items()):
        created = min(p["metadata"]["creationTimestamp"] for p in members)
        s = _controller(name, namespace, 0, len(members), _template(members, name))
        s["metadata"]["creationTimestamp"] = created
        s["spec"]["serviceName"] = f"{name}-operated"
        ready = sum(1 for p in members if p["status"]["containerStatuses"][0]["ready"])
        s["status"] = {
            "observedGeneration": 3,
            "replicas": len(members),
            "readyReplicas": ready,
            "currentReplicas": len(members),
            "updatedReplicas": len(members),
            "availableReplicas": ready,
        }
        out.append(s)
    return out


def daemonsets(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The DaemonSets (DCGM exporter, linuxptp-daemon), one ready pod per selected node."""
    out = []
    for (namespace, name), members in sorted(_groups(model, t, "DaemonSet").items()):
        created = min(p["metadata"]["creationTimestamp"] for p in members)
        d = _controller(name, namespace, 0, len(members), _template(members, name))
        d["metadata"]["creationTimestamp"] = created
        del d["spec"]["replicas"]
        n = len(members)
        d["status"] = {
            "currentNumberScheduled": n,
            "desiredNumberScheduled": n,
            "numberAvailable": n,
            "numberMisscheduled": 0,
            "numberReady": n,
            "observedGeneration": 3,
            "updatedNumberScheduled": n,
        }
        out.append(d)
    return out
