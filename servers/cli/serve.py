"""``aiops mcp`` (stdio, for Claude Desktop and IDEs) and ``aiops serve`` (streamable HTTP at ``/mcp``).

Both serve the toolsets chosen with ``--toolsets`` (else ``AIOPS_TOOLSETS``, else all). The agent behind
``aiops_ask`` is built on its first call, so start-up loads neither the agent stack nor the simulator.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from servers.cli.output import err_console
from servers.cli.runtime import build_settings, cli_errors, deps_for
from servers.mcp import ASK_TOOLSET, TOOLSETS, ToolDeps, ToolsetError, build_server, parse_toolsets
from servers.settings import Settings

if TYPE_CHECKING:
    import uvicorn

    from servers.assistant import AgentLoader

__all__ = ["http_server", "llm_status_line", "probe_loop", "register_serve_commands", "selected_toolsets"]

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Data directory (default: AIOPS_DATA_DIR)")]
ToolsetsOpt = Annotated[
    str | None,
    typer.Option(
        "--toolsets",
        help=f"Comma-separated toolsets to serve: {', '.join(TOOLSETS)}, or all "
        "(default: AIOPS_TOOLSETS, else all). 'ask' is the agent as one tool, aiops_ask.",
    ),
]


def selected_toolsets(option: str | None, settings: Settings) -> tuple[str, ...]:
    """``--toolsets``, else ``AIOPS_TOOLSETS``, parsed; an unknown name exits 2 with a one-line error."""
    spec = option if option is not None else settings.toolsets
    try:
        return parse_toolsets(spec)
    except ToolsetError as exc:
        source = "--toolsets" if option is not None else "AIOPS_TOOLSETS"
        err_console.print(f"[red]error:[/] {source}: {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from exc


def probe_loop(deps: ToolDeps) -> contextlib.AbstractAsyncContextManager[None]:
    """Run the background probe scheduler (per-type intervals) for as long as the context is open."""
    from tools.fleet import ProbeScheduler

    @contextlib.asynccontextmanager
    async def running() -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(ProbeScheduler(deps.registry).run(stop))
        try:
            yield
        finally:
            stop.set()
            try:
                await asyncio.wait_for(task, timeout=10)
            except TimeoutError:  # probes still in flight: cancel them before the registry closes
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return running()


@contextlib.asynccontextmanager
async def llm_status_line(settings: Settings, toolsets: Sequence[str]) -> AsyncIterator[None]:
    """When ``aiops_ask`` is served, print the LLM status on stderr once the endpoints answer, without holding up
    start-up meanwhile (stdio's stdout carries MCP)."""
    if ASK_TOOLSET not in toolsets:
        yield
        return
    from servers.assistant import check_llm, describe_llm, llm_endpoints

    endpoints = llm_endpoints(settings)

    async def report() -> None:
        err_console.print(describe_llm(await check_llm(endpoints)))

    task = asyncio.create_task(report())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def http_server(
    settings: Settings,
    deps: ToolDeps,
    agent: AgentLoader,
    *,
    host: str,
    port: int,
    toolsets: Sequence[str] = TOOLSETS,
) -> uvicorn.Server:
    """A uvicorn server for the tools of ``toolsets`` (``aiops_ask`` on ``agent`` among them when selected);
    ``await server.serve()`` runs it, ``should_exit`` stops it."""
    import uvicorn

    from servers.assistant import llm_endpoints, readiness_report, register_ask_tool
    from servers.http import create_app

    endpoints = llm_endpoints(settings) if ASK_TOOLSET in toolsets else []
    app = create_app(
        deps,
        host=host,
        token=settings.http_token.get_secret_value() if settings.http_token else None,
        allowed_hosts=settings.allowed_hosts,
        toolsets=toolsets,
        ask=lambda mcp: register_ask_tool(mcp, agent),
        output_schemas=settings.output_schemas,
        background=(lambda: probe_loop(deps)) if settings.probe_enabled else None,
        readiness=(lambda: readiness_report(endpoints)) if ASK_TOOLSET in toolsets else None,
    )
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))


def register_serve_commands(app: typer.Typer) -> None:
    """Add ``mcp`` and ``serve`` to the root command."""

    @app.command("mcp")
    def mcp_stdio(toolsets: ToolsetsOpt = None, data_dir: DataDir = None) -> None:
        """Serve MCP over stdio (for Claude Desktop, IDEs and other MCP clients that spawn a process)."""
        settings = build_settings(data_dir)
        chosen = selected_toolsets(toolsets, settings)

        async def body() -> None:
            from servers.assistant import AgentLoader, register_ask_tool

            # Lazy store: a spawned server answers tools/list before it needs the registry database.
            async with deps_for(settings, lazy_store=True) as deps, AgentLoader(settings, deps) as agent:
                server = build_server(
                    deps,
                    toolsets=chosen,
                    ask=lambda mcp: register_ask_tool(mcp, agent),
                    output_schemas=settings.output_schemas,
                )
                async with llm_status_line(settings, chosen):
                    await server.run_stdio_async()

        with cli_errors():
            asyncio.run(body())

    @app.command("serve")
    def serve(
        toolsets: ToolsetsOpt = None,
        host: Annotated[str | None, typer.Option(help="Bind address (default AIOPS_HTTP_HOST=127.0.0.1)")] = None,
        port: Annotated[int | None, typer.Option(help="Port (default AIOPS_HTTP_PORT=8080)")] = None,
        data_dir: DataDir = None,
    ) -> None:
        """Serve MCP over streamable HTTP at /mcp (plus /healthz and /metrics), probing clusters in the background.

        Bound to loopback by default; any other address requires AIOPS_HTTP_TOKEN.
        """
        settings = build_settings(data_dir)
        chosen = selected_toolsets(toolsets, settings)
        bind_host = host or settings.http_host
        bind_port = port or settings.http_port

        async def body() -> None:
            from servers.assistant import AgentLoader

            async with deps_for(settings) as deps, AgentLoader(settings, deps) as agent:
                server = http_server(settings, deps, agent, host=bind_host, port=bind_port, toolsets=chosen)
                async with llm_status_line(settings, chosen):
                    err_console.print(f"MCP endpoint: http://{bind_host}:{bind_port}/mcp  (Ctrl-C to stop)")
                    await server.serve()

        try:
            with cli_errors():
                asyncio.run(body())
        except KeyboardInterrupt:
            pass
