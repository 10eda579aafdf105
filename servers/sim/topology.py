"""The static inventory of the simulated fleet: clusters, nodes, pods, containers and GPUs.

Names, IPs and UIDs are derived from hashes of the object's logical name only (never the seed), so they
stay stable across seeds; the seed changes values, not identities. Incident tags mark which object the
seeded incidents act on.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from servers.sim.signals import stable_key

__all__ = [
    "ClusterSpec",
    "ContainerSpec",
    "GpuSpec",
    "MigInstance",
    "NodeSpec",
    "PodSpec",
    "Release",
    "SriovPolicy",
    "pod_name",
]

_KUBE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # what Kubernetes uses for generated name suffixes


def _suffix(n: int, *parts: object) -> str:
    key = stable_key("name", *parts)
    chars = []
    for _ in range(n):
        key, i = divmod(key, len(_KUBE_ALPHABET))
        chars.append(_KUBE_ALPHABET[i])
    return "".join(chars)


def pod_name(owner_kind: str, owner: str, index: int) -> str:
    """A Kubernetes-looking pod name: `owner-<rs hash>-<5>` for Deployments, `owner-<5>` for DaemonSets."""
    if owner_kind == "Deployment":
        return f"{owner}-{_suffix(10, owner)}-{_suffix(5, owner, index)}"
    if owner_kind == "DaemonSet":
        return f"{owner}-{_suffix(5, owner, index)}"
    return f"{owner}-{index}"


@dataclass(frozen=True)
class Release:
    """The OpenShift release a cluster runs and the Kubernetes version it reports."""

    openshift: str
    kube_minor: int
    kube_patch: int
    kube_build: str
    rhcos: str
    kernel: str
    crio: str
    build_date: str
    go_version: str

    @property
    def git_version(self) -> str:
        """Kubernetes gitVersion as OpenShift reports it, e.g. `v1.29.7+4510e9c`."""
        return f"v1.{self.kube_minor}.{self.kube_patch}+{self.kube_build}"


@dataclass(frozen=True)
class NodeSpec:
    """A node: name, role, internal IP, CPU count, memory and uptime (boot = anchor - uptime)."""

    name: str
    role: str
    ip: str
    cpus: int
    mem_bytes: int
    uptime_days: float


@dataclass(frozen=True)
class ContainerSpec:
    """A container with its CPU/memory limits (None = no limit) and typical usage."""

    name: str
    image: str
    cpu_use: float
    mem_use: int
    cpu_limit: float | None = None
    mem_limit: int | None = None
    incident: str | None = None  # "cpu-saturation"
    extended: tuple[tuple[str, str], ...] = ()  # extended resources (requests = limits), e.g. openshift.io/du_fh


@dataclass(frozen=True)
class PodSpec:
    """A pod: where it runs, who owns it, its containers; `incident="crashloop"` makes it restart."""

    namespace: str
    name: str
    node: str
    ip: str
    owner_kind: str
    owner_name: str
    containers: tuple[ContainerSpec, ...]
    incident: str | None = None

    @property
    def app(self) -> str:
        """The workload the pod belongs to: its Deployment, StatefulSet, DaemonSet or job; `etcd` for static pods."""
        if self.owner_kind == "ReplicaSet":
            return self.owner_name.rsplit("-", 1)[0]
        if self.owner_kind == "Node":
            return self.name.removesuffix(f"-{self.node}")
        return self.owner_name

    @property
    def uid(self) -> str:
        """A stable pod UID."""
        return str(uuid.UUID(int=stable_key("uid", self.namespace, self.name) << 64 | 0x4000_8000_0000_0000))


@dataclass(frozen=True)
class SriovPolicy:
    """An SR-IOV policy: `num_vfs` VFs of PF `pf` on `node`, advertised as `openshift.io/<resource>`."""

    name: str
    resource: str
    node: str
    pf: str
    num_vfs: int
    device_type: str  # vfio-pci | netdevice
    network: str  # the SriovNetwork attaching pods to these VFs
    network_namespace: str
    vlan: int
    mtu: int


@dataclass(frozen=True)
class MigInstance:
    """One MIG GPU instance: its id and profile (e.g. `3g.40gb`), compute slices (of 7), memory, optional pod."""

    gi_id: int
    profile: str
    slices: int
    fb_total_mib: int
    pod: PodSpec | None = None
    container: str = ""


@dataclass(frozen=True)
class GpuSpec:
    """One NVIDIA GPU of a node, optionally allocated to a pod's container."""

    node: str
    index: int
    model: str
    fb_total_mib: int
    max_sm_clock: int
    tdp_w: float
    pod: PodSpec | None = None
    container: str = ""
    incident: str | None = None  # "thermal" | "xid" | "idle-allocated"
    mig: tuple[MigInstance, ...] = ()  # non-empty when the GPU is MIG-partitioned

    @property
    def uuid(self) -> str:
        """The GPU UUID as DCGM reports it (`GPU-xxxxxxxx-...`)."""
        return "GPU-" + str(uuid.UUID(int=stable_key("gpu", self.node, self.index) << 64 | stable_key(self.index)))

    @property
    def pci_bus_id(self) -> str:
        """The PCI bus id label of newer dcgm-exporter releases."""
        return f"00000000:{0x17 + 0x20 * self.index:02X}:00.0"


@dataclass(frozen=True)
class ClusterSpec:
    """Everything static about one simulated cluster."""

    name: str
    type: str
    platform: str
    environment: str
    region: str
    labels: dict[str, str]
    release: Release
    nodes: tuple[NodeSpec, ...]
    pods: tuple[PodSpec, ...]
    deployments: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (namespace, replicas)
    gpus: tuple[GpuSpec, ...] = ()
    ptp_nodes: dict[str, str] = field(default_factory=dict)  # node -> "grandmaster" | "follower"
    sriov: tuple[SriovPolicy, ...] = ()
    hugepages_1g: dict[str, int] = field(default_factory=dict)  # node -> 1 GiB pages of its PerformanceProfile
    pending_pods: tuple[PodSpec, ...] = ()  # pods the scheduler cannot place (`node` is the node they select)
    ptp_freerun: bool = False  # the follower's HOLDOVER times out into FREERUN at `Incidents.ptp_freerun`

    def pods_on(self, node: str) -> Sequence[PodSpec]:
        """The pods scheduled on `node`."""
        return [p for p in self.pods if p.node == node]

    def provider_id(self, node: str) -> str:
        """The node's cloud provider id (empty for bare-metal edge clusters)."""
        if self.type in ("EDGE", "FAR_EDGE"):
            return ""
        return f"aws:///{self.region}a/i-{stable_key('iid', self.name, node) & 0xFFFFFFFFFFFFFFF:015x}"

    def system_uuid(self, node: str) -> str:
        """The node's SMBIOS system UUID, as kubelet reports it."""
        return str(uuid.UUID(int=stable_key("suuid", self.name, node) << 64))
