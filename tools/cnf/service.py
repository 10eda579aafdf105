"""The CNF / telco tools as one service: PTP and DPDK from Prometheus, SR-IOV and workloads from the API.

Each method takes the selected clusters' targets (``prometheus`` for PTP/DPDK, ``api`` for SR-IOV/workloads),
fans out with per-cluster status (one dead cluster never sinks the answer) and returns a result under the byte cap.
Nothing is written; only the allow-listed resources of :mod:`tools.kubernetes.guard` are read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from tools.cnf.attachments import summarise_attachments
from tools.cnf.dpdk import dpdk_stats
from tools.cnf.ptp_status import ptp_status
from tools.cnf.results import (
    CnfWorkload,
    DpdkStatsResult,
    PtpStatusResult,
    SriovNode,
    SriovStatusResult,
    WorkloadsResult,
)
from tools.cnf.sriov import SriovFacts, policy_mismatches, resource_usage, summarise_node_state
from tools.cnf.workloads import summarise_workloads
from tools.gather import collect
from tools.kubernetes import KubeClient, KubeContext, KubeLimits, KubeNotFoundError
from tools.kubernetes.guard import (
    NETWORK_ATTACHMENT_DEFINITIONS,
    NODES,
    PERFORMANCE_PROFILES,
    PODS,
    SRIOV_NODE_POLICIES,
    SRIOV_NODE_STATES,
    Resource,
)
from tools.paging import fill_page, fingerprint, read_cursor
from tools.prometheus import MetricsService
from tools.targets import BackendTarget, HttpClientPool

__all__ = ["CnfService"]

_PAGE = 500
_MAX_PAGES = 10


async def _list_all(
    kube: KubeClient, resource: Resource, notes: list[str], *, optional: bool = False
) -> list[dict[str, Any]]:
    """Every item of ``resource`` (up to 5,000); a missing CRD is a note when ``optional``."""
    items: list[dict[str, Any]] = []
    token: str | None = None
    try:
        for _ in range(_MAX_PAGES):
            page = await kube.list(resource, limit=_PAGE, continue_token=token)
            items += page.items
            token = page.continue_token
            if token is None:
                return items
    except KubeNotFoundError:
        if not optional:
            raise
        notes.append(f"{kube.target.cluster}: {resource.describe()} does not exist (operator not installed).")
        return []
    notes.append(f"{kube.target.cluster}: only the first {len(items)} {resource.plural} were read.")
    return items


class CnfService:
    """PTP, SR-IOV, DPDK and telco workload views across clusters."""

    def __init__(self, metrics: MetricsService, pool: HttpClientPool, limits: KubeLimits | None = None) -> None:
        self._metrics = metrics
        self._kube = KubeContext(pool, limits or KubeLimits())

    @property
    def cap(self) -> int:
        """The response byte cap."""
        return self._kube.limits.response_max_bytes

    async def ptp_status(
        self,
        targets: Sequence[BackendTarget],
        *,
        start: str = "now-1h",
        end: str = "now",
        step: str | None = None,
        threshold_ns: float = 100.0,
        node: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> PtpStatusResult:
        """PTP state, transitions, offsets and clock class per node/interface/process (see :func:`ptp_status`)."""
        return await ptp_status(
            self._metrics,
            targets,
            start=start,
            end=end,
            step=step,
            threshold_ns=threshold_ns,
            node=node,
            limit=limit,
            cursor=cursor,
            cap=self.cap,
        )

    async def dpdk_stats(self, targets: Sequence[BackendTarget], *, top_k: int = 5) -> DpdkStatsResult:
        """DPDK / OVS-DPDK rates from the families Prometheus has (see :func:`dpdk_stats`)."""
        return await dpdk_stats(self._metrics, targets, top_k=top_k, cap=self.cap)

    async def _sriov_one(self, target: BackendTarget) -> tuple[SriovFacts, list[dict[str, Any]], list[str]]:
        kube, notes = self._kube.client(target), list[str]()
        states, policies, nodes, pods, nads = await asyncio.gather(
            _list_all(kube, SRIOV_NODE_STATES, notes, optional=True),
            _list_all(kube, SRIOV_NODE_POLICIES, notes, optional=True),
            _list_all(kube, NODES, notes),
            _list_all(kube, PODS, notes),
            _list_all(kube, NETWORK_ATTACHMENT_DEFINITIONS, notes, optional=True),
        )
        return SriovFacts(target.cluster, states, policies, nodes, pods), nads, notes

    async def sriov_status(
        self, targets: Sequence[BackendTarget], *, limit: int = 50, cursor: str | None = None
    ) -> SriovStatusResult:
        """SR-IOV PFs and sync state per node (paged, problems first), VF allocation vs allocatable, policy
        mismatches, exhaustion."""
        fp = fingerprint("cnf_sriov", c=sorted(t.cluster for t in targets))
        page = read_cursor(cursor, fp)
        collected = await collect(
            targets,
            self._sriov_one,
            backend="api",
            timeout=self._kube.limits.cluster_timeout_s,
            concurrency=self._kube.limits.concurrency,
            hints=self._kube.hints,
            query="list sriovnetworknodestates, sriovnetworknodepolicies, network-attachment-definitions, nodes, pods",
        )
        nodes: list[SriovNode] = []
        result = SriovStatusResult(clusters=collected.outcomes, answered=collected.answered, notes=collected.notes)
        for _, (facts, nads, notes) in collected.values:
            result.notes += notes
            nodes += [summarise_node_state(facts.cluster, s) for s in facts.states]
            resources, pending = resource_usage(facts)
            result.resources += resources
            result.pending += pending
            result.mismatches += policy_mismatches(facts)
            networks, unmatched = summarise_attachments(facts.cluster, nads, facts.pods, facts.advertised())
            result.networks += networks
            result.mismatches += unmatched
        nodes.sort(key=lambda n: (not n.problems, n.cluster, n.node))
        if not nodes:
            result.notes.append(f"No SriovNetworkNodeState on {', '.join(t.cluster for t in targets)}.")
        fill_page(result, "nodes", nodes, fp=fp, page=page, limit=limit, cap=self.cap)
        return result

    async def _workloads_one(
        self, target: BackendTarget
    ) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[str]]:
        kube, notes = self._kube.client(target), list[str]()
        pods, nodes, profiles = await asyncio.gather(
            _list_all(kube, PODS, notes),
            _list_all(kube, NODES, notes),
            _list_all(kube, PERFORMANCE_PROFILES, notes, optional=True),
        )
        return target.cluster, pods, nodes, profiles, notes

    async def list_workloads(
        self,
        targets: Sequence[BackendTarget],
        *,
        function: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> WorkloadsResult:
        """Telco workloads (vDU/vCU/UPF/AMF/SMF/other) with performance profile, SR-IOV networks and PTP (paged)."""
        fp = fingerprint("cnf_workloads", c=sorted(t.cluster for t in targets), f=function)
        page = read_cursor(cursor, fp)
        collected = await collect(
            targets,
            self._workloads_one,
            backend="api",
            timeout=self._kube.limits.cluster_timeout_s,
            concurrency=self._kube.limits.concurrency,
            hints=self._kube.hints,
            query="list pods, nodes, performanceprofiles.performance.openshift.io",
        )
        result = WorkloadsResult(clusters=collected.outcomes, answered=collected.answered, notes=collected.notes)
        workloads: list[CnfWorkload] = []
        for _, (cluster, pods, nodes, profiles, notes) in collected.values:
            result.notes += notes
            workloads += [
                w for w in summarise_workloads(cluster, pods, nodes, profiles) if function in (None, w.function)
            ]
        if not workloads:
            result.notes.append(
                f"No telco workload{f' of type {function}' if function else ''} found on "
                f"{', '.join(collected.answered)} (searched pod labels, names and namespaces for du/cu/upf/amf/smf, "
                "and pods with SR-IOV networks or hugepages)."
            )
        fill_page(result, "workloads", workloads, fp=fp, page=page, limit=limit, cap=self.cap)
        return result
