"""The ``aiops`` command: ``cluster …``, ``mcp``, ``serve``, ``demo``, ``route``, ``ask`` and ``chat``.

Each command's module is imported only when that command runs (see :mod:`servers.cli.lazy`), so ``aiops --help``
starts in a fraction of a second and ``aiops mcp`` never loads the simulator or the agent stack.
"""

from __future__ import annotations

import typer

from servers.cli.lazy import CommandSpec, LazyGroup

__all__ = ["COMMANDS", "build_cli", "main"]

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "cluster",
        "servers.cli.cluster",
        "register_cluster_commands",
        "Manage the fleet registry: add, list, show, remove, probe, import-kubeconfig.",
    ),
    CommandSpec(
        "mcp",
        "servers.cli.serve",
        "register_serve_commands",
        "Serve MCP over stdio (for Claude Desktop, IDEs and other MCP clients that spawn a process).",
    ),
    CommandSpec(
        "serve",
        "servers.cli.serve",
        "register_serve_commands",
        "Serve MCP over streamable HTTP at /mcp (plus /healthz and /metrics), probing clusters in the background.",
    ),
    CommandSpec(
        "demo",
        "servers.cli.demo",
        "register_demo_command",
        "Run the whole product on a simulated three-cluster fleet backed by real Prometheus servers.",
    ),
    CommandSpec(
        "route",
        "servers.cli.agent",
        "register_agent_commands",
        "Show which persona(s) would answer QUESTION and why, without running any tool.",
    ),
    CommandSpec(
        "ask",
        "servers.cli.agent",
        "register_agent_commands",
        "Ask the agent QUESTION; streams the route and tool calls, then prints the cited answer.",
    ),
    CommandSpec(
        "chat",
        "servers.cli.agent",
        "register_agent_commands",
        "An interactive chat that keeps its session (24 h, 100 messages); /new starts over, /exit or Ctrl-D ends.",
    ),
)


class AiopsGroup(LazyGroup):
    """The root command group: every command of :data:`COMMANDS`, imported when it runs."""

    lazy_commands = COMMANDS


def _root() -> None:
    """AIOps NextGen — MCP-first, read-only AIOps tools for fleets of OpenShift/Kubernetes clusters."""


def build_cli() -> typer.Typer:
    """Assemble the command tree (built on demand, never at import time)."""
    # The root callback does nothing; Typer needs one to build a group that has no registered commands yet.
    return typer.Typer(
        name="aiops", cls=AiopsGroup, callback=_root, no_args_is_help=True, pretty_exceptions_show_locals=False
    )


def main() -> None:
    """Console-script entry point."""
    build_cli()()
