"""``aiops demo``: start the simulated fleet, register it, serve MCP over HTTP, and show how to connect.

Everything it starts (exporters, one real Prometheus per simulated cluster, the HTTP server) stops on Ctrl-C.
``--check`` runs a self-test through a real MCP client instead of serving forever (used by CI and the README).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from servers.cli.output import clusters_table, err_console, out_console
from servers.cli.runtime import build_settings, cli_errors, deps_for
from servers.cli.serve import http_server, llm_status_line
from servers.mcp import TOOLSETS, ToolDeps
from servers.settings import Settings
from tools.errors import ToolInputError, UnknownClusterError
from tools.fleet.models import ClusterSpec, Credentials, Endpoints

if TYPE_CHECKING:
    from servers.sim.fleet import SimCluster

__all__ = ["register_demo_command"]


async def register_sim_clusters(deps: ToolDeps, clusters: list[SimCluster]) -> None:
    """(Re-)register the simulated clusters and probe them, so the registry holds real probe results."""
    for sim in clusters:
        try:
            existing = await deps.registry.get(sim.name)
        except UnknownClusterError:
            existing = None
        if existing is not None:
            if existing.labels.get("demo") != "true":
                raise ToolInputError(
                    f"The registry in this data directory already has a real cluster named {sim.name!r}; "
                    "the demo will not replace it.",
                    hint="Run the demo with its own --data-dir (the default is <AIOPS_DATA_DIR>/demo).",
                )
            await deps.registry.remove(sim.name)  # a previous demo run's record, with stale ports
        spec = ClusterSpec.model_validate(
            {
                "name": sim.name,
                "type": sim.type,
                "platform": sim.platform,
                "environment": sim.environment,
                "region": sim.region,
                "labels": {**sim.labels, "demo": "true"},
                "endpoints": Endpoints(**sim.endpoints),
            }
        )
        await deps.registry.add(spec, Credentials())
        await deps.registry.probe(sim.name)


def port_is_free(port: int) -> bool:
    """True when 127.0.0.1:``port`` can be bound (checked before minutes of start-up are spent)."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def connection_help(settings: Settings, port: int) -> str:
    """Claude Desktop / IDE configuration and an MCP Inspector command for the running demo."""
    aiops = shutil.which("aiops") or str(Path(sys.executable).with_name("aiops"))
    desktop = {
        "mcpServers": {"aiops-nextgen": {"command": aiops, "args": ["mcp", "--data-dir", str(settings.data_dir)]}}
    }
    http = {"mcpServers": {"aiops-nextgen": {"type": "http", "url": f"http://127.0.0.1:{port}/mcp"}}}
    inspector = (
        f"npx -y @modelcontextprotocol/inspector --cli http://127.0.0.1:{port}/mcp --transport http "
        "--method tools/call --tool-name metrics_query --tool-arg 'query=max by (Hostname, gpu) (DCGM_FI_DEV_GPU_TEMP)'"
    )
    cli = (
        f"npx -y @modelcontextprotocol/inspector --cli http://127.0.0.1:{port}/mcp --transport http --method tools/call"
    )
    incident = [
        "--tool-name k8s_list_pods --tool-arg 'clusters=[\"hub\"]' --tool-arg namespace=payments",
        "--tool-name k8s_list_events --tool-arg 'clusters=[\"hub\"]' --tool-arg namespace=payments "
        "--tool-arg warnings_only=true",
        "--tool-name logs_patterns --tool-arg 'clusters=[\"hub\"]' --tool-arg 'query={namespace=\"payments\"}' "
        "--tool-arg start=now-60m --tool-arg end=now-30m",
        "--tool-name traces_compare --tool-arg 'clusters=[\"hub\"]' --tool-arg service=payments-api "
        "--tool-arg start=now-30m",
    ]
    return (
        "[bold]Claude Desktop[/] (claude_desktop_config.json, stdio):\n"
        f"{escape(json.dumps(desktop, indent=2))}\n\n"
        "[bold]IDEs / clients with streamable HTTP[/]:\n"
        f"{escape(json.dumps(http, indent=2))}\n\n"
        "[bold]Try it with MCP Inspector[/]:\n"
        f"{escape(inspector)}\n"
        f"npx -y @modelcontextprotocol/inspector --cli http://127.0.0.1:{port}/mcp --transport http "
        "--method tools/call --tool-name fleet_list_clusters\n\n"
        "[bold]The payments CPU incident on hub[/] (pods, warning events, log patterns, slow traces):\n"
        + "\n".join(escape(f"{cli} {args}") for args in incident)
        + "\n\n[bold]Ask the agent[/] (deterministic without AIOPS_LLM_BASE_URL; see docs/llm.md):\n"
        + escape(f'{aiops} ask --data-dir {settings.data_dir} "which GPUs are running hot?"')
    )


