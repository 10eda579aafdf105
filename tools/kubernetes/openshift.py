"""OpenShift's cluster version and operators (config.openshift.io/v1), and the plain-Kubernetes fallback.

``ClusterVersion`` ``version``: ``spec.channel``, ``status.desired {version, image}``, ``status.history[]``
(``state`` Completed/Partial, ``version``, ``startedTime``, ``completionTime``; most recent first),
``status.conditions`` (Available, Failing, Progressing, RetrievedUpdates, Upgradeable...) and
``status.availableUpdates``. ``ClusterOperator``: ``status.conditions`` Available/Progressing/Degraded and
``status.versions[{name: operator, version}]``. On plain Kubernetes the ClusterVersion resource does not exist
(404) and ``/version`` (``gitVersion``) answers instead.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tools.errors import BackendError
from tools.gather import collect
from tools.kubernetes.client import KubeClient, KubeNotFoundError
from tools.kubernetes.context import KubeContext
from tools.kubernetes.fields import as_dict, as_list, conditions, meta, trim
from tools.kubernetes.guard import CLUSTEROPERATORS, CLUSTERVERSIONS
from tools.kubernetes.results import ClusterVersionInfo, ClusterVersionResult, OperatorItem, VersionEntry
from tools.sizecap import CapPlan, fit_to_cap
from tools.targets import BackendTarget

__all__ = ["fetch_cluster_versions", "kubernetes_version", "openshift_version", "unhealthy_operators"]

_HISTORY_KEPT = 5
_CV_CONDITIONS = ("Available", "Failing", "Progressing", "Upgradeable", "RetrievedUpdates", "ReleaseAccepted")


def openshift_version(
    cluster: str, cv: dict[str, Any], operators: list[dict[str, Any]] | None, kube: dict[str, Any] | None
) -> ClusterVersionInfo:
    """Summarise a ClusterVersion (plus ClusterOperators and ``/version`` when they were readable)."""
    spec, status = as_dict(cv.get("spec")), as_dict(cv.get("status"))
    desired = as_dict(status.get("desired"))
    history = [
        VersionEntry(
            version=h.get("version"),
            state=h.get("state"),
            started=h.get("startedTime"),
            completed=h.get("completionTime"),
        )
        for h in (as_dict(x) for x in as_list(status.get("history"))[:_HISTORY_KEPT])
    ]
    available_updates = status.get("availableUpdates")
    return ClusterVersionInfo(
        cluster=cluster,
        platform="openshift",
        version=desired.get("version") or (history[0].version if history else None),
        kubernetes_version=(kube or {}).get("gitVersion"),
        channel=spec.get("channel"),
        desired_image=desired.get("image"),
        available_updates=len(available_updates) if isinstance(available_updates, list) else 0,
        history=history,
        conditions=conditions(status, only=_CV_CONDITIONS),
        operators_total=len(operators) if operators is not None else None,
        operators_unhealthy=unhealthy_operators(operators or []),
    )


def kubernetes_version(cluster: str, kube: dict[str, Any]) -> ClusterVersionInfo:
    """A plain Kubernetes cluster: only ``/version`` is known."""
    return ClusterVersionInfo(
        cluster=cluster,
        platform="kubernetes",
        version=kube.get("gitVersion"),
        kubernetes_version=kube.get("gitVersion"),
    )


def unhealthy_operators(operators: list[dict[str, Any]]) -> list[OperatorItem]:
    """ClusterOperators that are Degraded, Progressing or not Available; unavailable and degraded first."""
    found: list[tuple[int, OperatorItem]] = []
    for op in operators:
        conds = {c.type: c for c in conditions(as_dict(op.get("status")))}
        available = conds["Available"].status if "Available" in conds else None
        progressing = conds["Progressing"].status if "Progressing" in conds else None
        degraded = conds["Degraded"].status if "Degraded" in conds else None
        if available == "True" and progressing != "True" and degraded != "True":
            continue
        rank = 0 if available != "True" else (1 if degraded == "True" else 2)
        worst = conds.get("Available") if rank == 0 else conds.get("Degraded" if rank == 1 else "Progressing")
        versions = [as_dict(v) for v in as_list(as_dict(op.get("status")).get("versions"))]
        version = next((v.get("version") for v in versions if v.get("name") == "operator"), None)
        found.append(
            (
                rank,
                OperatorItem(
                    name=str(meta(op).get("name", "?")),
                    version=version,
                    available=available,
                    progressing=progressing,
                    degraded=degraded,
                    message=trim(worst.message if worst else None, 240),
                ),
            )
        )
    return [item for _, item in sorted(found, key=lambda pair: (pair[0], pair[1].name))]


async def _optional(call: Any, what: str, cluster: str, notes: list[str]) -> Any:
    """The answer of a secondary read, or ``None`` with a note saying why it is missing."""
    try:
        return await call
    except BackendError as exc:
        notes.append(f"{cluster}: {what} not read ({str(exc).split(' | ')[0]}).")
        return None


async def _one_cluster(kube: KubeClient, cluster: str) -> tuple[ClusterVersionInfo, list[str]]:
    notes: list[str] = []
    try:
        cv = await kube.get(CLUSTERVERSIONS, "version")
    except KubeNotFoundError:
        notes.append(f"{cluster}: ClusterVersion does not exist (not OpenShift); showing the API server's /version.")
        return kubernetes_version(cluster, await kube.version()), notes
    listed, kube_version = await asyncio.gather(
        _optional(kube.list(CLUSTEROPERATORS), "ClusterOperators", cluster, notes),
        _optional(kube.version(), "/version", cluster, notes),
    )
    operators = listed.items if listed is not None else None
    return openshift_version(cluster, cv, operators, kube_version), notes


async def fetch_cluster_versions(ctx: KubeContext, targets: list[BackendTarget]) -> ClusterVersionResult:
    """Version and upgrade health of each selected cluster (OpenShift or plain Kubernetes)."""
    collected = await collect(
        targets,
        lambda t: _one_cluster(ctx.client(t), t.cluster),
        backend="api",
        timeout=ctx.limits.cluster_timeout_s,
        concurrency=ctx.limits.concurrency,
        hints=ctx.hints,
        query="get clusterversions.config.openshift.io 'version'",
    )
    infos = [info for _, (info, _) in collected.values]
    notes = [n for _, (_, cluster_notes) in collected.values for n in cluster_notes]
    # Clusters with failing operators or a Failing/Progressing upgrade first.
    infos.sort(key=lambda i: (0 if i.operators_unhealthy else 1, i.cluster))
    result = ClusterVersionResult(
        clusters=collected.outcomes,
        answered=collected.answered,
        notes=[*collected.notes, *notes],
        versions=infos,
        total=len(infos),
        returned=len(infos),
    )
    fit_to_cap(result, ctx.limits.response_max_bytes, CapPlan(items="versions"))
    return result
