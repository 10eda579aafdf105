"""Helpers shared by the Kubernetes object builders: times, UIDs, metadata and quantities."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from servers.sim.model import ClusterModel
from servers.sim.signals import stable_key

__all__ = ["Builder", "cpu_quantity", "install_time", "mem_quantity", "meta", "object_uid", "resource_version", "ts"]

_DAY = 86400.0

Builder = Callable[[ClusterModel, float], list[dict[str, Any]]]  # the objects of one resource at time t


def ts(t: float) -> str:
    """A Kubernetes timestamp (RFC 3339, whole seconds, UTC)."""
    return datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def object_uid(*parts: object) -> str:
    """A stable UUID for an object identified by `parts`."""
    return str(uuid.UUID(int=stable_key("uid", *parts) << 64 | stable_key("uid2", *parts), version=4))


def resource_version(t: float) -> str:
    """The (opaque, growing) resourceVersion of a list read at time `t`."""
    return str(int(t * 10) % 10**11)


def install_time(model: ClusterModel) -> float:
    """When the cluster was installed: a month before its oldest node last booted."""
    return model.anchor - (max(n.uptime_days for n in model.spec.nodes) + 30) * _DAY


def meta(
    name: str,
    created: float,
    *,
    namespace: str | None = None,
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
    owner: dict[str, Any] | None = None,
    generation: int | None = None,
    uid: str | None = None,
) -> dict[str, Any]:
    """An ObjectMeta with the fields the API server fills in."""
    out: dict[str, Any] = {"name": name}
    if namespace is not None:
        out["namespace"] = namespace
    out["uid"] = uid or object_uid(namespace or "", name)
    out["resourceVersion"] = str(stable_key("rv", namespace, name) % 90_000_000 + 10_000_000)
    if generation is not None:
        out["generation"] = generation
    out["creationTimestamp"] = ts(created)
    if labels:
        out["labels"] = labels
    if annotations:
        out["annotations"] = annotations
    if owner:
        out["ownerReferences"] = [owner]
    return out


def cpu_quantity(cores: float) -> str:
    """`2`, `500m`."""
    return str(int(cores)) if float(cores).is_integer() else f"{round(cores * 1000)}m"


def mem_quantity(size: int) -> str:
    """`1Gi`, `620Mi`, or `Ki` when not a whole number of MiB."""
    for unit, factor in (("Gi", 1024**3), ("Mi", 1024**2), ("Ki", 1024)):
        if size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)
