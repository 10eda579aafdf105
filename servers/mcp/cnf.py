"""The cnf MCP domain: PTP synchronisation, SR-IOV, DPDK data plane and telco workloads across the fleet.

Thin typed functions over :class:`tools.cnf.CnfService`: PTP and DPDK read each selected cluster's Prometheus,
SR-IOV and workloads read its Kubernetes API (read-only, allow-listed resources; Secrets are never read).
"""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.fastmcp import FastMCP
from mcp.types import CallToolResult
from pydantic import Field

from servers.mcp.args import Cursor, LimitArg
from servers.mcp.deps import ToolDeps
from servers.mcp.dispatch import answer_over
from servers.mcp.respond import tool_errors
from servers.mcp.selection import ClustersArg
from servers.mcp.surface import READ_ONLY
from tools.cnf import CnfService, DpdkStatsResult, PtpStatusResult, SriovStatusResult, WorkloadsResult
from tools.kubernetes import KubeLimits

__all__ = ["register_cnf_tools"]


def _service(deps: ToolDeps) -> CnfService:
    limits = deps.metrics.limits
    return CnfService(
        deps.metrics,
        deps.pool,
        KubeLimits(
            response_max_bytes=limits.response_max_bytes,
            cluster_timeout_s=limits.cluster_timeout_s,
            concurrency=limits.concurrency,
        ),
    )


def register_cnf_tools(mcp: FastMCP, deps: ToolDeps) -> None:
    """Add the ``cnf_*`` tools to ``mcp``."""
    service = _service(deps)

    @mcp.tool(annotations=READ_ONLY, title="PTP status")
    @tool_errors
    async def cnf_ptp_status(
        start: str = "now-1h",
        end: str = "now",
        threshold_ns: Annotated[float, Field(gt=0, le=1e9)] = 100.0,
        node: Annotated[str | None, Field(description="Regex, e.g. 'du-.*'")] = None,
        step: str | None = None,
        limit: LimitArg = 50,
        cursor: Cursor = None,
        clusters: ClustersArg = None,
    ) -> Annotated[CallToolResult, PtpStatusResult]:
        """PTP per node, interface and process (ptp4l, phc2sys...): clock state since when, transitions, |offset|
        stats in ns, clock class; unhealthy first."""
        return await answer_over(
            deps,
            clusters,
            lambda t: service.ptp_status(
                t, start=start, end=end, step=step, threshold_ns=threshold_ns, node=node, limit=limit, cursor=cursor
            ),
            backend="prometheus",
        )

    @mcp.tool(annotations=READ_ONLY, title="SR-IOV status")
    @tool_errors
    async def cnf_sriov_status(
        limit: LimitArg = 50,
        cursor: Cursor = None,
        clusters: ClustersArg = None,
    ) -> Annotated[CallToolResult, SriovStatusResult]:
        """SR-IOV per node: PFs and VFs, sync status; free VFs per resource (openshift.io/...); pods pending for VFs;
        policy mismatches."""
        return await answer_over(
            deps, clusters, lambda t: service.sriov_status(t, limit=limit, cursor=cursor), backend="api"
        )

    @mcp.tool(annotations=READ_ONLY, title="DPDK counters")
    @tool_errors
    async def cnf_dpdk_stats(
        top_k: Annotated[int, Field(ge=1, le=50)] = 5,
        clusters: ClustersArg = None,
    ) -> Annotated[CallToolResult, DpdkStatsResult]:
        """DPDK and OVS-DPDK data plane: rx/tx packets/s per port, drops (imissed, rx_nombuf), errors, PMD load per
        core."""
        return await answer_over(deps, clusters, lambda t: service.dpdk_stats(t, top_k=top_k), backend="prometheus")

    @mcp.tool(annotations=READ_ONLY, title="Telco workloads")
    @tool_errors
    async def cnf_list_workloads(
        function: Literal["vDU", "vCU", "UPF", "AMF", "SMF", "other"] | None = None,
        limit: LimitArg = 50,
        cursor: Cursor = None,
        clusters: ClustersArg = None,
    ) -> Annotated[CallToolResult, WorkloadsResult]:
        """Telco functions (vDU, UPF...; other = SR-IOV or hugepage pods) per owner: nodes, CPU isolation, hugepages,
        SR-IOV networks, PTP use."""
        return await answer_over(
            deps,
            clusters,
            lambda t: service.list_workloads(t, function=function, limit=limit, cursor=cursor),
            backend="api",
        )
