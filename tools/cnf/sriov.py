"""SR-IOV network operator state, read from the Kubernetes API of one cluster.

Shapes (sriovnetwork.openshift.io/v1, SR-IOV network operator API reference):
- ``SriovNetworkNodeState`` (one per node, named after it): ``status.interfaces[]`` with ``name``, ``pciAddress``,
  ``driver``, ``totalvfs``, ``numVfs``, ``mtu``, ``linkSpeed``, ``linkType``, ``vfs[]`` (``pciAddress``, ``driver``,
  ``vfID``...); ``status.syncStatus`` Succeeded / InProgress / Failed and ``status.lastSyncError``.
- ``SriovNetworkNodePolicy``: ``spec.resourceName``, ``spec.numVfs``, ``spec.deviceType`` (netdevice / vfio-pci),
  ``spec.nicSelector`` (``pfNames`` with optional ``#first-last`` VF ranges, ``rootDevices``, ``vendor``,
  ``deviceID``) and ``spec.nodeSelector``.
The device plugin advertises each policy's VFs as the extended resource ``openshift.io/<resourceName>`` in node
``status.allocatable``; pods take VFs by requesting it (requests and limits of extended resources are equal).
"""

from __future__ import annotations

from typing import Any

from tools.cnf.results import SriovInterface, SriovNode, SriovResource
from tools.kubernetes.fields import as_dict, as_int, as_list, meta, trim

__all__ = [
    "RESOURCE_PREFIX",
    "SriovFacts",
    "pod_requests",
    "policy_mismatches",
    "resource_usage",
    "summarise_node_state",
]

RESOURCE_PREFIX = "openshift.io/"
_DONE_PHASES = ("Succeeded", "Failed")


