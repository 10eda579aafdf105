"""Summarise ``NodeList`` items for diagnosis: readiness, pressure, allocatable resources, taints and roles.

Shapes follow the core/v1 Node: ``status.conditions`` (Ready, MemoryPressure, DiskPressure, PIDPressure,
NetworkUnavailable), ``status.allocatable`` (quantities as strings, e.g. ``"3500m"``, ``"15Gi"``, and extended
resources such as ``nvidia.com/gpu``), ``status.nodeInfo.kubeletVersion``, ``spec.taints`` and
``spec.unschedulable``; roles come from ``node-role.kubernetes.io/<role>`` labels.
"""

from __future__ import annotations

from typing import Any

from tools.kubernetes.fields import as_dict, as_list, conditions, meta
from tools.kubernetes.results import NodeItem

__all__ = ["NODE_CONDITIONS", "node_sort_key", "summarise_node"]

NODE_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable")
_PRESSURES = ("MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable")
_ALLOCATABLE = ("cpu", "memory", "pods", "ephemeral-storage")
_ROLE_PREFIX = "node-role.kubernetes.io/"


def summarise_node(cluster: str, obj: dict[str, Any]) -> NodeItem:
    """One node as a :class:`NodeItem`; ``problems`` says why it needs attention (empty when healthy)."""
    metadata, spec, status = meta(obj), as_dict(obj.get("spec")), as_dict(obj.get("status"))
    conds = conditions(status, only=NODE_CONDITIONS)
    by_type = {c.type: c.status for c in conds}
    ready = by_type.get("Ready", "Unknown")
    problems: list[str] = []
    if ready != "True":
        problems.append("NotReady" if ready == "False" else "ReadyUnknown")
    problems += [p for p in _PRESSURES if by_type.get(p) == "True"]
    unschedulable = bool(spec.get("unschedulable"))
    if unschedulable:
        problems.append("cordoned")
    allocatable_raw = as_dict(status.get("allocatable"))
    allocatable = {k: str(allocatable_raw[k]) for k in _ALLOCATABLE if k in allocatable_raw}
    # Extended resources (GPUs, SR-IOV VFs, hugepages) are what the fleet's GPU/CNF questions are about.
    allocatable |= {k: str(v) for k, v in allocatable_raw.items() if "/" in k or k.startswith("hugepages-")}
    labels = as_dict(metadata.get("labels"))
    roles = sorted(k[len(_ROLE_PREFIX) :] for k in labels if k.startswith(_ROLE_PREFIX) and k != _ROLE_PREFIX)
    taints = []
    for raw in as_list(spec.get("taints")):
        t = as_dict(raw)
        value = f"={t['value']}" if t.get("value") else ""
        taints.append(f"{t.get('key', '?')}{value}:{t.get('effect', '?')}")
    return NodeItem(
        cluster=cluster,
        name=str(metadata.get("name", "?")),
        ready=ready,
        problems=problems,
        roles=roles,
        kubelet_version=as_dict(status.get("nodeInfo")).get("kubeletVersion"),
        unschedulable=unschedulable,
        allocatable=allocatable,
        taints=taints,
        conditions=conds,
    )


def node_sort_key(node: NodeItem) -> tuple[int, int, str, str]:
    """Not-ready first, then nodes with other problems, then by cluster and name."""
    return (0 if node.ready != "True" else 1, 0 if node.problems else 1, node.cluster, node.name)
