"""Detect what a cluster runs from its Kubernetes API: operators and stacks that the metrics alone cannot show.

The API's discovery documents come first: ``/apis`` (APIGroupList) says which groups are served, and
``/apis/<group>/<version>`` (APIResourceList) whether the resource is one of them. Only then is the resource
listed (``limit=1``, all namespaces), because an installed CRD without any instance means nothing is deployed:

- ``lokistack``: ``lokistacks.loki.grafana.com``; ``tempostack``: ``tempostacks.tempo.grafana.com``;
- ``gpu_operator``: ``clusterpolicies.nvidia.com``, or a DaemonSet labelled ``app=nvidia-dcgm-exporter``;
- ``ptp_operator``: ``ptpconfigs.ptp.openshift.io``;
- ``sriov_operator``: ``sriovnetworknodestates.sriovnetwork.openshift.io``;
- ``monitoring_stack``: the ``thanos-querier`` or ``prometheus-k8s`` Service in ``openshift-monitoring``.

Nothing is guessed: a flag that could not be determined (e.g. RBAC forbids the list) is left out of
:attr:`ApiDiscovery.flags` and explained in :attr:`ApiDiscovery.notes`, so the caller keeps what it knew before.
When ``/apis`` itself cannot be read, :class:`~tools.errors.BackendError` is raised and nothing is known.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, NamedTuple

import httpx

from tools.errors import BackendError
from tools.kubernetes.client import KubeClient, KubeNotFoundError
from tools.kubernetes.fields import as_dict, as_list
from tools.kubernetes.guard import DAEMONSETS, SERVICES, Resource
from tools.targets import BackendTarget

__all__ = ["API_CAPABILITIES", "CRD_MARKERS", "ApiDiscovery", "CrdMarker", "discover_capabilities"]

API_CAPABILITIES = ("monitoring_stack", "lokistack", "tempostack", "gpu_operator", "ptp_operator", "sriov_operator")
_MONITORING_NAMESPACE = "openshift-monitoring"
_MONITORING_SERVICES = ("thanos-querier", "prometheus-k8s")
_DCGM_SELECTOR = "app=nvidia-dcgm-exporter"


@dataclass(frozen=True)
class CrdMarker:
    """A capability marked by instances of one API resource."""

    capability: str
    group: str
    plural: str
    namespaced: bool


CRD_MARKERS: tuple[CrdMarker, ...] = (
    CrdMarker("lokistack", "loki.grafana.com", "lokistacks", namespaced=True),
    CrdMarker("tempostack", "tempo.grafana.com", "tempostacks", namespaced=True),
    CrdMarker("gpu_operator", "nvidia.com", "clusterpolicies", namespaced=False),
    CrdMarker("ptp_operator", "ptp.openshift.io", "ptpconfigs", namespaced=True),
    CrdMarker("sriov_operator", "sriovnetwork.openshift.io", "sriovnetworknodestates", namespaced=True),
)


class ApiDiscovery(NamedTuple):
    """Flags that were determined (absent = unknown) and why any were not."""

    flags: dict[str, bool]
    notes: list[str]


def _groups(doc: dict[str, Any]) -> dict[str, list[str]]:
    """``{group name: [versions, preferred first]}`` from an APIGroupList."""
    groups: dict[str, list[str]] = {}
    for raw in as_list(doc.get("groups")):
        g = as_dict(raw)
        preferred = as_dict(g.get("preferredVersion")).get("version")
        versions = [str(as_dict(v).get("version")) for v in as_list(g.get("versions")) if as_dict(v).get("version")]
        if g.get("name"):
            groups[str(g["name"])] = ([preferred] if preferred else []) + [v for v in versions if v != preferred]
    return groups


async def _count_marker(kube: KubeClient, marker: CrdMarker, versions: list[str]) -> bool:
    """Whether at least one instance of ``marker`` exists (``False`` when the API does not serve it)."""
    for version in versions:
        try:
            doc = await kube.discovery(marker.group, version)
        except KubeNotFoundError:
            continue
        served = {str(as_dict(r).get("name")) for r in as_list(doc.get("resources"))}
        if marker.plural in served:
            resource = Resource(marker.group, version, marker.plural, namespaced=marker.namespaced)
            return bool((await kube.list(resource, limit=1)).items)
    return False


async def _monitoring(kube: KubeClient) -> bool:
    for name in _MONITORING_SERVICES:
        try:
            await kube.get(SERVICES, name, namespace=_MONITORING_NAMESPACE)
            return True
        except KubeNotFoundError:
            continue
    return False


async def _dcgm_daemonset(kube: KubeClient) -> bool:
    return bool((await kube.list(DAEMONSETS, limit=1, label_selector=_DCGM_SELECTOR)).items)


async def _settle(name: str, check: Awaitable[bool]) -> tuple[str, bool | str]:
    """Run one check; its flag, or the reason it is unknown (an API refusal or failure, never a guess)."""
    try:
        return name, bool(await check)
    except BackendError as exc:
        reason = str(exc).split(" | ")[0]
        return name, f"{name} unknown: {reason}" + (f" (HTTP {exc.status})" if exc.status else "")


async def discover_capabilities(http: httpx.AsyncClient, target: BackendTarget) -> ApiDiscovery:
    """Discover :data:`API_CAPABILITIES` of the cluster behind ``target`` (its ``api`` endpoint).

    Raises :class:`~tools.errors.BackendError` when the group list itself cannot be read. The caller bounds the
    time taken (``asyncio.timeout``).
    """
    kube = KubeClient(http, target)
    groups = _groups(await kube.discovery())
    checks = [_settle(m.capability, _count_marker(kube, m, groups[m.group])) for m in CRD_MARKERS if m.group in groups]
    checks += [_settle("monitoring_stack", _monitoring(kube)), _settle("dcgm_exporter", _dcgm_daemonset(kube))]
    settled = dict(await asyncio.gather(*checks))
    flags: dict[str, bool] = {m.capability: False for m in CRD_MARKERS if m.group not in groups}
    notes: list[str] = []
    for name, value in settled.items():
        if isinstance(value, bool):
            flags[name] = value
        elif name != "dcgm_exporter":
            flags.pop(name, None)
            notes.append(value)
    dcgm = settled.pop("dcgm_exporter")
    if dcgm is True:
        flags["gpu_operator"] = True
        notes = [n for n in notes if not n.startswith("gpu_operator unknown")]
    elif isinstance(dcgm, str) and flags.get("gpu_operator") is not True:
        flags.pop("gpu_operator", None)  # no ClusterPolicy seen and the DaemonSet could not be checked: unknown
        notes.append(dcgm.replace("dcgm_exporter", "gpu_operator (dcgm-exporter DaemonSet)"))
    return ApiDiscovery(flags={k: flags[k] for k in API_CAPABILITIES if k in flags}, notes=notes)
