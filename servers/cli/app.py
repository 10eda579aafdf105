"""The ``aiops`` command: ``cluster …``, ``mcp``, ``serve``, ``demo``, ``route``, ``ask`` and ``chat``."""

from __future__ import annotations

import typer

from servers.cli.agent import register_agent_commands
from servers.cli.cluster import build_cluster_app
from servers.cli.demo import register_demo_command
from servers.cli.serve import register_serve_commands

__all__ = ["build_cli", "main"]


def build_cli() -> typer.Typer:
    """Assemble the command tree (built on demand, never at import time)."""
    app = typer.Typer(
        name="aiops",
        help="AIOps NextGen — MCP-first, read-only AIOps tools for fleets of OpenShift/Kubernetes clusters.",
        no_args_is_help=True,
        pretty_exceptions_show_locals=False,
    )
    app.add_typer(build_cluster_app(), name="cluster")
    register_serve_commands(app)
    register_demo_command(app)
    register_agent_commands(app)
    return app


def main() -> None:
    """Console-script entry point."""
    build_cli()()