def _quantity(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def summarise_node_state(cluster: str, state: dict[str, Any]) -> SriovNode:
    """One SriovNetworkNodeState: its PFs, sync status and the problems they show."""
    status = as_dict(state.get("status"))
    interfaces = []
    problems = []
    for raw in as_list(status.get("interfaces")):
        i = as_dict(raw)
        iface = SriovInterface(
            name=i.get("name"),
            pci_address=i.get("pciAddress"),
            driver=i.get("driver"),
            total_vfs=i.get("totalvfs"),
            num_vfs=i.get("numVfs"),
            vfs_reported=len(as_list(i.get("vfs"))),
            mtu=i.get("mtu"),
            link_speed=i.get("linkSpeed"),
            link_type=i.get("linkType"),
        )
        interfaces.append(iface)
        # Only when the daemon lists VFs at all: some versions omit ``vfs`` until the PF is configured.
        if "vfs" in i and iface.num_vfs and iface.vfs_reported < iface.num_vfs:
            problems.append(f"{iface.name}: numVfs {iface.num_vfs} but {iface.vfs_reported} VFs reported")
    sync = status.get("syncStatus")
    if sync == "Failed":
        problems.insert(0, f"sync Failed: {trim(status.get('lastSyncError'), 200) or 'no message'}")
    elif sync == "InProgress":
        problems.insert(0, "sync InProgress (the config daemon is applying a policy; the node may drain/reboot)")
    return SriovNode(
        cluster=cluster,
        node=str(meta(state).get("name", "?")),
        sync_status=sync,
        last_sync_error=trim(status.get("lastSyncError")),
        interfaces=interfaces,
        problems=problems,
    )


def pod_requests(pod: dict[str, Any], resource: str) -> int:
    """How many units of ``resource`` the pod's containers ask for (requests, else limits)."""
    total = 0
    spec = as_dict(pod.get("spec"))
    for c in as_list(spec.get("containers")):
        res = as_dict(as_dict(c).get("resources"))
        value = as_dict(res.get("requests")).get(resource, as_dict(res.get("limits")).get(resource))
        total += _quantity(value) if value is not None else 0
    return total


class SriovFacts:
    """The objects of one cluster the SR-IOV summary needs."""

    def __init__(
        self,
        cluster: str,
        states: list[dict[str, Any]],
        policies: list[dict[str, Any]],
        nodes: list[dict[str, Any]],
        pods: list[dict[str, Any]],
    ) -> None:
        self.cluster, self.states, self.policies, self.nodes, self.pods = cluster, states, policies, nodes, pods

    def advertised(self) -> set[str]:
        """``openshift.io/*`` resources some node advertises in ``status.allocatable``."""
        return {
            k
            for n in self.nodes
            for k in as_dict(as_dict(n.get("status")).get("allocatable"))
            if k.startswith(RESOURCE_PREFIX)
        }

    def resource_names(self) -> list[str]:
        """Extended resources of the policies, plus any openshift.io/* resource a node advertises."""
        names = {
            RESOURCE_PREFIX + str(as_dict(p.get("spec")).get("resourceName"))
            for p in self.policies
            if as_dict(p.get("spec")).get("resourceName")
        }
        return sorted(names | self.advertised())


def resource_usage(facts: SriovFacts) -> tuple[list[SriovResource], list[str]]:
    """Per node and resource: allocatable, requested, free, exhausted; and the pending pods that ask for one."""
    resources: list[SriovResource] = []
    pending: list[str] = []
    names = facts.resource_names()
    live = [p for p in facts.pods if as_dict(p.get("status")).get("phase") not in _DONE_PHASES]
    for node in facts.nodes:
        node_name = str(meta(node).get("name", "?"))
        allocatable = as_dict(as_dict(node.get("status")).get("allocatable"))
        for name in names:
            if name not in allocatable:
                continue
            holders = [(p, pod_requests(p, name)) for p in live if as_dict(p.get("spec")).get("nodeName") == node_name]
            holders = [(p, n) for p, n in holders if n]
            used = sum(n for _, n in holders)
            total = _quantity(allocatable[name])
            resources.append(
                SriovResource(
                    cluster=facts.cluster,
                    node=node_name,
                    resource=name,
                    allocatable=total,
                    requested=used,
                    free=max(total - used, 0),
                    exhausted=used >= total,
                    pods=[f"{meta(p).get('namespace')}/{meta(p).get('name')}" for p, _ in holders],
                )
            )
    for p in live:
        if as_dict(p.get("status")).get("phase") != "Pending" or as_dict(p.get("spec")).get("nodeName"):
            continue
        asked = [f"{n}={pod_requests(p, n)}" for n in names if pod_requests(p, n)]
        if asked:
            pending.append(f"{facts.cluster}: {meta(p).get('namespace')}/{meta(p).get('name')} asks {', '.join(asked)}")
    resources.sort(key=lambda r: (not r.exhausted, r.cluster, r.node, r.resource))
    return resources, pending


def _selects(node: dict[str, Any], selector: dict[str, Any]) -> bool:
    labels = as_dict(meta(node).get("labels"))
    return all(labels.get(k) == v for k, v in selector.items())


def policy_mismatches(facts: SriovFacts) -> list[str]:
    """Where a policy's numVfs / deviceType disagrees with what the selected nodes' state reports."""
    states = {str(meta(s).get("name")): s for s in facts.states}
    found: list[str] = []
    for policy in facts.policies:
        spec = as_dict(policy.get("spec"))
        name, want = meta(policy).get("name"), spec.get("numVfs")
        nic = as_dict(spec.get("nicSelector"))
        pf_names = {str(p).split("#", 1)[0] for p in as_list(nic.get("pfNames"))}
        roots = {str(r) for r in as_list(nic.get("rootDevices"))}
        for node in facts.nodes:
            if not _selects(node, as_dict(spec.get("nodeSelector"))):
                continue
            node_name = str(meta(node).get("name"))
            interfaces = [
                as_dict(i) for i in as_list(as_dict(as_dict(states.get(node_name)).get("status")).get("interfaces"))
            ]
            matched = [i for i in interfaces if i.get("name") in pf_names or i.get("pciAddress") in roots]
            where = f"{facts.cluster}/{node_name}"
            if not matched:
                found.append(f"{where}: policy {name} selects the node but no PF matches its nicSelector")
            for i in matched:
                if want is not None and as_int(i.get("numVfs")) != want:
                    found.append(f"{where}: policy {name} wants numVfs={want}, {i.get('name')} has {i.get('numVfs')}")
                wrong = sorted(
                    {
                        str(as_dict(v).get("driver"))
                        for v in as_list(i.get("vfs"))
                        if spec.get("deviceType") == "vfio-pci" and as_dict(v).get("driver") != "vfio-pci"
                    }
                )
                if wrong:
                    found.append(
                        f"{where}: policy {name} wants deviceType vfio-pci, "
                        f"VFs of {i.get('name')} use {', '.join(wrong)}"
                    )
    return found
