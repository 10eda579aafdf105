"""Result models of the Kubernetes tools.

Every model subclasses :class:`tools.contract.ToolResult` (per-cluster status, truncation, totals, cursor, notes);
every item carries the ``cluster`` it came from. Items are summaries chosen for diagnosis, never whole objects.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tools.contract import ToolResult

__all__ = [
    "ClusterVersionInfo",
    "ClusterVersionResult",
    "Condition",
    "EventGroup",
    "EventsResult",
    "LastTermination",
    "NodeItem",
    "NodesResult",
    "OperatorItem",
    "PodItem",
    "PodLog",
    "PodLogsResult",
    "PodsResult",
    "VersionEntry",
    "WorkloadItem",
    "WorkloadsResult",
]


class Condition(BaseModel):
    """One status condition (type, status True/False/Unknown, reason, message)."""

    type: str
    status: str
    reason: str | None = None
    message: str | None = None
    last_transition: str | None = None


class NodeItem(BaseModel):
    """One node: readiness, pressure conditions, allocatable resources (incl. GPUs), taints, roles."""

    cluster: str
    name: str
    ready: str = Field(description="Ready condition status: True, False or Unknown.")
    problems: list[str] = Field(
        default_factory=list, description="Why the node needs attention: NotReady, MemoryPressure, cordoned, ..."
    )
    roles: list[str] = Field(default_factory=list)
    kubelet_version: str | None = None
    unschedulable: bool = False
    allocatable: dict[str, str] = Field(
        default_factory=dict, description="cpu, memory, pods, ephemeral-storage and nvidia.com/gpu when present."
    )
    taints: list[str] = Field(default_factory=list, description="key=value:Effect")
    conditions: list[Condition] = Field(
        default_factory=list, description="Ready/MemoryPressure/DiskPressure/PIDPressure/NetworkUnavailable."
    )


class NodesResult(ToolResult):
    """Nodes of the selected clusters, not-ready and pressured first."""

    nodes: list[NodeItem] = Field(default_factory=list)


class LastTermination(BaseModel):
    """How a container last ended (e.g. reason OOMKilled, exit code 137)."""

    container: str
    reason: str | None = None
    exit_code: int | None = None
    finished_at: str | None = None


class PodItem(BaseModel):
    """One pod: phase, readiness, restarts, why it is unhealthy, last termination, owner and node."""

    cluster: str
    namespace: str
    name: str
    phase: str
    ready: str = Field(description="Ready containers / containers, e.g. '1/2'.")
    restarts: int = 0
    problem: str | None = Field(
        default=None, description="Why the pod needs attention: CrashLoopBackOff, OOMKilled, ImagePullBackOff, ..."
    )
    last_termination: LastTermination | None = None
    owner_kind: str | None = None
    owner_name: str | None = None
    node: str | None = None
    started: str | None = None


class PodsResult(ToolResult):
    """Pods of the selected clusters, problem pods first within each page."""

    pods: list[PodItem] = Field(default_factory=list)


class EventGroup(BaseModel):
    """Events about one object with one reason, collapsed: how often, first and last seen, latest message."""

    cluster: str
    namespace: str | None = None
    object_kind: str | None = None
    object_name: str | None = None
    type: str = Field(description="Warning or Normal.")
    reason: str | None = None
    message: str | None = Field(default=None, description="Message of the most recent event of the group.")
    count: int = Field(description="Occurrences (series and repeat counts included).")
    first_seen: str | None = None
    last_seen: str | None = None
    source: str | None = Field(default=None, description="Reporting component, e.g. kubelet.")


class EventsResult(ToolResult):
    """Events grouped by involved object and reason, warnings first, most recent first."""

    events: list[EventGroup] = Field(default_factory=list)
    warnings: int = Field(default=0, description="Warning events (not groups) in the fetched page.")


class WorkloadItem(BaseModel):
    """Rollout state of one Deployment, StatefulSet or DaemonSet."""

    cluster: str
    kind: Literal["Deployment", "StatefulSet", "DaemonSet"]
    namespace: str
    name: str
    rollout: Literal["complete", "progressing", "stalled", "paused", "degraded", "scaled-to-zero"]
    desired: int = 0
    updated: int = 0
    ready: int = 0
    available: int = 0
    unavailable: int = 0
    paused: bool = False
    generation: int | None = None
    observed_generation: int | None = Field(
        default=None, description="Lower than generation: the controller has not acted on the latest change yet."
    )
    images: list[str] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)


class WorkloadsResult(ToolResult):
    """Workloads of the selected clusters, unhealthy rollouts first."""

    workloads: list[WorkloadItem] = Field(default_factory=list)


class PodLog(BaseModel):
    """The tail of one container's log on one cluster (secret-looking values redacted)."""

    cluster: str
    namespace: str
    pod: str
    container: str | None = None
    previous: bool = Field(default=False, description="True: the log of the previous (terminated) container.")
    lines: list[str] = Field(default_factory=list, description="Oldest first; the last line is the most recent.")
    line_count: int = Field(default=0, description="Lines received from the API (before any cut).")
    truncated: bool = Field(default=False, description="True when older lines were cut to fit the byte cap.")
    redactions: int = Field(default=0, description="Values that looked like secrets and were replaced by ***.")


class PodLogsResult(ToolResult):
    """Log tails from the selected clusters where the pod exists."""

    logs: list[PodLog] = Field(default_factory=list)


class VersionEntry(BaseModel):
    """One entry of the ClusterVersion update history (most recent first)."""

    version: str | None = None
    state: str | None = Field(default=None, description="Completed or Partial.")
    started: str | None = None
    completed: str | None = None


class OperatorItem(BaseModel):
    """A ClusterOperator that is not healthy: Degraded, Progressing or not Available."""

    name: str
    version: str | None = None
    available: str | None = None
    progressing: str | None = None
    degraded: str | None = None
    message: str | None = Field(default=None, description="Message of the worst condition.")


class ClusterVersionInfo(BaseModel):
    """The version and upgrade state of one cluster (OpenShift ClusterVersion, or /version on Kubernetes)."""

    cluster: str
    platform: Literal["openshift", "kubernetes"]
    version: str | None = Field(default=None, description="OpenShift desired version, or the Kubernetes gitVersion.")
    kubernetes_version: str | None = None
    channel: str | None = None
    desired_image: str | None = None
    available_updates: int | None = None
    history: list[VersionEntry] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)
    operators_total: int | None = None
    operators_unhealthy: list[OperatorItem] = Field(default_factory=list)


class ClusterVersionResult(ToolResult):
    """Version and upgrade health per cluster."""

    versions: list[ClusterVersionInfo] = Field(default_factory=list)