def register_demo_command(app: typer.Typer) -> None:
    """Add ``demo`` to the root command."""

    @app.command("demo")
    def demo(
        port: Annotated[int, typer.Option(help="HTTP port of the MCP endpoint")] = 8080,
        data_dir: Annotated[
            Path | None, typer.Option("--data-dir", help="Demo data directory (default: <AIOPS_DATA_DIR>/demo)")
        ] = None,
        hours: Annotated[float, typer.Option(help="Hours of simulated history to backfill", min=0.5, max=48)] = 6.0,
        check: Annotated[
            bool, typer.Option("--check", help="Call the tools once through an MCP client, print the answers, exit")
        ] = False,
    ) -> None:
        """Run the whole product on a simulated three-cluster fleet backed by real Prometheus servers."""
        # The simulator is imported here: no other command loads it.
        from servers.sim.fleet import SimFleet
        from servers.sim.prometheus import PrometheusNotFoundError, find_binaries

        base = build_settings(None)
        # The demo never touches the operator's registry, key, token or global-view settings: everything it
        # writes lives in its own data directory, and its HTTP server is loopback-only without a token.
        settings = base.model_copy(
            update={
                "data_dir": data_dir or base.data_dir / "demo",
                "database_url": None,
                "encryption_key": None,
                "http_token": None,
                "metrics_mode": "direct",
                "probe_enabled": True,
            }
        )
        try:
            find_binaries()
        except PrometheusNotFoundError as exc:
            err_console.print(f"[red]Prometheus is needed for the demo.[/] {escape(str(exc))}")
            raise typer.Exit(3) from exc
        if not port_is_free(port):
            err_console.print(f"[red]Port {port} is in use.[/] Pick another with --port.")
            raise typer.Exit(2)
        # `kill` (SIGTERM) must stop the Prometheus servers too: turn it into the same path as Ctrl-C.
        signal.signal(signal.SIGTERM, signal.default_int_handler)

        fleet = SimFleet(settings.data_dir / "sim", history_hours=hours)
        try:
            with err_console.status("starting the simulated fleet") as status:
                clusters = fleet.start(progress=lambda msg: status.update(msg))
            with cli_errors():
                asyncio.run(_run(settings, clusters, port=port, check=check))
        except KeyboardInterrupt:
            err_console.print("stopping…")
        finally:
            fleet.stop()
            err_console.print("[green]Demo stopped[/]: simulated APIs, Prometheus and Alertmanager servers are down.")


async def _run(settings: Settings, clusters: list[SimCluster], *, port: int, check: bool) -> None:
    from servers.assistant import AgentLoader
    from servers.cli.demo_check import run_check

    async with deps_for(settings) as deps, AgentLoader(settings, deps) as agent:
        with err_console.status("registering and probing the simulated clusters"):
            await register_sim_clusters(deps, clusters)
        registered = await deps.registry.select(names=[c.name for c in clusters], labels=None, environment=None)
        out_console.print(clusters_table(registered))
        # The demo shows everything: every toolset, the agent's aiops_ask included.
        server = http_server(settings, deps, agent, host="127.0.0.1", port=port, toolsets=TOOLSETS)
        if check:
            task = asyncio.create_task(server.serve())
            try:
                ok = await run_check(f"http://127.0.0.1:{port}/mcp", out_console)
            finally:
                server.should_exit = True
                await task
            if not ok:
                raise typer.Exit(1)
            return
        out_console.rule("Connect an MCP client")
        # soft_wrap: no hard line breaks, so the JSON and commands copy-paste cleanly from any terminal width.
        out_console.print(connection_help(settings, port), soft_wrap=True, highlight=False)
        out_console.rule()
        async with llm_status_line(settings, TOOLSETS):
            err_console.print(f"Serving MCP at http://127.0.0.1:{port}/mcp — Ctrl-C stops everything.")
            await server.serve()
