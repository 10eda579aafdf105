"""Summarise ``PodList`` items for diagnosis: phase, readiness, restarts, why a pod is unhealthy, how it last died.

Shapes follow the core/v1 Pod: ``status.phase``, ``status.containerStatuses[]`` (and ``initContainerStatuses``)
with ``ready``, ``restartCount``, ``state.waiting.reason`` (CrashLoopBackOff, ImagePullBackOff, ...) and
``lastState.terminated`` (``reason`` such as OOMKilled or Error, ``exitCode``, ``finishedAt``), the pod's
``status.reason`` (Evicted), ``metadata.ownerReferences`` and ``spec.nodeName``.
"""

from __future__ import annotations

from typing import Any

from tools.kubernetes.fields import as_dict, as_int, as_list, meta
from tools.kubernetes.results import LastTermination, PodItem

__all__ = ["pod_sort_key", "summarise_pod"]

# Waiting reasons that are normal while a pod starts; any other waiting reason is a problem.
_BENIGN_WAITING = {"ContainerCreating", "PodInitializing"}


def _last_termination(statuses: list[dict[str, Any]]) -> LastTermination | None:
    """The most recent termination among the containers (current state first, then lastState)."""
    latest: tuple[str, LastTermination] | None = None
    for cs in statuses:
        for state_key in ("state", "lastState"):
            term = as_dict(as_dict(cs.get(state_key)).get("terminated"))
            if not term:
                continue
            finished = str(term.get("finishedAt") or "")
            item = LastTermination(
                container=str(cs.get("name", "?")),
                reason=term.get("reason"),
                exit_code=term.get("exitCode") if isinstance(term.get("exitCode"), int) else None,
                finished_at=finished or None,
            )
            if latest is None or finished > latest[0]:
                latest = (finished, item)
            break
    return latest[1] if latest else None


def _problem(
    phase: str, pod_reason: str | None, statuses: list[dict[str, Any]], init: list[dict[str, Any]]
) -> str | None:
    if pod_reason:  # Evicted, NodeLost, UnexpectedAdmissionError, ...
        return pod_reason
    for cs in [*init, *statuses]:
        waiting = as_dict(as_dict(cs.get("state")).get("waiting"))
        reason = waiting.get("reason")
        if reason and reason not in _BENIGN_WAITING:
            return str(reason)
    for cs in statuses:
        term = as_dict(as_dict(cs.get("state")).get("terminated"))
        if term and term.get("reason") not in (None, "Completed") and phase != "Succeeded":
            return str(term["reason"])
    if phase in ("Failed", "Unknown"):
        return phase
    if phase == "Pending":
        return "Pending"
    if phase == "Running" and any(not cs.get("ready") for cs in statuses):
        last = _last_termination(statuses)
        if last and last.reason and last.reason != "Completed":
            return f"NotReady (last exit {last.reason})"
        return "NotReady"
    return None


def summarise_pod(cluster: str, obj: dict[str, Any]) -> PodItem:
    """One pod as a :class:`PodItem`; ``problem`` is ``None`` for a healthy (or completed) pod."""
    metadata, spec, status = meta(obj), as_dict(obj.get("spec")), as_dict(obj.get("status"))
    statuses = [as_dict(s) for s in as_list(status.get("containerStatuses"))]
    init = [as_dict(s) for s in as_list(status.get("initContainerStatuses"))]
    phase = str(status.get("phase") or "Unknown")
    containers = len(as_list(spec.get("containers"))) or len(statuses)
    ready = sum(1 for cs in statuses if cs.get("ready"))
    restarts = sum(as_int(cs.get("restartCount")) for cs in [*init, *statuses])
    owners = [as_dict(o) for o in as_list(metadata.get("ownerReferences"))]
    owner = next((o for o in owners if o.get("controller")), owners[0] if owners else {})
    last = _last_termination([*init, *statuses])
    return PodItem(
        cluster=cluster,
        namespace=str(metadata.get("namespace", "?")),
        name=str(metadata.get("name", "?")),
        phase=phase,
        ready=f"{ready}/{containers}",
        restarts=restarts,
        problem=_problem(phase, status.get("reason"), statuses, init),
        last_termination=last if (last and (restarts or last.reason not in (None, "Completed"))) else None,
        owner_kind=owner.get("kind"),
        owner_name=owner.get("name"),
        node=spec.get("nodeName"),
        started=status.get("startTime"),
    )


def pod_sort_key(pod: PodItem) -> tuple[int, int, str, str, str]:
    """Problem pods first (most restarts first among them), then by cluster, namespace and name."""
    return (0 if pod.problem else 1, -pod.restarts, pod.cluster, pod.namespace, pod.name)
