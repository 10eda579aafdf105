"""SR-IOV operator, PerformanceProfile, node and pod bodies in their documented shapes, for respx to serve."""

from __future__ import annotations

import json
from typing import Any

API = "https://api.ran.test:6443"
CNF_ROLE = {"node-role.kubernetes.io/worker-cnf": ""}
NETWORK_STATUS = [
    {"name": "ovn-kubernetes", "interface": "eth0", "ips": ["10.128.2.10"], "default": True, "dns": {}},
    {
        "name": "ran/du-fh",
        "interface": "net1",
        "mac": "6a:5c:2e:10:aa:01",
        "dns": {},
        "device-info": {"type": "pci", "version": "1.1.0", "pci": {"pci-address": "0000:3b:02.1"}},
    },
]


def items(kind: str, objs: list[dict[str, Any]], api_version: str = "v1") -> dict[str, Any]:
    return {"kind": f"{kind}List", "apiVersion": api_version, "metadata": {"resourceVersion": "1"}, "items": objs}


def node(name: str, allocatable: dict[str, str], labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "kind": "Node",
        "apiVersion": "v1",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
        "status": {"allocatable": {"cpu": "64", "memory": "256Gi", "pods": "250", **allocatable}},
    }


def vf(index: int, driver: str) -> dict[str, Any]:
    return {"pciAddress": f"0000:3b:02.{index}", "vfID": index, "driver": driver, "deviceID": "1889", "vendor": "8086"}


def node_state(name: str, num_vfs: int, sync: str, error: str = "", vf_driver: str = "vfio-pci") -> dict[str, Any]:
    return {
        "apiVersion": "sriovnetwork.openshift.io/v1",
        "kind": "SriovNetworkNodeState",
        "metadata": {"name": name, "namespace": "openshift-sriov-network-operator"},
        "spec": {"interfaces": [{"name": "ens1f0", "pciAddress": "0000:3b:00.0", "numVfs": 4}]},
        "status": {
            "interfaces": [
                {
                    "name": "ens1f0",
                    "pciAddress": "0000:3b:00.0",
                    "vendor": "8086",
                    "deviceID": "1593",
                    "driver": "ice",
                    "totalvfs": 64,
                    "numVfs": num_vfs,
                    "mtu": 9000,
                    "linkSpeed": "25000 Mb/s",
                    "linkType": "ETH",
                    "vfs": [vf(i, vf_driver) for i in range(num_vfs)],
                },
                {"name": "eno1", "pciAddress": "0000:19:00.0", "driver": "i40e", "totalvfs": 0, "mtu": 1500},
            ],
            "syncStatus": sync,
            "lastSyncError": error,
        },
    }


def policy(name: str, resource: str, num_vfs: int, device_type: str = "vfio-pci") -> dict[str, Any]:
    return {
        "apiVersion": "sriovnetwork.openshift.io/v1",
        "kind": "SriovNetworkNodePolicy",
        "metadata": {"name": name, "namespace": "openshift-sriov-network-operator"},
        "spec": {
            "resourceName": resource,
            "numVfs": num_vfs,
            "deviceType": device_type,
            "nicSelector": {"pfNames": ["ens1f0#0-3"], "vendor": "8086"},
            "nodeSelector": CNF_ROLE,
            "priority": 10,
        },
    }


def pod(
    namespace: str,
    name: str,
    *,
    node_name: str | None,
    phase: str = "Running",
    limits: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
    owner: tuple[str, str] | None = None,
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "namespace": namespace, "labels": labels or {}}
    if annotations:
        metadata["annotations"] = annotations
    if owner:
        metadata["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": owner[0], "name": owner[1], "uid": "u1"}]
    spec: dict[str, Any] = {
        "containers": [
            {
                "name": "app",
                "image": "quay.io/ran/app:1",
                "resources": {"limits": limits or {}, "requests": limits or {}},
            }
        ]
    }
    if node_name:
        spec["nodeName"] = node_name
    return {"kind": "Pod", "apiVersion": "v1", "metadata": metadata, "spec": spec, "status": {"phase": phase}}


def du_annotations() -> dict[str, str]:
    return {
        "k8s.v1.cni.cncf.io/networks": json.dumps([{"name": "du-fh", "namespace": "ran"}]),
        "k8s.v1.cni.cncf.io/network-status": json.dumps(NETWORK_STATUS),
    }


def performance_profile(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "performance.openshift.io/v2",
        "kind": "PerformanceProfile",
        "metadata": {"name": name},
        "spec": {
            "cpu": {"isolated": "2-31,34-63", "reserved": "0-1,32-33"},
            "hugepages": {"defaultHugepagesSize": "1G", "pages": [{"size": "1G", "count": 32, "node": 0}]},
            "realTimeKernel": {"enabled": True},
            "nodeSelector": CNF_ROLE,
            "numa": {"topologyPolicy": "single-numa-node"},
        },
    }


def nad(namespace: str, name: str, config: dict[str, Any] | str | None, resource: str | None = None) -> dict[str, Any]:
    """A k8s.cni.cncf.io/v1 NetworkAttachmentDefinition as the SR-IOV operator renders it (config as a JSON string)."""
    metadata: dict[str, Any] = {"name": name, "namespace": namespace}
    if resource is not None:
        metadata["annotations"] = {"k8s.v1.cni.cncf.io/resourceName": resource}
    spec = {} if config is None else {"config": config if isinstance(config, str) else json.dumps(config)}
    kind = {"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition"}
    return {**kind, "metadata": metadata, "spec": spec}


def sriov_cni(name: str, vlan: int) -> dict[str, Any]:
    return {"cniVersion": "1.0.0", "name": name, "type": "sriov", "vlan": vlan, "ipam": {"type": "whereabouts"}}
