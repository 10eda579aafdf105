"""The k8s MCP domain: read-only Kubernetes/OpenShift API reads across the selected clusters.

Each tool is a thin typed function over :class:`tools.kubernetes.KubernetesService`, reaching every cluster through
its registered ``api`` endpoint and stored credentials. Nothing is ever written, Secrets are never read and
ConfigMap values are never returned.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Literal

from mcp.server.fastmcp import FastMCP
from mcp.types import CallToolResult
from pydantic import Field

from servers.mcp.args import Cursor
from servers.mcp.deps import ToolDeps
from servers.mcp.dispatch import answer_over
from servers.mcp.respond import tool_errors
from servers.mcp.selection import ClustersArg
from servers.mcp.surface import READ_ONLY
from tools.kubernetes import (
    MAX_TAIL_LINES,
    ClusterVersionResult,
    EventsResult,
    KubeLimits,
    KubernetesService,
    NodesResult,
    PodLogsResult,
    PodsResult,
    WorkloadKind,
    WorkloadsResult,
)

__all__ = ["register_k8s_tools"]

# Per cluster: Kubernetes pages each cluster's list with limit/continue.
PerClusterLimit = Annotated[int, Field(ge=1, le=500)]


def _service(deps: ToolDeps) -> KubernetesService:
    metrics = deps.metrics.limits
    return KubernetesService(
        deps.pool,
        KubeLimits(
            response_max_bytes=metrics.response_max_bytes,
            cluster_timeout_s=metrics.cluster_timeout_s,
            concurrency=metrics.concurrency,
        ),
    )


_fan_out = partial(answer_over, backend="api")


def register_k8s_tools(mcp: FastMCP, deps: ToolDeps) -> None:
    """Add the ``k8s_*`` tools to ``mcp``."""
    service = _service(deps)

    @mcp.tool(annotations=READ_ONLY, title="Nodes")
    @tool_errors
    async def k8s_list_nodes(
        label_selector: str | None = None,
        limit: PerClusterLimit = 200,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, NodesResult]:
        """Nodes: conditions, roles, taints, allocatable cpu/memory/GPUs, kubelet version; problem nodes (NotReady,
        pressure, cordoned) first."""
        return await _fan_out(
            deps,
            clusters,
            lambda t: service.list_nodes(t, label_selector=label_selector, limit=limit, cursor=cursor),
        )

    @mcp.tool(annotations=READ_ONLY, title="Pods")
    @tool_errors
    async def k8s_list_pods(
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        phase: Literal["Pending", "Running", "Succeeded", "Failed", "Unknown"] | None = None,
        problems_only: bool = False,
        limit: PerClusterLimit = 100,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, PodsResult]:
        """Pods: phase, readiness, restarts, problem (CrashLoopBackOff, OOMKilled...), last termination, owner, node;
        problem pods first."""
        return await _fan_out(
            deps,
            clusters,
            lambda t: service.list_pods(
                t,
                namespace=namespace,
                label_selector=label_selector,
                field_selector=field_selector,
                phase=phase,
                problems_only=problems_only,
                limit=limit,
                cursor=cursor,
            ),
        )

    @mcp.tool(annotations=READ_ONLY, title="Events")
    @tool_errors
    async def k8s_list_events(
        namespace: str | None = None,
        object_kind: str | None = None,
        object_name: str | None = None,
        reason: str | None = None,
        warnings_only: bool = False,
        limit: Annotated[int, Field(ge=1, le=2000)] = 500,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, EventsResult]:
        """Recent events (kept about an hour) grouped by object and reason, with counts, warnings first: why a pod or
        node is failing."""
        return await _fan_out(
            deps,
            clusters,
            lambda t: service.list_events(
                t,
                namespace=namespace,
                object_kind=object_kind,
                object_name=object_name,
                reason=reason,
                warnings_only=warnings_only,
                limit=limit,
                cursor=cursor,
            ),
        )

    @mcp.tool(annotations=READ_ONLY, title="Workload rollout")
    @tool_errors
    async def k8s_get_workload(
        kind: WorkloadKind = "deployment",
        namespace: Annotated[str | None, Field(description="Required with name")] = None,
        name: str | None = None,
        label_selector: str | None = None,
        limit: PerClusterLimit = 100,
        clusters: ClustersArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, WorkloadsResult]:
        """Rollout of Deployments, StatefulSets or DaemonSets: desired/updated/ready/available replicas, status,
        conditions; unhealthy first."""
        return await _fan_out(
            deps,
            clusters,
            lambda t: service.get_workloads(
                t,
                kind=kind,
                namespace=namespace,
                name=name,
                label_selector=label_selector,
                limit=limit,
                cursor=cursor,
            ),
        )

    @mcp.tool(annotations=READ_ONLY, title="Pod logs")
    @tool_errors
    async def k8s_pod_logs(
        namespace: str,
        pod: str,
        container: Annotated[str | None, Field(description="Needed when the pod has several")] = None,
        tail_lines: Annotated[int, Field(ge=1, le=MAX_TAIL_LINES)] = 200,
        previous: Annotated[bool, Field(description="The crashed container's log")] = False,
        clusters: ClustersArg = None,
    ) -> Annotated[CallToolResult, PodLogsResult]:
        """Last lines of one pod's log from the API server, secrets masked; name its cluster in clusters. To search
        logs, use logs_query."""
        return await _fan_out(
            deps,
            clusters,
            lambda t: service.pod_logs(
                t, namespace=namespace, pod=pod, container=container, tail_lines=tail_lines, previous=previous
            ),
        )

    @mcp.tool(annotations=READ_ONLY, title="Cluster version")
    @tool_errors
    async def k8s_cluster_version(
        clusters: ClustersArg = None,
    ) -> Annotated[CallToolResult, ClusterVersionResult]:
        """Version and upgrade health per cluster: OpenShift ClusterVersion (channel, history, conditions) and
        failing ClusterOperators."""
        return await _fan_out(deps, clusters, service.cluster_version)
