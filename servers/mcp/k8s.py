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
from servers.mcp.selection import ClustersArg, EnvironmentArg, LabelsArg
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

Namespace = Annotated[str | None, Field(description="Namespace, e.g. 'openshift-monitoring'. Default: all namespaces.")]
LabelSelector = Annotated[
    str | None, Field(description="Kubernetes label selector, e.g. 'app=nginx,tier!=cache' or 'app in (a,b)'")
]


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

    @mcp.tool(annotations=READ_ONLY, title="Kubernetes nodes")
    @tool_errors
    async def k8s_list_nodes(
        label_selector: LabelSelector = None,
        limit: Annotated[int, Field(ge=1, le=500, description="Nodes asked per cluster per page")] = 200,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, NodesResult]:
        """List nodes with Ready/MemoryPressure/DiskPressure/PIDPressure, roles, kubelet version, taints and
        allocatable cpu/memory/pods and extended resources such as nvidia.com/gpu; not-ready nodes first.

        Use for "are all nodes ready?", "which nodes have GPUs and how many?", "is a node cordoned or tainted?".
        Each node's `problems` says why it needs attention (NotReady, MemoryPressure, cordoned...).
        Example: label_selector='node-role.kubernetes.io/worker', clusters=['gpu-spoke'].
        """
        return await _fan_out(
            deps,
            clusters,
            labels,
            environment,
            lambda t: service.list_nodes(t, label_selector=label_selector, limit=limit, cursor=cursor),
        )

    @mcp.tool(annotations=READ_ONLY, title="Kubernetes pods")
    @tool_errors
    async def k8s_list_pods(
        namespace: Namespace = None,
        label_selector: LabelSelector = None,
        field_selector: Annotated[
            str | None, Field(description="Kubernetes field selector, e.g. 'spec.nodeName=worker-1'")
        ] = None,
        phase: Annotated[
            Literal["Pending", "Running", "Succeeded", "Failed", "Unknown"] | None,
            Field(description="Only pods in this phase"),
        ] = None,
        problems_only: Annotated[
            bool, Field(description="Only pods with a problem (CrashLoopBackOff, OOMKilled, Pending, NotReady...)")
        ] = False,
        limit: Annotated[int, Field(ge=1, le=500, description="Pods asked per cluster per page")] = 100,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, PodsResult]:
        """List pods with phase, ready containers, restarts, the problem (CrashLoopBackOff, ImagePullBackOff,
        Evicted, NotReady...), the last termination (reason such as OOMKilled, exit code), owner and node.

        Problem pods come first within each page; pages follow Kubernetes' limit/continue (pass next_cursor).
        Use for "why is this app down?", "which pods were OOMKilled?", "what runs on node worker-3?".
        Example: namespace='gpu-operator', problems_only=true.
        """
        return await _fan_out(
            deps,
            clusters,
            labels,
            environment,
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

    @mcp.tool(annotations=READ_ONLY, title="Kubernetes events")
    @tool_errors
    async def k8s_list_events(
        namespace: Namespace = None,
        object_kind: Annotated[str | None, Field(description="Involved object kind, e.g. 'Pod', 'Node'")] = None,
        object_name: Annotated[str | None, Field(description="Involved object name, e.g. 'nginx-7d9c-abcde'")] = None,
        reason: Annotated[str | None, Field(description="Event reason, e.g. 'BackOff', 'FailedScheduling'")] = None,
        warnings_only: Annotated[bool, Field(description="Only Warning events")] = False,
        limit: Annotated[int, Field(ge=1, le=2000, description="Events asked per cluster per page")] = 500,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, EventsResult]:
        """List recent events grouped by involved object and reason, with counts and first/last seen; warnings
        first, then most recent.

        Use to explain a failing pod or node ("why is this pod Pending?" → FailedScheduling with its message).
        Kubernetes keeps events for about an hour. Example: namespace='ml', object_kind='Pod', warnings_only=true.
        """
        return await _fan_out(
            deps,
            clusters,
            labels,
            environment,
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

    @mcp.tool(annotations=READ_ONLY, title="Kubernetes workload rollout")
    @tool_errors
    async def k8s_get_workload(
        kind: Annotated[WorkloadKind, Field(description="Workload kind")] = "deployment",
        namespace: Annotated[
            str | None, Field(description="Namespace (required with name). Default: all namespaces.")
        ] = None,
        name: Annotated[str | None, Field(description="Workload name; omit to list the namespace's workloads")] = None,
        label_selector: LabelSelector = None,
        limit: Annotated[int, Field(ge=1, le=500, description="Workloads asked per cluster per page")] = 100,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
        cursor: Cursor = None,
    ) -> Annotated[CallToolResult, WorkloadsResult]:
        """Show the rollout state of Deployments, StatefulSets or DaemonSets: desired/updated/ready/available
        replicas, rollout (complete, progressing, stalled, degraded, paused), conditions, paused, and generation vs
        observedGeneration.

        Use for "did the rollout finish?", "why are only 2 of 3 replicas available?", "is the dcgm-exporter
        DaemonSet on every node?". Unhealthy rollouts come first. Example: kind='daemonset',
        namespace='nvidia-gpu-operator'.
        """
        return await _fan_out(
            deps,
            clusters,
            labels,
            environment,
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

    @mcp.tool(annotations=READ_ONLY, title="Kubernetes pod logs")
    @tool_errors
    async def k8s_pod_logs(
        namespace: Annotated[str, Field(description="The pod's namespace")],
        pod: Annotated[str, Field(description="Pod name, e.g. 'nginx-7d9c-abcde' (see k8s_list_pods)")],
        container: Annotated[
            str | None, Field(description="Container name; needed when the pod has more than one")
        ] = None,
        tail_lines: Annotated[
            int, Field(ge=1, le=MAX_TAIL_LINES, description="Most recent lines to read (max 2000)")
        ] = 200,
        previous: Annotated[
            bool, Field(description="Read the previous (terminated) container's log, e.g. after a crash")
        ] = False,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
    ) -> Annotated[CallToolResult, PodLogsResult]:
        """Read the tail of a pod container's log, oldest line first; previous=true reads the container that
        crashed.

        Values that look like secrets (password=..., token: ..., Bearer ...) are replaced by ***. Output is
        byte-capped: older lines are cut first and `truncated` says so. Select the pod's cluster with clusters.
        Example: "why did this pod crash?" → namespace='ml', pod='trainer-0', previous=true, clusters=['gpu-spoke'].
        """
        return await _fan_out(
            deps,
            clusters,
            labels,
            environment,
            lambda t: service.pod_logs(
                t, namespace=namespace, pod=pod, container=container, tail_lines=tail_lines, previous=previous
            ),
        )

    @mcp.tool(annotations=READ_ONLY, title="Cluster version and operators")
    @tool_errors
    async def k8s_cluster_version(
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
    ) -> Annotated[CallToolResult, ClusterVersionResult]:
        """Show each cluster's version and upgrade health: the OpenShift ClusterVersion (desired version, channel,
        update history, Available/Failing/Progressing conditions) and the ClusterOperators that are degraded,
        progressing or unavailable. On plain Kubernetes it shows /version and notes that ClusterVersion does not
        exist.

        Use for "which version does each cluster run?", "is an upgrade stuck?", "which operators are degraded?".
        """
        return await _fan_out(deps, clusters, labels, environment, service.cluster_version)
