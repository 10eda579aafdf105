"""Custom resources of the operators each cluster runs (list items carry kind and apiVersion, like CRDs).

Everywhere: monitoring.coreos.com (PrometheusRule with the cluster's real rules, ServiceMonitors of its
exporters, Prometheus). gpu-spoke: nvidia.com ClusterPolicy, kubeflow.org PyTorchJob. telco-edge:
ptp.openshift.io (PtpConfig, NodePtpDevice, PtpOperatorConfig), sriovnetwork.openshift.io (policies, networks,
node states with every VF), performance.openshift.io PerformanceProfile of the DU node. hub:
loki.grafana.com LokiStack, tempo.grafana.com TempoStack, the Alertmanager.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from servers.sim.k8s_common import Builder, install_time, meta, ts
from servers.sim.model import ClusterModel
from servers.sim.rules import rules_yaml
from servers.sim.signals import stable_key
from servers.sim.sriov import pf_pci, vf_mac, vf_pci
from servers.sim.topology import SriovPolicy

__all__ = ["custom_builders"]

_SRIOV_NS = "openshift-sriov-network-operator"


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
    """One SriovNetworkNodePolicy per VF pool: the DU's fronthaul (vfio-pci) and the CU's midhaul (netdevice)."""
    out = []
    for p in model.spec.sriov:
        m = meta(p.name, install_time(model), namespace=_SRIOV_NS, generation=1)
        spec = {
            "resourceName": p.resource,
            "numVfs": p.num_vfs,
            "deviceType": p.device_type,
            "isRdma": False,
            "mtu": p.mtu,
            "priority": 10,
            "nicSelector": {"pfNames": [p.pf], "vendor": "8086", "deviceID": "159b"},
            "nodeSelector": {"kubernetes.io/hostname": p.node},
        }
        out.append(_cr("sriovnetwork.openshift.io/v1", "SriovNetworkNodePolicy", m, spec))
    return out


def sriov_networks(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The SriovNetwork of each policy (the NetworkAttachmentDefinition pods name in their annotation)."""
    out = []
    for p in model.spec.sriov:
        m = meta(p.network, install_time(model), namespace=_SRIOV_NS, generation=1)
        spec = {
            "resourceName": p.resource,
            "networkNamespace": p.network_namespace,
            "vlan": p.vlan,
            "spoofChk": "off",
            "trust": "on",
        }
        out.append(_cr("sriovnetwork.openshift.io/v1", "SriovNetwork", m, spec))
    return out


def network_attachment_definitions(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The NetworkAttachmentDefinition the SR-IOV operator renders from each SriovNetwork into its target namespace:
    the device plugin resource in the `k8s.v1.cni.cncf.io/resourceName` annotation, the sriov CNI config as JSON."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for p in model.spec.sriov:
        config = {
            "cniVersion": "1.0.0",
            "name": p.network,
            "type": "sriov",
            "vlan": p.vlan,
            "vlanQoS": 0,
            "spoofchk": "off",
            "trust": "on",
            "ipam": {},
        }
        m = meta(
            p.network,
            install_time(model),
            namespace=p.network_namespace,
            annotations={"k8s.v1.cni.cncf.io/resourceName": f"openshift.io/{p.resource}"},
            generation=1,
        )
        nad = _cr("k8s.cni.cncf.io/v1", "NetworkAttachmentDefinition", m, {"config": json.dumps(config)})
        out.setdefault((p.network_namespace, p.network), nad)
    return list(out.values())


def sriov_node_states(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """Per-node SR-IOV state: both E810 ports, the VFs the policies asked for, configured and in sync."""
    out = []
    for node in model.spec.nodes:
        interfaces = []
        for pf in ("ens5f0", "ens5f1"):
            policy = next((p for p in model.spec.sriov if p.node == node.name and p.pf == pf), None)
            iface: dict[str, Any] = {
                "name": pf,
                "pciAddress": pf_pci(pf),
                "vendor": "8086",
                "deviceID": "159b",
                "driver": "ice",
                "totalvfs": 64,
                "numVfs": policy.num_vfs if policy else 0,
                "mtu": policy.mtu if policy else 1500,
                "linkSpeed": "25000 Mb/s",
                "linkType": "ETH",
                "mac": _pf_mac(node.name, pf),
            }
            if policy is not None:
                iface["vfs"] = [_vf(policy, i) for i in range(policy.num_vfs)]
            interfaces.append(iface)
        m = meta(node.name, install_time(model), namespace=_SRIOV_NS)
        status = {"syncStatus": "Succeeded", "interfaces": interfaces}
        out.append(_cr("sriovnetwork.openshift.io/v1", "SriovNetworkNodeState", m, {}, status))
    return out


def _pf_mac(node: str, pf: str) -> str:
    """The PF's burned-in MAC (Intel OUI)."""
    key = stable_key("pfmac", node, pf)
    return "b4:96:91:" + ":".join(f"{(key >> (8 * b)) & 0xFF:02x}" for b in range(3))


def _vf(policy: SriovPolicy, i: int) -> dict[str, Any]:
    vf: dict[str, Any] = {"vfID": i, "pciAddress": vf_pci(policy, i), "vendor": "8086", "deviceID": "1889"}
    vf |= {"driver": "vfio-pci" if policy.device_type == "vfio-pci" else "iavf", "mtu": policy.mtu}
    if policy.device_type == "netdevice":
        vf |= {"name": f"{policy.pf}v{i}", "mac": vf_mac(policy, i)}
    return vf


def performance_profiles(model: ClusterModel, t: float) -> list[dict[str, Any]]:
    """The DU node's PerformanceProfile: isolated/reserved CPUs, 1 GiB hugepages, the real-time kernel."""
    out = []
    nodes = {n.name: n for n in model.spec.nodes}
    for name, pages in sorted(model.spec.hugepages_1g.items()):
        node = nodes[name]
        m = meta(f"{name.rsplit('-', 1)[0]}-performance", install_time(model), generation=1)
        spec = {
            "cpu": {"isolated": f"2-{node.cpus - 1}", "reserved": "0-1"},
            "hugepages": {"defaultHugepagesSize": "1G", "pages": [{"size": "1G", "count": pages, "node": 0}]},
            "realTimeKernel": {"enabled": True},
            "numa": {"topologyPolicy": "single-numa-node"},
            "net": {"userLevelNetworking": True},
            "workloadHints": {"realTime": True, "highPowerConsumption": False, "perPodPowerManagement": False},
            "additionalKernelArgs": ["idle=poll", "rcupdate.rcu_normal_after_boot=0"],
            "machineConfigPoolSelector": {"pools.operator.machineconfiguration.openshift.io/worker": ""},
            "nodeSelector": {f"node-role.kubernetes.io/{node.role}": ""},
        }
        status = {
            "runtimeClass": f"performance-{m['name']}",
            "tuned": f"openshift-cluster-node-tuning-operator/openshift-node-performance-{m['name']}",
            "conditions": _ready(install_time(model), "Available"),
        }
        out.append(_cr("performance.openshift.io/v2", "PerformanceProfile", m, spec, status))
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
        "k8s.cni.cncf.io/network-attachment-definitions": network_attachment_definitions,
        "performance.openshift.io/performanceprofiles": performance_profiles,
        "loki.grafana.com/lokistacks": loki_stacks,
        "tempo.grafana.com/tempostacks": tempo_stacks,
    }
