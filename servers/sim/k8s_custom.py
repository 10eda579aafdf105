"""Custom resources of the operators each cluster runs (list items carry kind and apiVersion, like CRDs).

Everywhere: monitoring.coreos.com (PrometheusRule with the cluster's real rules, ServiceMonitors of its
exporters, Prometheus). gpu-spoke: nvidia.com ClusterPolicy, kubeflow.org PyTorchJob. telco-edge:
ptp.openshift.io (PtpConfig, NodePtpDevice, PtpOperatorConfig), sriovnetwork.openshift.io. hub:
loki.grafana.com LokiStack, tempo.grafana.com TempoStack, the Alertmanager.
"""

from __future__ import annotations

from typing import Any

import yaml

from servers.sim.k8s_common import Builder, install_time, meta, ts
from servers.sim.model import ClusterModel
from servers.sim.rules import rules_yaml

__all__ = ["custom_builders"]


def _cr(
    api: str, kind: str, m: dict[str, Any], spec: dict[str, Any], status: dict[str, Any] | None = None
) -> dict[str, Any]:
    out = {"apiVersion": api, "kind": kind, "metadata": m, "spec": spec}
    return out | ({"status": status} if status is not None else {})


def _ready(since: float, kind: str = "Ready") -> list[dict[str, Any]]:
    return [
        {
            "type": kind,
            "status": "True",
            "reason": "ReadyComponents",
            "lastTransitionTime": ts(since),
            "message": "All components ready",
        }
    ]


