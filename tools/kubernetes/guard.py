"""The read-only allow-list of the Kubernetes tools: which API paths may ever be requested.

Every request path is built here from a :class:`Resource` on the allow-list plus validated names, and checked
again by :func:`check_request_url` on the final URL, just before the client sends it. Secrets are never read:
any path with a ``secrets`` segment (core or any API group, however it is encoded) is refused before anything
is sent, whatever the arguments. ConfigMaps are not on the allow-list at all, so their values cannot be read.
Only ``GET`` exists in the client; nothing here describes a write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

import httpx

from tools.errors import ToolInputError

__all__ = [
    "ALLOWED",
    "CLUSTEROPERATORS",
    "CLUSTERPOLICIES",
    "CLUSTERVERSIONS",
    "DAEMONSETS",
    "DEPLOYMENTS",
    "EVENTS",
    "EVENTS_V1",
    "LOKISTACKS",
    "NETWORK_ATTACHMENT_DEFINITIONS",
    "NODES",
    "PERFORMANCE_PROFILES",
    "PODS",
    "PTPCONFIGS",
    "SERVICES",
    "SRIOV_NODE_POLICIES",
    "SRIOV_NODE_STATES",
    "STATEFULSETS",
    "TEMPOSTACKS",
    "ForbiddenPathError",
    "Resource",
    "check_path",
    "check_request_url",
    "discovery_path",
    "resource_path",
    "validate_name",
]

# Resources whose very name is refused in any path segment: reading them could expose credentials or values.
_FORBIDDEN_SEGMENTS = frozenset({"secrets", "configmaps"})
# DNS-1123 subdomain (object names, namespaces; node names may contain dots). No '/', '%', '..' can pass.
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_GROUP = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_VERSION = re.compile(r"^v[0-9]+((alpha|beta)[0-9]+)?$")


class ForbiddenPathError(ToolInputError):
    """A request that the read-only allow-list refuses; nothing was sent."""


@dataclass(frozen=True)
class Resource:
    """One API resource: its group (``""`` for core), version, plural name and whether it is namespaced."""

    group: str
    version: str
    plural: str
    namespaced: bool
    subresources: frozenset[str] = frozenset()

    @property
    def group_version(self) -> str:
        """``v1`` for the core group, else ``<group>/<version>``."""
        return f"{self.group}/{self.version}" if self.group else self.version

    def describe(self) -> str:
        """``pods`` or ``deployments.apps``: how RBAC messages name the resource."""
        return f"{self.plural}.{self.group}" if self.group else self.plural


NODES = Resource("", "v1", "nodes", namespaced=False)
PODS = Resource("", "v1", "pods", namespaced=True, subresources=frozenset({"log"}))
EVENTS = Resource("", "v1", "events", namespaced=True)
SERVICES = Resource("", "v1", "services", namespaced=True)
EVENTS_V1 = Resource("events.k8s.io", "v1", "events", namespaced=True)
DEPLOYMENTS = Resource("apps", "v1", "deployments", namespaced=True)
STATEFULSETS = Resource("apps", "v1", "statefulsets", namespaced=True)
DAEMONSETS = Resource("apps", "v1", "daemonsets", namespaced=True)
CLUSTERVERSIONS = Resource("config.openshift.io", "v1", "clusterversions", namespaced=False)
CLUSTEROPERATORS = Resource("config.openshift.io", "v1", "clusteroperators", namespaced=False)
LOKISTACKS = Resource("loki.grafana.com", "v1", "lokistacks", namespaced=True)
TEMPOSTACKS = Resource("tempo.grafana.com", "v1alpha1", "tempostacks", namespaced=True)
CLUSTERPOLICIES = Resource("nvidia.com", "v1", "clusterpolicies", namespaced=False)
PTPCONFIGS = Resource("ptp.openshift.io", "v1", "ptpconfigs", namespaced=True)
SRIOV_NODE_STATES = Resource("sriovnetwork.openshift.io", "v1", "sriovnetworknodestates", namespaced=True)
SRIOV_NODE_POLICIES = Resource("sriovnetwork.openshift.io", "v1", "sriovnetworknodepolicies", namespaced=True)
# Multus: k8s.cni.cncf.io/v1 NetworkAttachmentDefinition (the SR-IOV operator renders one per SriovNetwork).
NETWORK_ATTACHMENT_DEFINITIONS = Resource("k8s.cni.cncf.io", "v1", "network-attachment-definitions", namespaced=True)
# Node Tuning Operator: performance.openshift.io/v2 PerformanceProfile is cluster-scoped.
PERFORMANCE_PROFILES = Resource("performance.openshift.io", "v2", "performanceprofiles", namespaced=False)

ALLOWED: frozenset[Resource] = frozenset(
    {
        NODES,
        PODS,
        EVENTS,
        SERVICES,
        EVENTS_V1,
        DEPLOYMENTS,
        STATEFULSETS,
        DAEMONSETS,
        CLUSTERVERSIONS,
        CLUSTEROPERATORS,
        LOKISTACKS,
        TEMPOSTACKS,
        CLUSTERPOLICIES,
        PTPCONFIGS,
        SRIOV_NODE_STATES,
        SRIOV_NODE_POLICIES,
        NETWORK_ATTACHMENT_DEFINITIONS,
        PERFORMANCE_PROFILES,
    }
)


_ALLOWED_KEYS = frozenset((r.group, r.plural) for r in ALLOWED)


def _refuse(what: str) -> ForbiddenPathError:
    return ForbiddenPathError(
        f"Refused before sending: {what}.",
        hint="These tools only read nodes, pods (and their logs), events, workloads, cluster version/operators "
        "and API discovery; Secrets and ConfigMaps are never read.",
    )


def validate_name(value: str, what: str) -> str:
    """``value`` if it is a valid Kubernetes object/namespace name; a clear :class:`ToolInputError` otherwise."""
    if value.lower() in _FORBIDDEN_SEGMENTS:
        raise _refuse(f"{what} {value!r} would address a Secret/ConfigMap path")
    if not _NAME.match(value):
        raise ToolInputError(
            f"{what} {value!r} is not a valid Kubernetes name.",
            hint="Names are lower-case letters, digits, '-' and '.', starting and ending with a letter or digit.",
        )
    return value


def resource_path(
    resource: Resource, *, namespace: str | None = None, name: str | None = None, subresource: str | None = None
) -> str:
    """The API path of ``resource`` (a collection, or one object, or its subresource), checked by the allow-list."""
    # Versions vary by cluster (discovery picks them), so the allow-list is by group and resource name.
    if (resource.group, resource.plural) not in _ALLOWED_KEYS:
        raise _refuse(f"{resource.describe()} is not on the read-only allow-list")
    if not _VERSION.match(resource.version):
        raise _refuse(f"version {resource.version!r} of {resource.describe()} is not an API version")
    if subresource is not None and (name is None or subresource not in resource.subresources):
        raise _refuse(f"subresource {subresource!r} of {resource.describe()} is not on the allow-list")
    prefix = f"/apis/{resource.group}/{resource.version}" if resource.group else f"/api/{resource.version}"
    parts = [prefix]
    if namespace is not None:
        if not resource.namespaced:
            raise ToolInputError(f"{resource.describe()} are cluster-scoped: a namespace does not apply.")
        parts.append(f"namespaces/{validate_name(namespace, 'namespace')}")
    parts.append(resource.plural)
    if name is not None:
        parts.append(validate_name(name, "name"))
    if subresource is not None:
        parts.append(subresource)
    path = "/".join(parts)
    check_path(path)
    return path


def discovery_path(group: str | None = None, version: str | None = None) -> str:
    """``/apis`` (the group list) or ``/apis/<group>/<version>`` (that group-version's resource list)."""
    if group is None:
        return "/apis"
    if not _GROUP.match(group) or version is None or not _VERSION.match(version):
        raise _refuse(f"discovery path for {group!r}/{version!r} is not a valid group/version")
    path = f"/apis/{group}/{version}"
    check_path(path)
    return path


def check_path(path: str) -> None:
    """Refuse a path that touches Secrets/ConfigMaps or could escape its segment, in any encoding."""
    decoded = path
    for _ in range(5):  # undo double/triple percent-encoding (%2573 → %73 → s)
        once = unquote(decoded)
        if once == decoded:
            break
        decoded = once
    else:
        raise _refuse("a path encoded more than four times")
    lowered = decoded.lower()
    if "\\" in lowered or "?" in lowered or "#" in lowered or "%" in lowered:
        raise _refuse(f"path {path!r} carries characters that do not belong in an API path")
    segments = lowered.split("/")
    if any(s in (".", "..") for s in segments):
        raise _refuse(f"path {path!r} has a '.' or '..' segment")
    # ";" starts matrix parameters in some servers' path parsing: "secrets;x" still names secrets.
    touched = [s for s in segments if s.split(";")[0].strip() in _FORBIDDEN_SEGMENTS]
    if touched:
        raise _refuse(f"path {path!r} addresses {touched[0]}")


def check_request_url(url: httpx.URL, method: str) -> None:
    """The last check before sending: only ``GET``, and only a path that :func:`check_path` accepts."""
    if method.upper() != "GET":
        raise _refuse(f"method {method} (the Kubernetes tools only read)")
    check_path(url.raw_path.decode("ascii", "replace").split("?", 1)[0])
    check_path(url.path)
