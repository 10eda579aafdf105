"""The HTTP application: ``/mcp`` (streamable HTTP), ``/healthz`` and ``/metrics``.

Bound to loopback it needs no token; bound anywhere else it refuses to start without ``AIOPS_HTTP_TOKEN`` and
accepts only the Host headers it was told about (DNS-rebinding protection stays on).
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from mcp.server.fastmcp import FastMCP
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from servers.http.auth import BearerAuthMiddleware
from servers.http.telemetry import HttpTelemetry, TelemetryMiddleware
from servers.mcp import DOMAIN_TOOLSETS, ToolDeps, build_server
from servers.mcp.server import OutputSchemas

__all__ = ["HttpConfigError", "create_app", "is_loopback", "transport_security_for"]


class HttpConfigError(ValueError):
    """The HTTP transport cannot start safely with these settings."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def transport_security_for(host: str, allowed_hosts: list[str]) -> TransportSecuritySettings:
    """DNS-rebinding protection that accepts loopback plus ``allowed_hosts`` (``name`` or ``name:port``).

    A concrete non-loopback bind address is accepted too, so clients may use the address they connect to.
    """
    names = list(allowed_hosts)
    if not is_loopback(host) and host not in ("0.0.0.0", "::"):
        names.append(host)
    hosts = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
    origins = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]
    for name in names:
        has_port = name.rsplit(":", 1)[-1].isdigit() and not name.endswith("]")
        patterns = [name] if has_port else [name, f"{name}:*"]
        hosts.extend(patterns)
        origins.extend(f"{scheme}://{p}" for p in patterns for scheme in ("http", "https"))
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins)


def create_app(
    deps: ToolDeps,
    *,
    host: str,
    token: str | None,
    allowed_hosts: list[str],
    toolsets: Sequence[str] = DOMAIN_TOOLSETS,
    ask: Callable[[FastMCP], None] | None = None,
    output_schemas: OutputSchemas = "none",
    background: Callable[[], contextlib.AbstractAsyncContextManager[None]] | None = None,
    readiness: Callable[[], Awaitable[dict[str, Any]]] | None = None,
) -> Starlette:
    """Build the Starlette app serving the tools of ``toolsets`` (see :func:`servers.mcp.build_server`).

    ``ask`` registers the agent's ``aiops_ask`` when ``toolsets`` includes ``ask``; ``output_schemas`` as in
    :func:`~servers.mcp.build_server`. ``background`` is an optional
    async context manager factory run for the app's lifetime (the probe scheduler). ``readiness`` reports
    dependencies on ``/readyz`` (the LLM endpoints): always 200 once serving, because without an LLM the agent
    answers deterministically; ``status`` says ``degraded`` when a configured dependency is down.
    """
    if not is_loopback(host) and not token:
        raise HttpConfigError(
            f"Refusing to serve on {host}: binding a non-loopback address requires a bearer token. "
            "Set AIOPS_HTTP_TOKEN (e.g. `export AIOPS_HTTP_TOKEN=$(openssl rand -hex 32)`) and list every name or IP "
            'clients use to reach the server in AIOPS_ALLOWED_HOSTS=\'["aiops.example.com", "10.1.2.3"]\'.'
        )
    mcp = build_server(
        deps,
        toolsets=toolsets,
        ask=ask,
        output_schemas=output_schemas,
        transport_security=transport_security_for(host, allowed_hosts),
    )
    mcp_app = mcp.streamable_http_app()
    telemetry = HttpTelemetry()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            await stack.enter_async_context(mcp.session_manager.run())
            if background is not None:
                await stack.enter_async_context(background())
            yield

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        return JSONResponse(await readiness() if readiness is not None else {"status": "ready"})

    # Telemetry is outermost so refused requests are counted (as 401) too; auth runs before any MCP handling.
    middleware = [Middleware(TelemetryMiddleware, telemetry=telemetry)]
    if token:
        middleware.append(Middleware(BearerAuthMiddleware, token=token))
    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", telemetry.endpoint),
            Mount("/", app=mcp_app),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