def prometheus_rules(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The rules the cluster's Prometheus evaluates, as a PrometheusRule."""
    spec = yaml.safe_load(rules_yaml(model))
    m = meta("sim-rules", install_time(model), namespace="openshift-monitoring", labels={"role": "alert-rules"})
    return [_cr("monitoring.coreos.com/v1", "PrometheusRule", m, spec)]


def service_monitors(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """One ServiceMonitor per exporter job scraped by the cluster's Prometheus."""
    out = []
    for e in model.exporters:
        m = meta(e.job, install_time(model), namespace="openshift-monitoring", labels={"app.kubernetes.io/name": e.job})
        spec = {
            "endpoints": [{"port": "metrics", "interval": "15s", "honorLabels": e.honor_labels, "scheme": "https"}],
            "selector": {"matchLabels": {"app.kubernetes.io/name": e.job}},
        }
        out.append(_cr("monitoring.coreos.com/v1", "ServiceMonitor", m, spec))
    return out


def prometheuses(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The platform Prometheus `k8s`."""
    replicas = sum(1 for p in model.spec.pods if p.owner_name == "prometheus-k8s")
    m = meta("k8s", install_time(model), namespace="openshift-monitoring", generation=1)
    spec = {"replicas": replicas, "retention": "15d", "ruleSelector": {}, "serviceMonitorSelector": {}}
    status = {
        "availableReplicas": replicas,
        "replicas": replicas,
        "conditions": _ready(install_time(model), "Available"),
    }
    return [_cr("monitoring.coreos.com/v1", "Prometheus", m, spec, status)]


def alertmanagers(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The Alertmanager `main` (hub only)."""
    replicas = sum(1 for p in model.spec.pods if p.owner_name == "alertmanager-main")
    m = meta("main", install_time(model), namespace="openshift-monitoring", generation=1)
    return [_cr("monitoring.coreos.com/v1", "Alertmanager", m, {"replicas": replicas}, {"availableReplicas": replicas})]


def cluster_policies(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The NVIDIA GPU operator's ClusterPolicy."""
    m = meta("gpu-cluster-policy", install_time(model), generation=1)
    spec = {
        "driver": {"enabled": True, "version": "550.90.07"},
        "dcgmExporter": {"enabled": True},
        "devicePlugin": {"enabled": True},
        "toolkit": {"enabled": True},
    }
    status = {"state": "ready", "namespace": "nvidia-gpu-operator", "conditions": _ready(install_time(model))}
    return [_cr("nvidia.com/v1", "ClusterPolicy", m, spec, status)]


def pytorch_jobs(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The fine-tuning job whose worker runs on the overheating GPU."""
    created = min(install_time(model) + 86400, model.anchor - 3 * 86400)
    m = meta("llama-ft", created, namespace="ml-training", generation=1)
    spec = {"pytorchReplicaSpecs": {"Worker": {"replicas": 1, "restartPolicy": "OnFailure"}}}
    conditions = [
        {
            "type": "Running",
            "status": "True",
            "reason": "JobRunning",
            "lastTransitionTime": ts(created + 90),
            "message": "PyTorchJob ml-training/llama-ft is running.",
        }
    ]
    return [_cr("kubeflow.org/v1", "PyTorchJob", m, spec, {"conditions": conditions, "startTime": ts(created)})]


def ptp_configs(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The grandmaster (T-GM) and follower (du-follower) profiles."""
    out = []
    for name, iface, opts, role in (
        ("grandmaster", "ens7f0", "-2 --summary_interval -4", "grandmaster"),
        ("du-follower", "ens2f0", "-2 -s --summary_interval -4", "follower"),
    ):
        profile = {
            "name": name,
            "interface": iface,
            "ptp4lOpts": opts,
            "phc2sysOpts": "-a -r -n 24",
            "ptpSchedulingPolicy": "SCHED_FIFO",
            "ptpSchedulingPriority": 10,
            "ptpSettings": {"logReduce": "true"},
        }
        recommend = [{"profile": name, "priority": 4, "match": [{"nodeLabel": f"ptp/{role}"}]}]
        m = meta(name, install_time(model), namespace="openshift-ptp", generation=1)
        out.append(_cr("ptp.openshift.io/v1", "PtpConfig", m, {"profile": [profile], "recommend": recommend}, {}))
    return out


def node_ptp_devices(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The PTP-capable NICs of each PTP node."""
    out = []
    for node, role in sorted(model.spec.ptp_nodes.items()):
        ports = ("ens7f0", "ens7f1") if role == "grandmaster" else ("ens2f0", "ens2f1")
        m = meta(node, install_time(model), namespace="openshift-ptp")
        status = {"devices": [{"name": p, "hwConfig": {"phcIndex": i}} for i, p in enumerate(ports)]}
        out.append(_cr("ptp.openshift.io/v1", "NodePtpDevice", m, {}, status))
    return out


def ptp_operator_configs(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The PTP operator's `default` config, with the cloud-event proxy enabled."""
    m = meta("default", install_time(model), namespace="openshift-ptp")
    spec = {
        "daemonNodeSelector": {"node-role.kubernetes.io/worker": ""},
        "ptpEventConfig": {"enableEventPublisher": True},
    }
    return [_cr("ptp.openshift.io/v1", "PtpOperatorConfig", m, spec, {})]


def sriov_policies(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The fronthaul VF policy of the DU node."""
    m = meta("du-fh", install_time(model), namespace="openshift-sriov-network-operator", generation=1)
    spec = {
        "resourceName": "du_fh",
        "numVfs": 8,
        "deviceType": "vfio-pci",
        "priority": 10,
        "nicSelector": {"pfNames": ["ens5f0"]},
        "nodeSelector": {"ptp/follower": ""},
    }
    return [_cr("sriovnetwork.openshift.io/v1", "SriovNetworkNodePolicy", m, spec)]


def sriov_networks(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The fronthaul network attached to the DU."""
    m = meta("du-fh-net", install_time(model), namespace="openshift-sriov-network-operator", generation=1)
    spec = {"resourceName": "du_fh", "networkNamespace": "ran-du", "vlan": 100, "spoofChk": "off", "trust": "on"}
    return [_cr("sriovnetwork.openshift.io/v1", "SriovNetwork", m, spec)]


def sriov_node_states(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """Per-node SR-IOV state: configured and in sync."""
    out = []
    for node in model.spec.nodes:
        m = meta(node.name, install_time(model), namespace="openshift-sriov-network-operator")
        iface = {"name": "ens5f0", "numVfs": 8 if node.role == "worker" else 0, "driver": "ice", "vendor": "8086"}
        out.append(
            _cr(
                "sriovnetwork.openshift.io/v1",
                "SriovNetworkNodeState",
                m,
                {},
                {"syncStatus": "Succeeded", "interfaces": [iface]},
            )
        )
    return out


def loki_stacks(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The LokiStack holding the fleet's application and infrastructure logs."""
    m = meta("logging-loki", install_time(model), namespace="openshift-logging", generation=1)
    spec = {
        "size": "1x.small",
        "storage": {"secret": {"name": "logging-loki-s3", "type": "s3"}},
        "tenants": {"mode": "openshift-logging"},
        "storageClassName": "gp3-csi",
    }
    return [_cr("loki.grafana.com/v1", "LokiStack", m, spec, {"conditions": _ready(install_time(model))})]


def tempo_stacks(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The TempoStack receiving the applications' OTLP traces."""
    m = meta("tempo", install_time(model), namespace="tracing-system", generation=1)
    spec = {
        "storageSize": "10Gi",
        "storage": {"secret": {"name": "tempo-s3", "type": "s3"}},
        "template": {"queryFrontend": {"jaegerQuery": {"enabled": True}}},
    }
    return [_cr("tempo.grafana.com/v1alpha1", "TempoStack", m, spec, {"conditions": _ready(install_time(model))})]


def custom_builders() -> dict[str, Builder]:
    """The builder of each custom resource, keyed by `group/plural`."""
    return {
        "monitoring.coreos.com/prometheusrules": prometheus_rules,
        "monitoring.coreos.com/servicemonitors": service_monitors,
        "monitoring.coreos.com/prometheuses": prometheuses,
        "monitoring.coreos.com/alertmanagers": alertmanagers,
        "nvidia.com/clusterpolicies": cluster_policies,
        "kubeflow.org/pytorchjobs": pytorch_jobs,
        "ptp.openshift.io/ptpconfigs": ptp_configs,
        "ptp.openshift.io/nodeptpdevices": node_ptp_devices,
        "ptp.openshift.io/ptpoperatorconfigs": ptp_operator_configs,
        "sriovnetwork.openshift.io/sriovnetworknodepolicies": sriov_policies,
        "sriovnetwork.openshift.io/sriovnetworks": sriov_networks,
        "sriovnetwork.openshift.io/sriovnetworknodestates": sriov_node_states,
        "loki.grafana.com/lokistacks": loki_stacks,
        "tempo.grafana.com/tempostacks": tempo_stacks,
    }
