"""``aiops mcp`` (stdio, for Claude Desktop and IDEs) and ``aiops serve`` (streamable HTTP at ``/mcp``)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from servers.assistant import AgentRuntime, describe_llm, readiness_report, register_ask_tool
from servers.cli.output import err_console
from servers.cli.runtime import build_settings, cli_errors, deps_for
from servers.http import create_app
from servers.mcp import DOMAINS, ToolDeps, build_server
from servers.settings import Settings
from tools.fleet import ProbeScheduler

__all__ = ["http_server", "probe_loop", "register_serve_commands"]

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Data directory (default: AIOPS_DATA_DIR)")]


def probe_loop(deps: ToolDeps) -> contextlib.AbstractAsyncContextManager[None]:
    """Run the background probe scheduler (per-type intervals) for as long as the context is open."""

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


def http_server(settings: Settings, deps: ToolDeps, runtime: AgentRuntime, *, host: str, port: int) -> uvicorn.Server:
    """A uvicorn server for the composed MCP server (with ``aiops_ask``); ``await server.serve()`` runs it,
    ``should_exit`` stops it."""
    app = create_app(
        deps,
        host=host,
        token=settings.http_token.get_secret_value() if settings.http_token else None,
        allowed_hosts=settings.allowed_hosts,
        background=(lambda: probe_loop(deps)) if settings.probe_enabled else None,
        extend=lambda mcp: register_ask_tool(mcp, runtime),
        readiness=lambda: readiness_report(runtime),
    )
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))


def register_serve_commands(app: typer.Typer) -> None:
    """Add ``mcp`` and ``serve`` to the root command."""

    @app.command("mcp")
    def mcp_stdio(
        domain: Annotated[
            list[str] | None, typer.Option(help=f"Serve only these domains ({', '.join(DOMAINS)}); default all")
        ] = None,
        data_dir: DataDir = None,
    ) -> None:
        """Serve MCP over stdio (for Claude Desktop, IDEs and other MCP clients that spawn a process)."""
        settings = build_settings(data_dir)

        async def body() -> None:
            async with deps_for(settings) as deps, AgentRuntime.create(settings, deps) as runtime:
                server = build_server(deps, toolsets=domain or DOMAINS)
                register_ask_tool(server, runtime)
                err_console.print(describe_llm(await runtime.llm_status()))  # stderr: stdout carries MCP
                await server.run_stdio_async()

        with cli_errors():
            asyncio.run(body())

    @app.command("serve")
    def serve(
        host: Annotated[str | None, typer.Option(help="Bind address (default AIOPS_HTTP_HOST=127.0.0.1)")] = None,
        port: Annotated[int | None, typer.Option(help="Port (default AIOPS_HTTP_PORT=8080)")] = None,
        data_dir: DataDir = None,
    ) -> None:
        """Serve MCP over streamable HTTP at /mcp (plus /healthz and /metrics), probing clusters in the background.

        Bound to loopback by default; any other address requires AIOPS_HTTP_TOKEN.
        """
        settings = build_settings(data_dir)
        bind_host = host or settings.http_host
        bind_port = port or settings.http_port

        async def body() -> None:
            async with deps_for(settings) as deps, AgentRuntime.create(settings, deps) as runtime:
                server = http_server(settings, deps, runtime, host=bind_host, port=bind_port)
                err_console.print(describe_llm(await runtime.llm_status()))
                err_console.print(f"MCP endpoint: http://{bind_host}:{bind_port}/mcp  (Ctrl-C to stop)")
                await server.serve()

        try:
            with cli_errors():
                asyncio.run(body())
        except KeyboardInterrupt:
            pass
