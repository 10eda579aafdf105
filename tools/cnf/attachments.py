"""SR-IOV NetworkAttachmentDefinitions and the pods attached to them, read from one cluster's API.

Shapes (k8s.cni.cncf.io/v1, the Kubernetes Network Plumbing WG "Network Attachment Definition" spec, and the SR-IOV
network operator, which renders one NetworkAttachmentDefinition per SriovNetwork into its ``networkNamespace``):
``metadata.annotations["k8s.v1.cni.cncf.io/resourceName"]`` names the device-plugin resource whose VFs back the
network, ``spec.config`` is the CNI configuration as a JSON string (``type`` "sriov", ``vlan``...). Pods ask for
networks in the ``k8s.v1.cni.cncf.io/networks`` annotation (a JSON list of ``{"name", "namespace"}`` or a
comma-separated ``[ns/]name[@iface]`` list) and Multus reports what it attached in
``k8s.v1.cni.cncf.io/network-status``. Only the CNI type and VLAN are taken from ``spec.config``: the rest of a CNI
configuration (IPAM servers, plugin options) is never returned.
"""

from __future__ import annotations

import json
from typing import Any

from tools.cnf.results import SriovAttachment
from tools.cnf.workloads import NETWORK_STATUS, NETWORKS
from tools.kubernetes.fields import as_dict, as_list, meta

__all__ = ["RESOURCE_ANNOTATION", "requested_networks", "summarise_attachments"]

RESOURCE_ANNOTATION = "k8s.v1.cni.cncf.io/resourceName"
_DONE_PHASES = ("Succeeded", "Failed")


def requested_networks(pod: dict[str, Any]) -> set[str]:
    """``namespace/name`` of each secondary network the pod asks for or was attached to."""
    m = meta(pod)
    annotations = as_dict(m.get("annotations"))
    pod_ns = str(m.get("namespace", ""))
    found: set[str] = set()
    raw = annotations.get(NETWORKS)
    if isinstance(raw, str) and raw.strip():
        try:
            found |= {
                f"{as_dict(n).get('namespace') or pod_ns}/{as_dict(n).get('name')}"
                for n in as_list(json.loads(raw))
                if as_dict(n).get("name")
            }
        except ValueError:
            for part in (p.strip().split("@", 1)[0] for p in raw.split(",")):
                if part:
                    found.add(part if "/" in part else f"{pod_ns}/{part}")
    try:
        status = json.loads(str(annotations.get(NETWORK_STATUS, "[]")))
    except ValueError:
        status = []
    found |= {str(e.get("name")) for e in map(as_dict, as_list(status)) if not e.get("default") and e.get("name")}
    return found


def _cni(nad: dict[str, Any]) -> tuple[str | None, int | None, str | None]:
    """The CNI type and VLAN of a NetworkAttachmentDefinition, and a problem when its config is unreadable."""
    text = as_dict(nad.get("spec")).get("config")
    if not text:
        return None, None, None  # a config-less NAD names a CNI config file on the node: nothing to read here
    try:
        config = as_dict(json.loads(str(text)))
    except ValueError:
        return None, None, "spec.config is not valid JSON: Multus cannot attach this network"
    plugins = [as_dict(p) for p in as_list(config.get("plugins"))] or [config]
    first = plugins[0]
    vlan = first.get("vlan")
    return (str(first["type"]) if first.get("type") else None), (vlan if isinstance(vlan, int) else None), None


def summarise_attachments(
    cluster: str, nads: list[dict[str, Any]], pods: list[dict[str, Any]], advertised: set[str]
) -> tuple[list[SriovAttachment], list[str]]:
    """SR-IOV attachments with their pods and problems, plus pods that ask for an SR-IOV-looking network that has no
    NetworkAttachmentDefinition. ``advertised`` = ``openshift.io/*`` resources some node advertises."""
    live = [p for p in pods if as_dict(p.get("status")).get("phase") not in _DONE_PHASES]
    wants = {f"{meta(p).get('namespace')}/{meta(p).get('name')}": requested_networks(p) for p in live}
    attachments: list[SriovAttachment] = []
    known: set[str] = set()
    for nad in nads:
        m = meta(nad)
        key = f"{m.get('namespace')}/{m.get('name')}"
        known.add(key)
        resource = as_dict(m.get("annotations")).get(RESOURCE_ANNOTATION)
        cni_type, vlan, problem = _cni(nad)
        if resource is None and cni_type != "sriov":
            continue  # not an SR-IOV network (bridge, macvlan, OVN secondary...)
        if problem is None and resource is None:
            problem = f"no {RESOURCE_ANNOTATION} annotation: pods on this network get no VF"
        elif problem is None and resource not in advertised:
            problem = f"{resource} is advertised by no node (SriovNetworkNodePolicy missing or not applied)"
        attachments.append(
            SriovAttachment(
                cluster=cluster,
                namespace=str(m.get("namespace", "")),
                name=str(m.get("name", "")),
                resource=str(resource) if resource is not None else None,
                cni_type=cni_type,
                vlan=vlan,
                pods=sorted(pod for pod, nets in wants.items() if key in nets),
                problem=problem,
            )
        )
    missing = sorted(
        f"{cluster}: {pod} asks for network {net}, which has no NetworkAttachmentDefinition"
        for pod, nets in wants.items()
        for net in nets
        if net not in known and "ovn-kubernetes" not in net
    )
    attachments.sort(key=lambda a: (a.problem is None, a.namespace, a.name))
    return attachments, missing
