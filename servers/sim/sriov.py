"""SR-IOV facts shared by the Kubernetes objects: VF PCI addresses, which pod holds which VF, network-status.

Each `SriovPolicy` carves `num_vfs` VFs out of one PF of one node (an Intel E810, PF `ens5f<n>` at
`0000:51:00.<n>`, its VFs at `0000:51:<01 + 0x10 n>.<i>`). Running pods on that node that request
`openshift.io/<resource>` take the VFs in inventory order, and Multus reports them in the pod's
`k8s.v1.cni.cncf.io/network-status` annotation.
"""

from __future__ import annotations

import json

from servers.sim.signals import stable_key
from servers.sim.topology import ClusterSpec, PodSpec, SriovPolicy

__all__ = [
    "NETWORKS",
    "NETWORK_STATUS",
    "RESOURCE_PREFIX",
    "allocated_vfs",
    "pf_pci",
    "pod_annotations",
    "requested",
    "vf_mac",
    "vf_pci",
]

RESOURCE_PREFIX = "openshift.io/"
NETWORKS = "k8s.v1.cni.cncf.io/networks"
NETWORK_STATUS = "k8s.v1.cni.cncf.io/network-status"


def pf_pci(pf: str) -> str:
    """The PCI address of PF `ens5f<n>`."""
    return f"0000:51:00.{int(pf[-1])}"


def vf_pci(policy: SriovPolicy, i: int) -> str:
    """The PCI address of VF `i` of the policy's PF."""
    device = 0x01 + 0x10 * int(policy.pf[-1]) + i // 8
    return f"0000:51:{device:02x}.{i % 8}"


def vf_mac(policy: SriovPolicy, i: int) -> str:
    """A stable locally administered MAC for VF `i`."""
    key = stable_key("vfmac", policy.node, policy.pf, i)
    return "02:" + ":".join(f"{(key >> (8 * b)) & 0xFF:02x}" for b in range(5))


def requested(pod: PodSpec, resource: str) -> int:
    """How many units of the extended resource `resource` the pod's containers request."""
    return sum(int(v) for c in pod.containers for k, v in c.extended if k == resource)


def allocated_vfs(spec: ClusterSpec) -> dict[str, list[tuple[SriovPolicy, int]]]:
    """Pod name -> the (policy, VF index) pairs it holds; running pods take VFs in inventory order."""
    out: dict[str, list[tuple[SriovPolicy, int]]] = {}
    for policy in spec.sriov:
        next_vf = 0
        for pod in spec.pods_on(policy.node):
            n = requested(pod, RESOURCE_PREFIX + policy.resource)
            for _ in range(n):
                if next_vf >= policy.num_vfs:
                    raise ValueError(f"{pod.name} requests more {policy.resource} VFs than {policy.node} has")
                out.setdefault(pod.name, []).append((policy, next_vf))
                next_vf += 1
    return out


def pod_annotations(spec: ClusterSpec, pod: PodSpec, running: bool) -> dict[str, str]:
    """Multus' annotations of a pod with SR-IOV networks: the networks asked for and, once running, their status."""
    asked = [p for p in spec.sriov for _ in range(requested(pod, RESOURCE_PREFIX + p.resource))]
    if not asked:
        return {}
    out = {NETWORKS: ",".join(p.network for p in asked)}
    if not running:
        return out
    status: list[dict[str, object]] = [
        {"name": "ovn-kubernetes", "interface": "eth0", "ips": [pod.ip], "default": True, "dns": {}}
    ]
    for n, (policy, i) in enumerate(allocated_vfs(spec).get(pod.name, [])):
        status.append(
            {
                "name": f"{policy.network_namespace}/{policy.network}",
                "interface": f"net{n + 1}",
                "mac": vf_mac(policy, i),
                "dns": {},
                "device-info": {"type": "pci", "version": "1.1.0", "pci": {"pci-address": vf_pci(policy, i)}},
            }
        )
    return out | {NETWORK_STATUS: json.dumps(status, indent=1)}
