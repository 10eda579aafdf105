"""Compose the per-domain MCP servers into one server: :class:`AiopsMCP` and :func:`build_server`.

Each domain module exposes ``register_<domain>_tools(mcp, deps)``; ``build_server(deps, toolsets=("metrics",))``
serves the metrics toolset alone. :class:`AiopsMCP` is FastMCP with this project's listing and calling rules:
compact ``tools/list`` entries (cached), result schemas served as resources unless asked for in the listing, strict
arguments with actionable errors, and the server's own name and version.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import metadata
from typing import Any, Literal, get_args

from mcp import types
from mcp.server.fastmcp import FastMCP
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import BaseModel

from servers.mcp.alerts import register_alerts_tools
from servers.mcp.cnf import register_cnf_tools
from servers.mcp.deps import ToolDeps
from servers.mcp.fleet import register_fleet_tools
from servers.mcp.gpu import register_gpu_tools
from servers.mcp.k8s import register_k8s_tools
from servers.mcp.logs import register_logs_tools
from servers.mcp.metrics import register_metrics_tools
from servers.mcp.strict import check_arguments, unknown_tool_error
from servers.mcp.surface import list_entry, result_schema
from servers.mcp.toolsets import ASK_TOOLSET, DOMAIN_TOOLSETS, TOOLSETS, ToolsetError
from servers.mcp.traces import register_traces_tools
from tools.errors import ToolInputError

__all__ = ["DOMAINS", "AiopsMCP", "OutputSchemas", "build_server", "server_version"]

Registrar = Callable[[FastMCP, ToolDeps], None]
OutputSchemas = Literal["none", "full"]

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
DOMAINS: tuple[str, ...] = DOMAIN_TOOLSETS
SCHEMA_URI = "aiops://schemas/{tool}"


@lru_cache(maxsize=1)
def server_version() -> str:
    """This distribution's version (looked up once: FastMCP would report the SDK's own on every request)."""
    try:
        return metadata.version("aiops-nextgen")
    except metadata.PackageNotFoundError:  # running from a bare checkout
        return "0+unknown"


def _result_model(fn: Callable[..., Any]) -> type[BaseModel] | None:
    """The result model a tool declares as ``-> Annotated[CallToolResult, Model]``, if any."""
    annotation = inspect.signature(fn, eval_str=True).return_annotation
    for arg in get_args(annotation)[1:]:
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


class AiopsMCP(FastMCP):
    """FastMCP with a compact, cached ``tools/list``, strict arguments and result schemas as resources."""

    def __init__(self, name: str, *, output_schemas: OutputSchemas = "none", **settings: Any) -> None:
        super().__init__(name, **settings)
        self._mcp_server.version = server_version()
        self.output_schemas: OutputSchemas = output_schemas
        self.result_models: dict[str, type[BaseModel]] = {}
        self._listing: list[types.Tool] | None = None
        self.resource(
            SCHEMA_URI,
            name="tool_result_schema",
            description="JSON schema of a tool's structured result, e.g. aiops://schemas/metrics_query.",
            mime_type="application/schema+json",
        )(self._schema_resource)

    def add_tool(
        self,
        fn: Callable[..., Any],
        name: str | None = None,
        title: str | None = None,
        description: str | None = None,
        annotations: types.ToolAnnotations | None = None,
        icons: list[types.Icon] | None = None,
        meta: dict[str, Any] | None = None,
        structured_output: bool | None = None,
    ) -> None:
        """Register ``fn``; its declared result model is kept for the schema resource instead of being re-validated
        on every call (tools return a ready ``CallToolResult`` built from that model)."""
        model = _result_model(fn)
        if model is not None:
            self.result_models[name or fn.__name__] = model
        super().add_tool(fn, name, title, description, annotations, icons, meta, structured_output=False)
        self._listing = None

    async def list_tools(self) -> list[types.Tool]:
        """The compact listing, built once per set of tools."""
        if self._listing is None:
            self._listing = [list_entry(t, self._output_schema(t.name)) for t in self._tool_manager.list_tools()]
        return self._listing

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> Any:
        """Refuse unknown tools and arguments with actionable errors, then run the tool."""
        tool = self._tool_manager.get_tool(name)
        if tool is None:
            raise unknown_tool_error(name, [t.name for t in self._tool_manager.list_tools()])
        check_arguments(tool, arguments)
        return await super().call_tool(name, arguments)

    def _output_schema(self, tool: str) -> dict[str, Any] | None:
        model = self.result_models.get(tool)
        return result_schema(model) if model is not None and self.output_schemas == "full" else None

    async def _schema_resource(self, tool: str) -> str:
        model = self.result_models.get(tool)
        if model is None:
            raise ToolInputError(
                f"No result schema for tool {tool!r}.",
                hint=f"Tools with one: {', '.join(sorted(self.result_models))}.",
            )
        return json.dumps(result_schema(model), separators=(",", ":"))


_SHARED = """\
AIOps NextGen: read-only tools for a fleet of OpenShift/Kubernetes clusters. Arguments shared by the tools:
clusters = cluster names and/or key=value selectors that must all hold (environment=PRODUCTION, type=EDGE, or any
cluster label such as site=dallas); default every registered cluster. start/end/time = RFC3339, unix seconds, 'now'
or 'now-30m'; window = a look-back such as '1h'; limit = items per page; cursor = next_cursor of the previous call
with the same arguments. Every result reports per-cluster status (a dead cluster is an error entry, not a failed
call), truncated/total, notes, and next_cursor or resource_uri for more. Result schemas: aiops://schemas/{tool}.
"""

_TOOLSET_NOTES: dict[str, str] = {
    "fleet": "fleet_*: the registered clusters, their health and capabilities (gpu, ptp, sriov); start here.",
    "metrics": "metrics_*: PromQL on each cluster's Prometheus/Thanos; range queries come back summarised.",
    "alerts": "alerts_*: Alertmanager alerts and silences (metrics_list_alerts is Prometheus' own evaluation).",
    "k8s": "k8s_*: nodes, pods, events, workloads, pod logs, OpenShift versions; Secrets are never read.",
    "logs": "logs_*: LogQL on Loki (a stream selector with an exact matcher is required) and log templates.",
    "traces": "traces_*: TraceQL on Tempo, one trace's critical path, slow vs normal traces, service graph.",
    "gpu": "gpu_*: NVIDIA DCGM: utilisation, health (XID, ECC, throttling), per-pod use, MIG.",
    "cnf": "cnf_*: telco: PTP clock state and offsets, SR-IOV VFs, DPDK counters, CNF workloads.",
    ASK_TOOLSET: "aiops_ask: the whole agent in one call, a cited answer to a plain question.",
}


def instructions_for(toolsets: Sequence[str]) -> str:
    """The server instructions (sent once per session): the shared arguments, then one line per toolset."""
    return _SHARED + "\n".join(_TOOLSET_NOTES[t] for t in toolsets if t in _TOOLSET_NOTES) + "\n"


def build_server(
    deps: ToolDeps,
    *,
    toolsets: Sequence[str] = DOMAIN_TOOLSETS,
    ask: Callable[[FastMCP], None] | None = None,
    output_schemas: OutputSchemas = "none",
    name: str = "aiops-nextgen",
    transport_security: TransportSecuritySettings | None = None,
) -> AiopsMCP:
    """Build one server exposing the tools of ``toolsets`` over ``deps``.

    The ``ask`` toolset (the agent as ``aiops_ask``) is registered by ``ask``, which the entry point supplies:
    ``servers.mcp`` never imports the agent. ``output_schemas="full"`` lists each tool's result schema too.
    """
    unknown = [t for t in toolsets if t not in TOOLSETS]
    if unknown:
        raise ToolsetError(f"unknown toolset(s) {unknown}; choose from {', '.join(TOOLSETS)}")
    if ASK_TOOLSET in toolsets and ask is None:
        raise ToolsetError("the 'ask' toolset needs the agent: build the server from an entry point that has one")
    mcp = AiopsMCP(
        name,
        output_schemas=output_schemas,
        instructions=instructions_for(toolsets),
        transport_security=transport_security,
        streamable_http_path="/mcp",
        # No per-client session state on the server: any replica behind a load balancer can answer any request.
        stateless_http=True,
        json_response=True,
        # FastMCP configures root logging at this level; INFO would echo every backend HTTP request.
        log_level="WARNING",
    )
    for toolset in toolsets:
        if toolset == ASK_TOOLSET and ask is not None:
            ask(mcp)
        elif toolset in _REGISTRARS:
            _REGISTRARS[toolset](mcp, deps)
    return mcp
