"""Result models of the fleet tools (they follow the one result contract of :mod:`tools.contract`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from tools.contract import ToolResult
from tools.fleet.models import Cluster, ClusterState
from tools.fleet.registry import enabled_capabilities
from tools.fleet.summary import FleetSummary

__all__ = ["ClusterBrief", "ClusterListResult", "ClusterResult", "FleetSummaryResult", "ProbeResult", "brief"]


class ClusterBrief(BaseModel):
    """One line of the fleet list: identity, health and what telemetry the cluster has."""

    name: str
    type: str
    platform: str
    environment: str
    region: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    state: ClusterState
    last_probe: datetime | None = None
    capabilities: list[str] = Field(default_factory=list, description="Detected: gpu, ptp, sriov, thanos, ...")
    endpoints: list[str] = Field(default_factory=list, description="Configured: api, prometheus, ...")
    unhealthy_endpoints: list[str] = Field(default_factory=list, description="Failed the last probe")


def brief(cluster: Cluster) -> ClusterBrief:
    """Condense a cluster record into a :class:`ClusterBrief`."""
    return ClusterBrief(
        name=cluster.name,
        type=cluster.type,
        platform=cluster.platform,
        environment=cluster.environment,
        region=cluster.region,
        labels=cluster.labels,
        state=cluster.status.state,
        last_probe=cluster.status.last_probe,
        capabilities=enabled_capabilities(cluster.capabilities),
        endpoints=sorted(cluster.endpoints.configured()),
        unhealthy_endpoints=sorted(n for n, h in cluster.status.endpoints.items() if not h.healthy),
    )


class ClusterListResult(ToolResult):
    """Clusters matching a selection."""

    items: list[ClusterBrief] = Field(default_factory=list)


class ClusterResult(ToolResult):
    """One cluster record, without credentials (only which kinds are stored)."""

    cluster: Cluster


class ProbeResult(ToolResult):
    """The outcome of probing one cluster now."""

    cluster: Cluster
    previous_state: ClusterState
    state_changed: bool


class FleetSummaryResult(ToolResult):
    """Fleet-wide counts from the stored records."""

    summary: FleetSummary
