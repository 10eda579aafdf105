"""Cluster selection shared by every fan-out tool, and its resolution into backend targets.

One argument selects clusters: ``clusters``, a list of cluster names and/or ``key=value`` selectors, all of which
must hold — ``["hub", "gpu-spoke"]``, ``["environment=PRODUCTION"]``, ``["type=EDGE", "site=dallas"]``. The keys
``environment`` and ``type`` select on those cluster fields; any other key is a cluster label. One argument instead
of three (names, labels, environment) because each argument's schema is paid for on every tool and every turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from servers.mcp.deps import ToolDeps
from tools.errors import ToolInputError
from tools.fleet.models import Cluster
from tools.targets import BackendTarget

__all__ = [
    "ClustersArg",
    "EnvironmentArg",
    "LabelsArg",
    "Selection",
    "parse_selection",
    "resolve_metrics_targets",
    "resolve_targets",
    "select_clusters",
]

# Described once, in the server instructions (and the personas' base prompt), not on each of ~35 tools.
ClustersArg = list[str] | None
# fleet_list_clusters filters (the listing tool keeps explicit filters; fan-out tools take selectors in clusters).
LabelsArg = dict[str, str] | None
EnvironmentArg = Literal["PRODUCTION", "STAGING", "DEVELOPMENT", "LAB"] | None

_FIELD_KEYS = ("environment", "type")


@dataclass
class Selection:
    """A ``clusters`` argument split into names and selectors."""

    names: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    environment: str | None = None
    types: list[str] = field(default_factory=list)


def parse_selection(clusters: list[str] | None) -> Selection:
    """Split ``clusters`` into names and ``key=value`` selectors; malformed or contradictory selectors are refused."""
    if clusters is not None and not clusters:
        raise ToolInputError("clusters is an empty list.", hint="Omit clusters to ask every registered cluster.")
    selection = Selection()
    for entry in clusters or []:
        text = entry.strip()
        if "=" not in text:
            if text:
                selection.names.append(text)
            continue
        key, _, value = (part.strip() for part in text.partition("="))
        if not key or not value:
            raise ToolInputError(
                f"cluster selector {entry!r} is not key=value.",
                hint="Send a cluster name, or a selector such as environment=PRODUCTION, type=EDGE or site=dallas.",
            )
        if key == "environment":
            if selection.environment not in (None, value):
                raise ToolInputError(f"clusters asks for two environments ({selection.environment}, {value}).")
            selection.environment = value
        elif key == "type":
            selection.types.append(value)
        elif selection.labels.get(key, value) != value:
            raise ToolInputError(f"clusters asks for label {key} to be both {selection.labels[key]} and {value}.")
        else:
            selection.labels[key] = value
    if len(set(selection.types)) > 1:
        raise ToolInputError(f"clusters asks for several types at once ({', '.join(selection.types)}).")
    return selection


async def select_clusters(deps: ToolDeps, clusters: list[str] | None) -> list[Cluster]:
    """The registered clusters a tool call selects; a clear error when the selection is empty or matches nothing."""
    selection = parse_selection(clusters)
    selected = await deps.registry.select(
        names=selection.names or None,
        labels=selection.labels or None,
        environment=selection.environment,
        types=selection.types or None,
    )
    if not selected:
        raise ToolInputError(
            f"No registered cluster matches clusters={clusters}.",
            hint="Call fleet_list_clusters to see names, labels and environments, or drop a selector.",
        )
    return selected


async def resolve_metrics_targets(
    deps: ToolDeps,
    clusters: list[str] | None,
) -> tuple[list[BackendTarget], list[str]]:
    """Resolve a selection to Prometheus targets; return them with the names of selected clusters lacking one.

    In global-view mode (a Thanos/ACM querier answers for the whole fleet) every selected cluster maps to the
    querier; the metrics service then splits series by the cluster label.
    """
    selected = await select_clusters(deps, clusters)
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
    backend: Literal["alertmanager", "api", "loki", "tempo"],
) -> tuple[list[BackendTarget], list[str]]:
    """Resolve a selection to targets of ``backend``; return them with the names of selected clusters lacking one.

    Raises :class:`ToolInputError` when nothing matches or no selected cluster has that endpoint.
    """
    selected = await select_clusters(deps, clusters)
    targets, missing = await deps.registry.targets(selected, backend)
    if not targets:
        raise ToolInputError(
            f"None of the selected clusters ({', '.join(c.name for c in selected)}) has a {backend} endpoint.",
            hint=f"Register one with `aiops cluster add NAME --{backend} URL`, or select other clusters.",
        )
    return targets, missing
