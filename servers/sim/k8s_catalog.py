"""Which Kubernetes resources each simulated cluster serves, and the API discovery documents for them.

Core v1 and apps/v1 everywhere, OpenShift's config.openshift.io and monitoring.coreos.com everywhere, plus
the groups of the operators a cluster runs: nvidia.com and kubeflow.org on gpu-spoke, ptp.openshift.io and
sriovnetwork.openshift.io and performance.openshift.io on telco-edge, loki.grafana.com and tempo.grafana.com on hub.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servers.sim.k8s_common import Builder
from servers.sim.k8s_config import cluster_operators, cluster_versions, config_maps, secrets
from servers.sim.k8s_controllers import daemonsets, deployments, namespaces, nodes, statefulsets
from servers.sim.k8s_custom import custom_builders
from servers.sim.k8s_events import events
from servers.sim.k8s_workloads import pods
from servers.sim.model import ClusterModel
from servers.sim.signals import stable_key

__all__ = ["Resource", "api_group", "api_group_list", "api_resource_list", "api_versions", "catalog"]

_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


@dataclass(frozen=True)
class Resource:
    """One served resource type; `build(model, t)` returns its objects at time t."""

    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool
    build: Builder
    short_names: tuple[str, ...] = ()
    crd: bool = False
    subresources: tuple[str, ...] = ()

    @property
    def group_version(self) -> str:
        """`v1` for the core group, `group/version` otherwise."""
        return f"{self.group}/{self.version}" if self.group else self.version


def _custom(group: str, version: str, plural: str, kind: str, namespaced: bool = True) -> Resource:
    return Resource(group, version, plural, kind, namespaced, custom_builders()[f"{group}/{plural}"], crd=True)


def _namespaces(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    served = [r for r in catalog(model) if r.namespaced]
    extra = {o["metadata"].get("namespace") for r in served for o in r.build(model, t)}
    return namespaces(model, t, {n for n in extra if n})


def catalog(model: ClusterModel) -> list[Resource]:
    """The resources `model`'s cluster serves."""
    spec = model.spec
    found = [
        Resource("", "v1", "namespaces", "Namespace", False, _namespaces, ("ns",), subresources=("status",)),
        Resource("", "v1", "nodes", "Node", False, nodes, ("no",), subresources=("status",)),
        Resource("", "v1", "pods", "Pod", True, pods, ("po",), subresources=("log", "status")),
        Resource("", "v1", "events", "Event", True, events, ("ev",)),
        Resource("", "v1", "secrets", "Secret", True, secrets),
        Resource("", "v1", "configmaps", "ConfigMap", True, config_maps, ("cm",)),
        Resource("apps", "v1", "deployments", "Deployment", True, deployments, ("deploy",), subresources=("status",)),
        Resource("apps", "v1", "statefulsets", "StatefulSet", True, statefulsets, ("sts",), subresources=("status",)),
        Resource("apps", "v1", "daemonsets", "DaemonSet", True, daemonsets, ("ds",), subresources=("status",)),
        Resource("config.openshift.io", "v1", "clusterversions", "ClusterVersion", False, cluster_versions, crd=True),
        Resource(
            "config.openshift.io",
            "v1",
            "clusteroperators",
            "ClusterOperator",
            False,
            cluster_operators,
            ("co",),
            crd=True,
        ),
        _custom("monitoring.coreos.com", "v1", "prometheusrules", "PrometheusRule"),
        _custom("monitoring.coreos.com", "v1", "servicemonitors", "ServiceMonitor"),
        _custom("monitoring.coreos.com", "v1", "prometheuses", "Prometheus"),
    ]
    if any(p.owner_name == "alertmanager-main" for p in spec.pods):
        found.append(_custom("monitoring.coreos.com", "v1", "alertmanagers", "Alertmanager"))
    if spec.gpus:
        found.append(_custom("nvidia.com", "v1", "clusterpolicies", "ClusterPolicy", namespaced=False))
        found.append(_custom("kubeflow.org", "v1", "pytorchjobs", "PyTorchJob"))
    if spec.ptp_nodes:
        found += [
            _custom("ptp.openshift.io", "v1", "ptpconfigs", "PtpConfig"),
            _custom("ptp.openshift.io", "v1", "nodeptpdevices", "NodePtpDevice"),
            _custom("ptp.openshift.io", "v1", "ptpoperatorconfigs", "PtpOperatorConfig"),
            _custom("sriovnetwork.openshift.io", "v1", "sriovnetworknodepolicies", "SriovNetworkNodePolicy"),
            _custom("sriovnetwork.openshift.io", "v1", "sriovnetworks", "SriovNetwork"),
            _custom("sriovnetwork.openshift.io", "v1", "sriovnetworknodestates", "SriovNetworkNodeState"),
            _custom("k8s.cni.cncf.io", "v1", "network-attachment-definitions", "NetworkAttachmentDefinition"),
        ]
    if spec.hugepages_1g:
        found.append(
            _custom("performance.openshift.io", "v2", "performanceprofiles", "PerformanceProfile", namespaced=False)
        )
    if spec.type == "HUB":
        found.append(_custom("loki.grafana.com", "v1", "lokistacks", "LokiStack"))
        found.append(_custom("tempo.grafana.com", "v1alpha1", "tempostacks", "TempoStack"))
    return found


def api_versions(model: ClusterModel) -> dict[str, Any]:
    """GET /api."""
    master = next(n for n in model.spec.nodes if n.role == "master")
    cidr = {"clientCIDR": "0.0.0.0/0", "serverAddress": f"{master.ip}:6443"}
    return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [cidr]}


def _entry(r: Resource) -> list[dict[str, Any]]:
    verbs = [v for v in _VERBS if r.namespaced or v != "deletecollection"]
    main: dict[str, Any] = {"name": r.plural, "singularName": r.kind.lower(), "namespaced": r.namespaced}
    main |= {"kind": r.kind, "verbs": verbs}
    if r.short_names:
        main["shortNames"] = list(r.short_names)
    main["storageVersionHash"] = f"{stable_key('svh', r.group, r.plural):016x}"[:11] + "="
    subs = [
        {
            "name": f"{r.plural}/{s}",
            "singularName": "",
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": ["get"] if s == "log" else ["get", "patch", "update"],
        }
        for s in r.subresources
    ]
    return [main, *subs]


def api_resource_list(model: ClusterModel, group_version: str) -> dict[str, Any] | None:
    """GET /api/v1 or /apis/{group}/{version}; None when the cluster does not serve that group version."""
    chosen = [r for r in catalog(model) if r.group_version == group_version]
    if not chosen:
        return None
    body: dict[str, Any] = {"kind": "APIResourceList"}
    if "/" in group_version:
        body["apiVersion"] = "v1"
    return body | {"groupVersion": group_version, "resources": [e for r in chosen for e in _entry(r)]}


def api_group(model: ClusterModel, group: str) -> dict[str, Any] | None:
    """GET /apis/{group}; None when not served."""
    versions = sorted({r.version for r in catalog(model) if r.group == group and group})
    if not versions:
        return None
    entries = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
    return {"kind": "APIGroup", "apiVersion": "v1", "name": group, "versions": entries, "preferredVersion": entries[0]}


def api_group_list(model: ClusterModel) -> dict[str, Any]:
    """GET /apis: every non-core group the cluster serves."""
    groups = []
    for name in dict.fromkeys(r.group for r in catalog(model) if r.group):
        found = api_group(model, name)
        if found is not None:
            groups.append({k: v for k, v in found.items() if k not in ("kind", "apiVersion")})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}
