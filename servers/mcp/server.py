"""Compose the per-domain MCP servers into one FastMCP server.

Each domain module exposes ``register_<domain>_tools(mcp, deps)``; a per-domain server is the same call on a fresh
FastMCP, so ``build_server(deps, domains=("metrics",))`` serves the metrics domain alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mcp.server.fastmcp import FastMCP
from mcp.server.transport_security import TransportSecuritySettings

from servers.mcp.alerts import register_alerts_tools
from servers.mcp.cnf import register_cnf_tools
from servers.mcp.deps import ToolDeps
from servers.mcp.fleet import register_fleet_tools
from servers.mcp.gpu import register_gpu_tools
from servers.mcp.k8s import register_k8s_tools
from servers.mcp.logs import register_logs_tools
from servers.mcp.metrics import register_metrics_tools
from servers.mcp.traces import register_traces_tools

__all__ = ["DOMAINS", "build_server"]

Registrar = Callable[[FastMCP, ToolDeps], None]

_REGISTRARS: dict[str, Registrar] = {
    "fleet": register_fleet_tools,
    "metrics": register_metrics_tools,
    "alerts": register_alerts_tools,
    "k8s": register_k8s_tools,
    "logs": register_logs_tools,
    "traces": register_traces_tools,
    "gpu": register_gpu_tools,
    "cnf": register_cnf_tools,
}
DOMAINS: tuple[str, ...] = tuple(_REGISTRARS)

INSTRUCTIONS = """\
AIOps NextGen: read-only observability tools for a fleet of OpenShift/Kubernetes clusters.
Start with fleet_list_clusters (names, health, capabilities such as gpu or ptp), then ask the metrics_* tools;
every fan-out tool takes clusters/labels/environment to select clusters (default: all) and reports per-cluster
status, so a dead cluster shows up as an error entry instead of failing the call. Range queries return per-series
summaries, not raw points; follow next_cursor or resource_uri for more. alerts_list reads Alertmanager (silences,
inhibitions, routing); metrics_list_alerts reads Prometheus' own rule evaluation. k8s_* tools read the Kubernetes API
(nodes, pods, events, workloads, pod logs, OpenShift versions); Secrets and ConfigMap values are never read.
logs_* tools run LogQL on each cluster's Loki (a stream selector with an exact matcher is required); logs_patterns
mines log templates and reports bursts against the preceding window. traces_* tools search Tempo with TraceQL,
summarise one trace (critical path, errors), compare slow vs normal traces and map service dependencies. gpu_* tools
read NVIDIA dcgm-exporter metrics: fleet summary, per-GPU state, health (XID decoded, ECC, throttling), per-pod use
and idle-but-allocated GPUs, MIG layout. cnf_* tools cover telco workloads: PTP clock state/offset/holdover, SR-IOV
VF allocation and sync, DPDK/OVS-DPDK counters, and CNF workloads with their performance profiles.
"""


def build_server(
    deps: ToolDeps,
    *,
    domains: Sequence[str] = DOMAINS,
    name: str = "aiops-nextgen",
    transport_security: TransportSecuritySettings | None = None,
) -> FastMCP:
    """Build one FastMCP server exposing the tools of ``domains`` over ``deps``."""
    unknown = [d for d in domains if d not in _REGISTRARS]
    if unknown:
        raise ValueError(f"unknown MCP domain(s) {unknown}; choose from {list(DOMAINS)}")
    mcp = FastMCP(
        name,
        instructions=INSTRUCTIONS,
        transport_security=transport_security,
        streamable_http_path="/mcp",
        # No per-client session state on the server: any replica behind a load balancer can answer any request.
        stateless_http=True,
        json_response=True,
        # FastMCP configures root logging at this level; INFO would echo every backend HTTP request.
        log_level="WARNING",
    )
    for domain in domains:
        _REGISTRARS[domain](mcp, deps)
    return mcp
