"""Summarise the rollout state of Deployments, StatefulSets and DaemonSets (apps/v1).

Deployment: ``spec.replicas``/``spec.paused`` and ``status.{updated,ready,available,unavailable}Replicas``, with the
``Progressing`` condition (reason ``ProgressDeadlineExceeded`` = stalled) and ``Available``. StatefulSet:
``status.{updated,ready,available}Replicas`` and ``currentRevision``/``updateRevision``. DaemonSet:
``status.{desired,updated}NumberScheduled``, ``numberReady``, ``numberAvailable``, ``numberUnavailable``. Every kind:
``metadata.generation`` vs ``status.observedGeneration`` (the controller has not seen the latest spec yet).
"""

from __future__ import annotations

from typing import Any, Literal

from tools.kubernetes.fields import as_dict, as_int, as_list, conditions, meta
from tools.kubernetes.guard import DAEMONSETS, DEPLOYMENTS, STATEFULSETS, Resource
from tools.kubernetes.results import WorkloadItem

__all__ = ["KINDS", "WorkloadKind", "summarise_workload", "workload_sort_key"]

WorkloadKind = Literal["deployment", "statefulset", "daemonset"]
KINDS: dict[str, tuple[Resource, Literal["Deployment", "StatefulSet", "DaemonSet"]]] = {
    "deployment": (DEPLOYMENTS, "Deployment"),
    "statefulset": (STATEFULSETS, "StatefulSet"),
    "daemonset": (DAEMONSETS, "DaemonSet"),
}
_ROLLOUT_RANK = {"stalled": 0, "degraded": 1, "progressing": 2, "paused": 3, "scaled-to-zero": 4, "complete": 5}


def _counts(kind: str, spec: dict[str, Any], status: dict[str, Any]) -> tuple[int, int, int, int, int]:
    """``(desired, updated, ready, available, unavailable)`` for any of the three kinds."""
    if kind == "daemonset":
        desired = as_int(status.get("desiredNumberScheduled"))
        available = as_int(status.get("numberAvailable"))
        unavailable = as_int(status.get("numberUnavailable"), max(desired - available, 0))
        return (
            desired,
            as_int(status.get("updatedNumberScheduled")),
            as_int(status.get("numberReady")),
            available,
            unavailable,
        )
    desired = as_int(spec.get("replicas"), 1)
    available = as_int(status.get("availableReplicas"))
    unavailable = as_int(status.get("unavailableReplicas"), max(desired - available, 0))
    return desired, as_int(status.get("updatedReplicas")), as_int(status.get("readyReplicas")), available, unavailable


def _rollout(
    kind: str, paused: bool, counts: tuple[int, int, int, int, int], stale: bool, status: dict[str, Any]
) -> Literal["complete", "progressing", "stalled", "paused", "degraded", "scaled-to-zero"]:
    desired, updated, ready, available, unavailable = counts
    progressing = next(
        (as_dict(c) for c in as_list(status.get("conditions")) if as_dict(c).get("type") == "Progressing"), {}
    )
    if progressing.get("reason") == "ProgressDeadlineExceeded" or progressing.get("status") == "False":
        return "stalled"
    if paused:
        return "paused"
    if desired == 0:
        return "scaled-to-zero"
    revision_pending = kind == "statefulset" and status.get("updateRevision") not in (
        None,
        status.get("currentRevision"),
    )
    if stale or updated < desired or revision_pending:
        return "progressing"
    if available < desired or ready < desired or unavailable:
        return "degraded"
    return "complete"


def summarise_workload(cluster: str, kind: str, obj: dict[str, Any]) -> WorkloadItem:
    """One workload as a :class:`WorkloadItem` (``kind``: deployment, statefulset or daemonset)."""
    metadata, spec, status = meta(obj), as_dict(obj.get("spec")), as_dict(obj.get("status"))
    generation = metadata.get("generation") if isinstance(metadata.get("generation"), int) else None
    observed = status.get("observedGeneration") if isinstance(status.get("observedGeneration"), int) else None
    stale = generation is not None and (observed is None or observed < generation)
    paused = bool(spec.get("paused"))
    counts = _counts(kind, spec, status)
    template_spec = as_dict(as_dict(spec.get("template")).get("spec"))
    images = [str(as_dict(c).get("image")) for c in as_list(template_spec.get("containers")) if as_dict(c).get("image")]
    desired, updated, ready, available, unavailable = counts
    return WorkloadItem(
        cluster=cluster,
        kind=KINDS[kind][1],
        namespace=str(metadata.get("namespace", "?")),
        name=str(metadata.get("name", "?")),
        rollout=_rollout(kind, paused, counts, stale, status),
        desired=desired,
        updated=updated,
        ready=ready,
        available=available,
        unavailable=unavailable,
        paused=paused,
        generation=generation,
        observed_generation=observed,
        images=images[:5],
        conditions=conditions(status),
    )


def workload_sort_key(item: WorkloadItem) -> tuple[int, str, str, str, str]:
    """Stalled, degraded and progressing rollouts first, then by cluster, namespace, kind and name."""
    return (_ROLLOUT_RANK[item.rollout], item.cluster, item.namespace, item.kind, item.name)
