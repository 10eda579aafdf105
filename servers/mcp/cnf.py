"""The cnf MCP domain: PTP synchronisation, SR-IOV, DPDK data plane and telco workloads across the fleet.

Thin typed functions over :class:`tools.cnf.CnfService`: PTP and DPDK read each selected cluster's Prometheus,
SR-IOV and workloads read its Kubernetes API (read-only, allow-listed resources; Secrets are never read).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

from mcp.server.fastmcp import FastMCP
from mcp.types import CallToolResult
from pydantic import Field

from servers.mcp.args import Cursor, LimitArg
from servers.mcp.deps import ToolDeps
from servers.mcp.dispatch import answer_over
from servers.mcp.respond import tool_errors
from servers.mcp.selection import ClustersArg, EnvironmentArg, LabelsArg
from servers.mcp.surface import READ_ONLY
from tools.cnf import CnfService, DpdkStatsResult, PtpStatusResult, SriovStatusResult, WorkloadsResult
from tools.contract import ToolResult
from tools.kubernetes import KubeLimits
from tools.targets import BackendTarget

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


async def _run(
    deps: ToolDeps,
    backend: Literal["prometheus", "api"],
    selection: tuple[list[str] | None, dict[str, str] | None, str | None],
    operation: Callable[[list[BackendTarget]], Awaitable[ToolResult]],
) -> CallToolResult:
    clusters, labels, environment = selection
    return await answer_over(deps, clusters, labels, environment, operation, backend=backend)


def register_cnf_tools(mcp: FastMCP, deps: ToolDeps) -> None:
    """Add the ``cnf_*`` tools to ``mcp``."""
    service = _service(deps)

    @mcp.tool(annotations=READ_ONLY, title="PTP synchronisation status")
    @tool_errors
    async def cnf_ptp_status(
        start: Annotated[
            str, Field(description="Window start: RFC3339, unix seconds or relative ('now-6h')")
        ] = "now-1h",
        end: Annotated[str, Field(description="Window end: RFC3339, unix seconds, 'now' or relative")] = "now",
        threshold_ns: Annotated[
            float, Field(gt=0, le=1e9, description="Allowed |offset| in nanoseconds (G.8273.2 class C/D ≈ 100)")
        ] = 100.0,
        node: Annotated[str | None, Field(description="Only nodes matching this regex, e.g. 'du-.*'")] = None,
        step: Annotated[
            str | None, Field(description="Resolution, e.g. '15s'; transition times are accurate to one step")
        ] = None,
        limit: LimitArg = 50,
        cursor: Cursor = None,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
    ) -> Annotated[CallToolResult, PtpStatusResult]:
        """Show PTP (IEEE 1588) time synchronisation per node, interface and process (ptp4l, phc2sys, ts2phc,
        GNSS, DPLL) from the OpenShift PTP operator's openshift_ptp_* metrics: the clock state now (LOCKED,
        HOLDOVER, FREERUN) and since when, every state transition in the window with its time, when holdover was
        entered, |offset| statistics in ns (min/max/mean/p95, share of samples beyond threshold_ns, first
        violation), the clock class (6 = GM locked, 7/135 = holdover in spec, 248 = free-run...) and the port
        roles (SLAVE/MASTER/FAULTY). Unhealthy processes come first; paged by limit/cursor.

        Use for "is PTP locked on the DU nodes?", "when did du-1 go into holdover?", "is the offset drifting?".
        Example: start='now-3h', node='du-.*', clusters=['ran-spoke'].
        """
        return await _run(
            deps,
            "prometheus",
            (clusters, labels, environment),
            lambda t: service.ptp_status(
                t, start=start, end=end, step=step, threshold_ns=threshold_ns, node=node, limit=limit, cursor=cursor
            ),
        )

    @mcp.tool(annotations=READ_ONLY, title="SR-IOV status")
    @tool_errors
    async def cnf_sriov_status(
        limit: LimitArg = 50,
        cursor: Cursor = None,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
    ) -> Annotated[CallToolResult, SriovStatusResult]:
        """Show SR-IOV networking per node from the SR-IOV network operator: each physical function (PF) with
        totalVfs/numVfs, driver, MTU, link speed/type; the node's sync status (Succeeded/InProgress/Failed) and
        last sync error; per device-plugin resource (openshift.io/<resourceName>) the VFs allocatable, requested by
        pods and free, with the pods holding them and whether it is exhausted; pending pods waiting for VFs; the
        SR-IOV NetworkAttachmentDefinitions (resource, CNI type, VLAN, the pods asking for or attached to each, and
        networks whose resource no node advertises); and mismatches between SriovNetworkNodePolicy (numVfs,
        deviceType, nicSelector) and what the nodes report, or pods naming a network that does not exist.
        Nodes with problems come first; nodes are paged by limit/cursor (resources, pending pods and mismatches
        are always complete).

        Use for "why is my DU pod Pending on openshift.io/...?", "did the SR-IOV policy apply?", "are VFs left?".
        """
        return await _run(
            deps, "api", (clusters, labels, environment), lambda t: service.sriov_status(t, limit=limit, cursor=cursor)
        )

    @mcp.tool(annotations=READ_ONLY, title="DPDK data-plane counters")
    @tool_errors
    async def cnf_dpdk_stats(
        top_k: Annotated[int, Field(ge=1, le=50, description="Series shown per metric, highest first")] = 5,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
    ) -> Annotated[CallToolResult, DpdkStatsResult]:
        """Show DPDK and OVS-DPDK data-plane rates from whatever Prometheus has: rx/tx packets per second per
        DPDK port, imissed (NIC drops because Rx queues were full), rx_nombuf and errors per second
        (dpdk_counters_* of DPDK's telemetry exporter), OVS PMD packets per second and PMD utilisation (0..1)
        per core, OVS interface drops/errors. It first probes which of these metric names exist; when none does,
        the answer is a success naming every metric searched on every cluster.

        Use for "is the UPF dropping packets?", "are the PMD cores saturated?".
        """
        return await _run(
            deps, "prometheus", (clusters, labels, environment), lambda t: service.dpdk_stats(t, top_k=top_k)
        )

    @mcp.tool(annotations=READ_ONLY, title="Telco workloads")
    @tool_errors
    async def cnf_list_workloads(
        function: Annotated[
            Literal["vDU", "vCU", "UPF", "AMF", "SMF", "other"] | None,
            Field(description="Only this network function"),
        ] = None,
        limit: LimitArg = 50,
        cursor: Cursor = None,
        clusters: ClustersArg = None,
        labels: LabelsArg = None,
        environment: EnvironmentArg = None,
    ) -> Annotated[CallToolResult, WorkloadsResult]:
        """List telco network functions (vDU, vCU, UPF, AMF, SMF; 'other' = pods with SR-IOV networks or
        hugepages) detected from pod labels, names and namespaces, grouped by owner, with their nodes, the
        PerformanceProfile of those nodes (isolated/reserved CPUs, hugepages pages, real-time kernel), hugepages
        requested, SR-IOV networks (Multus annotations, VF PCI addresses) and whether the node runs linuxptp
        (PTP dependency). Paged by limit/cursor.

        Use for "which DUs run where and with which CPU isolation?", "which UPFs depend on SR-IOV?".
        """
        return await _run(
            deps,
            "api",
            (clusters, labels, environment),
            lambda t: service.list_workloads(t, function=function, limit=limit, cursor=cursor),
        )
