"""Read-only Kubernetes/OpenShift adapters: nodes, pods, events, workloads, pod logs, cluster version, discovery.

Build a :class:`KubernetesService` over the shared :class:`~tools.targets.HttpClientPool` and hand it the
selected clusters' ``api`` targets. Only ``GET`` is ever sent, only to paths on the allow-list of
:mod:`tools.kubernetes.guard`: Secrets are never read and ConfigMaps are not readable at all.
:func:`discover_capabilities` detects operators and stacks from the API's discovery documents (the fleet prober
takes it as ``Prober(pool, api_discovery=discover_capabilities)``).
"""

from tools.kubernetes.client import KubeClient, KubeExpiredError, KubeList, KubeNotFoundError
from tools.kubernetes.context import KubeContext, KubeLimits
from tools.kubernetes.discovery import API_CAPABILITIES, ApiDiscovery, discover_capabilities
from tools.kubernetes.guard import ForbiddenPathError
from tools.kubernetes.logs import MAX_TAIL_LINES, redact_line
from tools.kubernetes.results import (
    ClusterVersionInfo,
    ClusterVersionResult,
    Condition,
    EventGroup,
    EventsResult,
    LastTermination,
    NodeItem,
    NodesResult,
    OperatorItem,
    PodItem,
    PodLog,
    PodLogsResult,
    PodsResult,
    VersionEntry,
    WorkloadItem,
    WorkloadsResult,
)
from tools.kubernetes.service import KubernetesService
from tools.kubernetes.workloads import WorkloadKind

__all__ = [
    "API_CAPABILITIES",
    "MAX_TAIL_LINES",
    "ApiDiscovery",
    "ClusterVersionInfo",
    "ClusterVersionResult",
    "Condition",
    "EventGroup",
    "EventsResult",
    "ForbiddenPathError",
    "KubeClient",
    "KubeContext",
    "KubeExpiredError",
    "KubeLimits",
    "KubeList",
    "KubeNotFoundError",
    "KubernetesService",
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
    "WorkloadKind",
    "WorkloadsResult",
    "discover_capabilities",
    "redact_line",
]
