"""The Kubernetes/OpenShift read tools as one service: fan out, summarise, sort, page and cap.

Every method takes the selected clusters' ``api`` targets (stored token, client certificate and CA) and returns a
result of :mod:`tools.kubernetes.results` that follows the contract: per-cluster status (one dead cluster never
sinks the answer), ``truncated``/``total``/``next_cursor`` and a response under ``limits.response_max_bytes``.
"No data" is a success whose notes say what was searched where. Fetching pod logs and cluster versions lives in
:mod:`tools.kubernetes.logs` and :mod:`tools.kubernetes.openshift`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tools.errors import ToolInputError
from tools.kubernetes.client import KubeClient, KubeList, KubeNotFoundError
from tools.kubernetes.context import KubeContext, KubeLimits
from tools.kubernetes.events import event_sort_key, group_events, normalise_event
from tools.kubernetes.guard import EVENTS, EVENTS_V1, NODES, PODS, validate_name
from tools.kubernetes.logs import fetch_pod_logs
from tools.kubernetes.nodes import node_sort_key, summarise_node
from tools.kubernetes.openshift import fetch_cluster_versions
from tools.kubernetes.paging import Paged, fetch_pages, fingerprint, finish_page, read_cursor
from tools.kubernetes.pods import pod_sort_key, summarise_pod
from tools.kubernetes.results import (
    ClusterVersionResult,
    EventsResult,
    NodesResult,
    PodLogsResult,
    PodsResult,
    WorkloadItem,
    WorkloadsResult,
)
from tools.kubernetes.workloads import KINDS, WorkloadKind, summarise_workload, workload_sort_key
from tools.targets import BackendTarget, HttpClientPool

__all__ = ["KubeLimits", "KubernetesService", "join_selectors"]

_Fetch = Callable[[BackendTarget, str | None], Awaitable[KubeList | None]]


def join_selectors(*parts: str | None) -> str | None:
    """Comma-join the non-empty selector parts (Kubernetes ANDs them)."""
    joined = ",".join(p for p in parts if p)
    return joined or None


def _where(targets: list[BackendTarget], namespace: str | None) -> str:
    scope = f"namespace {namespace!r}" if namespace else "all namespaces"
    return f"{scope} on {', '.join(t.cluster for t in targets)}"


class KubernetesService:
    """Read-only Kubernetes/OpenShift queries across clusters, through the shared HTTP client pool."""

    def __init__(self, pool: HttpClientPool, limits: KubeLimits | None = None) -> None:
        self._ctx = KubeContext(pool, limits or KubeLimits())

    @property
    def limits(self) -> KubeLimits:
        """The budgets this service applies."""
        return self._ctx.limits

    def client(self, target: BackendTarget) -> KubeClient:
        """A read-only client for ``target``."""
        return self._ctx.client(target)

    async def _pages(
        self, targets: list[BackendTarget], cursor: str | None, fp: str, describe: str, fetch: _Fetch
    ) -> Paged:
        page = read_cursor(cursor, fp, sorted(t.cluster for t in targets))
        return await fetch_pages(
            targets,
            page,
            fetch,
            timeout=self.limits.cluster_timeout_s,
            concurrency=self.limits.concurrency,
            describe=describe,
            hints=self._ctx.hints,
        )

    async def list_nodes(
        self,
        targets: list[BackendTarget],
        *,
        label_selector: str | None = None,
        limit: int = 200,
        cursor: str | None = None,
    ) -> NodesResult:
        """Nodes with readiness, pressure, allocatable (incl. GPUs), taints and roles; not-ready first."""
        fp = fingerprint("nodes", clusters=sorted(t.cluster for t in targets), selector=label_selector, limit=limit)
        paged = await self._pages(
            targets,
            cursor,
            fp,
            f"list nodes{f' -l {label_selector}' if label_selector else ''}",
            lambda t, token: self.client(t).list(
                NODES, limit=limit, continue_token=token, label_selector=label_selector
            ),
        )
        nodes = sorted((summarise_node(c, obj) for c, kl in paged.lists.items() for obj in kl.items), key=node_sort_key)
        result = NodesResult()
        if not nodes:
            result.notes.append(f"No nodes matched (label_selector={label_selector!r}) on {', '.join(paged.lists)}.")
        finish_page(result, "nodes", nodes, paged, cap=self.limits.response_max_bytes, limit=limit)
        return result

    async def list_pods(
        self,
        targets: list[BackendTarget],
        *,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        phase: str | None = None,
        problems_only: bool = False,
        limit: int = 100,
        cursor: str | None = None,
    ) -> PodsResult:
        """Pods with phase, readiness, restarts, problem reason, last termination, owner and node; problems first."""
        if namespace:
            validate_name(namespace, "namespace")
        fields = join_selectors(field_selector, f"status.phase={phase}" if phase else None)
        fp = fingerprint(
            "pods",
            clusters=sorted(t.cluster for t in targets),
            ns=namespace,
            labels=label_selector,
            fields=fields,
            problems=problems_only,
            limit=limit,
        )
        paged = await self._pages(
            targets,
            cursor,
            fp,
            f"list pods in {namespace or 'all namespaces'}",
            lambda t, token: self.client(t).list(
                PODS,
                namespace=namespace,
                limit=limit,
                continue_token=token,
                label_selector=label_selector,
                field_selector=fields,
            ),
        )
        pods = [summarise_pod(c, obj) for c, kl in paged.lists.items() for obj in kl.items]
        fetched = len(pods)
        if problems_only:
            pods = [p for p in pods if p.problem]
            paged.notes.append(f"{len(pods)} of {fetched} pods on this page have a problem (problems_only).")
        pods.sort(key=pod_sort_key)
        result = PodsResult()
        if not pods:
            result.notes.append(
                f"No {'problem ' if problems_only else ''}pods matched (labels={label_selector!r}, "
                f"fields={fields!r}) in {_where([t for t in targets if t.cluster in paged.lists], namespace)}."
            )
        finish_page(result, "pods", pods, paged, cap=self.limits.response_max_bytes, limit=limit)
        return result

    async def list_events(
        self,
        targets: list[BackendTarget],
        *,
        namespace: str | None = None,
        object_kind: str | None = None,
        object_name: str | None = None,
        reason: str | None = None,
        warnings_only: bool = False,
        limit: int = 500,
        cursor: str | None = None,
    ) -> EventsResult:
        """Events grouped by involved object and reason with counts and first/last seen; warnings first."""
        if namespace:
            validate_name(namespace, "namespace")
        core = [("involvedObject.kind", object_kind), ("involvedObject.name", object_name)]
        common = [("reason", reason), ("type", "Warning" if warnings_only else None)]
        core_fields = join_selectors(*(f"{k}={v}" for k, v in core + common if v))
        new_fields = join_selectors(*(f"{k.replace('involvedObject', 'regarding')}={v}" for k, v in core + common if v))
        fp = fingerprint(
            "events", clusters=sorted(t.cluster for t in targets), ns=namespace, fields=core_fields, limit=limit
        )

        async def fetch(target: BackendTarget, token: str | None) -> KubeList:
            kube = self.client(target)
            try:
                return await kube.list(
                    EVENTS, namespace=namespace, limit=limit, continue_token=token, field_selector=core_fields
                )
            except KubeNotFoundError:  # an API (or proxy) serving only events.k8s.io/v1
                return await kube.list(
                    EVENTS_V1, namespace=namespace, limit=limit, continue_token=token, field_selector=new_fields
                )

        paged = await self._pages(targets, cursor, fp, f"list events in {namespace or 'all namespaces'}", fetch)
        groups = sorted((g for c, kl in paged.lists.items() for g in group_events(c, kl.items)), key=event_sort_key)
        result = EventsResult(
            warnings=sum(
                normalise_event(obj).count
                for kl in paged.lists.values()
                for obj in kl.items
                if obj.get("type") == "Warning"
            )
        )
        if not groups:
            result.notes.append(
                f"No events matched (fields={core_fields!r}) in "
                f"{_where([t for t in targets if t.cluster in paged.lists], namespace)}; events expire after ~1 h."
            )
        finish_page(result, "events", groups, paged, cap=self.limits.response_max_bytes, limit=limit)
        return result

    async def get_workloads(
        self,
        targets: list[BackendTarget],
        *,
        kind: WorkloadKind,
        namespace: str | None = None,
        name: str | None = None,
        label_selector: str | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> WorkloadsResult:
        """One workload by name (``namespace`` required) or a page of them; unhealthy rollouts first."""
        resource, kind_name = KINDS[kind]
        if namespace:
            validate_name(namespace, "namespace")
        fp = fingerprint(
            "workloads",
            clusters=sorted(t.cluster for t in targets),
            kind=kind,
            ns=namespace,
            name=name,
            labels=label_selector,
            limit=limit,
        )
        missing: list[str] = []

        async def fetch(target: BackendTarget, token: str | None) -> KubeList:
            kube = self.client(target)
            if name is None:
                return await kube.list(
                    resource, namespace=namespace, limit=limit, continue_token=token, label_selector=label_selector
                )
            try:
                return KubeList(items=[await kube.get(resource, name, namespace=namespace)])
            except KubeNotFoundError:
                missing.append(target.cluster)
                return KubeList(items=[])

        if name is not None:
            validate_name(name, "name")
            if not namespace:
                raise ToolInputError(
                    f"Getting {kind_name} {name!r} needs its namespace.",
                    hint="Pass namespace, or omit name to list the namespace's workloads.",
                )
        what = f"{kind_name} {name!r}" if name else f"{kind_name}s"
        paged = await self._pages(targets, cursor, fp, f"get {what} in {namespace or 'all namespaces'}", fetch)
        items: list[WorkloadItem] = sorted(
            (summarise_workload(c, kind, obj) for c, kl in paged.lists.items() for obj in kl.items),
            key=workload_sort_key,
        )
        result = WorkloadsResult()
        if missing:
            result.notes.append(f"{what} not found in namespace {namespace!r} on: {', '.join(sorted(missing))}.")
        elif not items:
            result.notes.append(
                f"No {kind_name}s (labels={label_selector!r}) in "
                f"{_where([t for t in targets if t.cluster in paged.lists], namespace)}."
            )
        finish_page(result, "workloads", items, paged, cap=self.limits.response_max_bytes, limit=limit)
        return result

    async def pod_logs(
        self,
        targets: list[BackendTarget],
        *,
        namespace: str,
        pod: str,
        container: str | None = None,
        tail_lines: int = 200,
        previous: bool = False,
    ) -> PodLogsResult:
        """The last ``tail_lines`` lines of a pod's container log (``previous``: the last terminated one)."""
        return await fetch_pod_logs(
            self._ctx,
            targets,
            namespace=namespace,
            pod=pod,
            container=container,
            tail_lines=tail_lines,
            previous=previous,
        )

    async def cluster_version(self, targets: list[BackendTarget]) -> ClusterVersionResult:
        """OpenShift ClusterVersion and unhealthy ClusterOperators, or ``/version`` on plain Kubernetes."""
        return await fetch_cluster_versions(self._ctx, targets)
