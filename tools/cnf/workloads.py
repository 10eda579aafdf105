"""Detect telco network functions (vDU, vCU, UPF, AMF, SMF) among pods and attach what they depend on.

Sources (documented shapes):
- Multus annotations: ``k8s.v1.cni.cncf.io/networks`` (requested: ``"ns/name@if,..."`` or a JSON list of
  ``{name, namespace, interface}``) and ``k8s.v1.cni.cncf.io/network-status`` (JSON list of ``{name, interface,
  ips, mac, default, device-info: {type: pci, pci: {pci-address}}}``; NPWG multi-net spec v1.2).
- ``PerformanceProfile`` (performance.openshift.io/v2): ``spec.cpu.isolated`` / ``spec.cpu.reserved`` (cpusets),
  ``spec.hugepages.pages[] {size, count, node}``, ``spec.realTimeKernel.enabled``, ``spec.nodeSelector``.
- PTP: a ``linuxptp-daemon`` pod (PTP operator DaemonSet, namespace ``openshift-ptp``) on the workload's node.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

from tools.cnf.results import CnfWorkload
from tools.kubernetes.fields import as_dict, as_list, meta

__all__ = ["NETWORKS", "NETWORK_STATUS", "classify", "network_names", "summarise_workloads"]

NETWORKS = "k8s.v1.cni.cncf.io/networks"
NETWORK_STATUS = "k8s.v1.cni.cncf.io/network-status"
_FUNCTIONS = (
    ("vDU", {"du", "vdu", "odu", "gnbdu"}),
    ("vCU", {"cu", "vcu", "cucp", "cuup", "gnbcu"}),
    ("UPF", {"upf"}),
    ("AMF", {"amf"}),
    ("SMF", {"smf"}),
)
_SPLIT = re.compile(r"[^a-z0-9]+")
_LABELS = ("app", "app.kubernetes.io/name", "app.kubernetes.io/component", "component", "nf-type")


def _tokens(text: str) -> set[str]:
    lowered = text.lower()
    parts = {p for p in _SPLIT.split(lowered) if p}
    # "cu-cp" and "gnb-du" read as one token too.
    joined = lowered.replace("-", "").replace("_", "")
    return parts | {joined}


def classify(pod: dict[str, Any]) -> tuple[str, str] | None:
    """``(function, evidence)`` from labels, then the pod/owner name, then the namespace; ``None`` if no match."""
    m = meta(pod)
    labels = as_dict(m.get("labels"))
    sources = [(f"label {k}={labels[k]}", str(labels[k])) for k in _LABELS if k in labels]
    sources += [
        (f"name {m.get('name')}", str(m.get("name", ""))),
        (f"namespace {m.get('namespace')}", str(m.get("namespace", ""))),
    ]
    for evidence, text in sources:
        tokens = _tokens(text)
        for function, words in _FUNCTIONS:
            if tokens & words:
                return function, evidence
    return None


def network_names(pod: dict[str, Any]) -> list[str]:
    """Secondary networks of a pod: requested ones and those in network-status that carry a PCI device (VF)."""
    annotations = as_dict(meta(pod).get("annotations"))
    names: list[str] = []
    requested = annotations.get(NETWORKS)
    if isinstance(requested, str) and requested.strip():
        try:
            parsed = json.loads(requested)
            names += [str(as_dict(n).get("name")) for n in as_list(parsed) if as_dict(n).get("name")]
        except ValueError:
            names += [p.strip().split("@", 1)[0].rsplit("/", 1)[-1] for p in requested.split(",") if p.strip()]
    try:
        status = json.loads(str(annotations.get(NETWORK_STATUS, "[]")))
    except ValueError:
        status = []
    for entry in (as_dict(e) for e in as_list(status)):
        if entry.get("default") or as_dict(entry.get("device-info")).get("type") != "pci":
            continue
        names.append(
            str(entry.get("name", "")).rsplit("/", 1)[-1]
            + f" (VF {as_dict(as_dict(entry.get('device-info')).get('pci')).get('pci-address', '?')})"
        )
    return list(dict.fromkeys(n for n in names if n))


def _owner(pod: dict[str, Any]) -> str:
    m = meta(pod)
    refs = [as_dict(r) for r in as_list(m.get("ownerReferences"))]
    if not refs:
        return str(m.get("name", "?"))
    name = str(refs[0].get("name", "?"))
    template_hash = as_dict(m.get("labels")).get("pod-template-hash")
    if refs[0].get("kind") == "ReplicaSet" and template_hash and name.endswith(f"-{template_hash}"):
        return name[: -len(template_hash) - 1]
    return name


def _hugepages(pod: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for c in as_list(as_dict(pod.get("spec")).get("containers")):
        res = as_dict(as_dict(c).get("resources"))
        for key, value in {**as_dict(res.get("limits")), **as_dict(res.get("requests"))}.items():
            if key.startswith("hugepages-"):
                found[key] = str(value)
    return found


def _profile_for(node: dict[str, Any] | None, profiles: list[dict[str, Any]]) -> dict[str, Any] | None:
    labels = as_dict(meta(node or {}).get("labels"))
    for p in profiles:
        selector = as_dict(as_dict(p.get("spec")).get("nodeSelector"))
        if selector and all(labels.get(k) == v for k, v in selector.items()):
            return p
    return None


def summarise_workloads(
    cluster: str, pods: list[dict[str, Any]], nodes: list[dict[str, Any]], profiles: list[dict[str, Any]]
) -> list[CnfWorkload]:
    """Group telco pods by owner and describe each group with its profile, networks and PTP dependency."""
    ptp_nodes = {
        as_dict(p.get("spec")).get("nodeName")
        for p in pods
        if str(meta(p).get("name", "")).startswith("linuxptp-daemon")
        or as_dict(meta(p).get("labels")).get("app") == "linuxptp-daemon"
    }
    by_name = {str(meta(n).get("name")): n for n in nodes}
    groups: dict[tuple[str, str], list[tuple[dict[str, Any], str, str]]] = defaultdict(list)
    for pod in pods:
        if meta(pod).get("namespace") == "openshift-ptp":
            continue
        found = classify(pod)
        if found is None and (network_names(pod) or _hugepages(pod)):
            found = ("other", "SR-IOV network or hugepages")
        if found is not None:
            groups[(str(meta(pod).get("namespace")), _owner(pod))].append((pod, *found))
    workloads = []
    for (namespace, name), members in sorted(groups.items()):
        node_names = sorted(
            {
                str(as_dict(p.get("spec")).get("nodeName"))
                for p, _, _ in members
                if as_dict(p.get("spec")).get("nodeName")
            }
        )
        profile = next((pr for n in node_names if (pr := _profile_for(by_name.get(n), profiles))), None)
        spec = as_dict(as_dict(profile).get("spec"))
        cpu = as_dict(spec.get("cpu"))
        pages = [as_dict(pg) for pg in as_list(as_dict(spec.get("hugepages")).get("pages"))]
        workloads.append(
            CnfWorkload(
                cluster=cluster,
                namespace=namespace,
                name=name,
                function=members[0][1],
                detected_by=members[0][2],
                pods=len(members),
                nodes=node_names,
                sriov_networks=sorted({n for p, _, _ in members for n in network_names(p)}),
                hugepages=_hugepages(members[0][0]),
                performance_profile=meta(profile).get("name") if profile else None,
                isolated_cpus=cpu.get("isolated"),
                reserved_cpus=cpu.get("reserved"),
                profile_hugepages=[
                    f"{pg.get('count')}x{pg.get('size')}" + (f"@numa{pg['node']}" if "node" in pg else "")
                    for pg in pages
                ],
                realtime_kernel=as_dict(spec.get("realTimeKernel")).get("enabled") if profile else None,
                ptp=any(n in ptp_nodes for n in node_names),
            )
        )
    order = {"vDU": 0, "vCU": 1, "UPF": 2, "AMF": 3, "SMF": 4, "other": 5}
    workloads.sort(key=lambda w: (order.get(w.function, 9), w.namespace, w.name))
    return workloads
