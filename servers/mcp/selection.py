"""Cluster-selection arguments shared by every fan-out tool, and their resolution into backend targets."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from servers.mcp.deps import ToolDeps
from tools.errors import ToolInputError
from tools.fleet.models import Cluster
from tools.targets import BackendTarget

__all__ = [
    "ClustersArg",
    "EnvironmentArg",
    "LabelsArg",
    "resolve_metrics_targets",
    "resolve_targets",
    "select_clusters",
]

# The selection arguments appear on almost every tool, and every client pays for each copy of their schema on every
# turn: their meaning is stated once, in the server instructions; here only what a name alone leaves open.
ClustersArg = Annotated[list[str] | None, Field(description="Cluster names; default all")]
LabelsArg = Annotated[dict[str, str] | None, Field(description="Only clusters with these labels")]
EnvironmentArg = Literal["PRODUCTION", "STAGING", "DEVELOPMENT", "LAB"] | None


async def select_clusters(
    deps: ToolDeps, clusters: list[str] | None, labels: dict[str, str] | None, environment: str | None
) -> list[Cluster]:
    """The registered clusters a tool call selects; a clear error when the selection is empty or matches nothing."""
    if clusters is not None and not clusters:
        raise ToolInputError("clusters is an empty list.", hint="Omit clusters to ask every registered cluster.")
    selected = await deps.registry.select(names=clusters, labels=labels, environment=environment)
    if not selected:
        raise ToolInputError(
            "No registered cluster matches the selection "
            f"(clusters={clusters}, labels={labels}, environment={environment}).",
            hint="Call fleet_list_clusters to see names, labels and environments, or drop a filter.",
        )
    return selected


async def resolve_metrics_targets(
    deps: ToolDeps,
    clusters: list[str] | None,
    labels: dict[str, str] | None,
    environment: str | None,
) -> tuple[list[BackendTarget], list[str]]:
    """Resolve a selection to Prometheus targets; return them with the names of selected clusters lacking one.

    In global-view mode (a Thanos/ACM querier answers for the whole fleet) every selected cluster maps to the
    querier; the metrics service then splits series by the cluster label.
    """
    selected = await select_clusters(deps, clusters, labels, environment)
    if deps.global_view is not None:
        base = deps.global_view
        return [
            BackendTarget(cluster=c.name, backend="thanos", base_url=base.base_url, auth=base.auth, tls=base.tls)
            for c in selected
        ], []
    targets, missing = await deps.registry.targets(selected, "prometheus")
    if not targets:
        raise ToolInputError(
            f"None of the selected clusters ({', '.join(c.name for c in selected)}) has a Prometheus endpoint.",
            hint="Register one with `aiops cluster add NAME --prometheus URL`, or select other clusters.",
        )
    return targets, missing


async def resolve_targets(
    deps: ToolDeps,
    clusters: list[str] | None,
    labels: dict[str, str] | None,
    environment: str | None,
    backend: Literal["alertmanager", "api", "loki", "tempo"],
) -> tuple[list[BackendTarget], list[str]]:
    """Resolve a selection to targets of ``backend``; return them with the names of selected clusters lacking one.

    Raises :class:`ToolInputError` when nothing matches or no selected cluster has that endpoint.
    """
    selected = await select_clusters(deps, clusters, labels, environment)
    targets, missing = await deps.registry.targets(selected, backend)
    if not targets:
        raise ToolInputError(
            f"None of the selected clusters ({', '.join(c.name for c in selected)}) has a {backend} endpoint.",
            hint=f"Register one with `aiops cluster add NAME --{backend} URL`, or select other clusters.",
        )
    return targets, missing
