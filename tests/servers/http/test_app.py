"""The HTTP transport on a real uvicorn server: auth, DNS-rebinding protection, /healthz, /metrics, MCP over HTTP."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.server.fastmcp import FastMCP

from servers.http import HttpConfigError, create_app
from servers.mcp import DOMAIN_TOOLSETS, ToolDeps
from servers.mcp.server import OutputSchemas

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def running(
    deps: ToolDeps,
    *,
    token: str | None = None,
    allowed_hosts: list[str] | None = None,
    readiness: Callable[[], Awaitable[dict[str, Any]]] | None = None,
    toolsets: Sequence[str] = DOMAIN_TOOLSETS,
    ask: Callable[[FastMCP], None] | None = None,
    output_schemas: OutputSchemas = "none",
) -> AsyncIterator[str]:
    """Serve the app on a free loopback port for the duration of the block; yield its base URL."""
    port = free_port()
    app = create_app(
        deps,
        host="127.0.0.1",
        token=token,
        allowed_hosts=allowed_hosts or [],
        readiness=readiness,
        toolsets=toolsets,
        ask=ask,
        output_schemas=output_schemas,
    )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="on"))
    task = asyncio.create_task(server.serve())
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(200):  # bounded wait for readiness
                try:
                    if (await client.get(f"{base}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            else:
                raise AssertionError("server did not start")
        yield base
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)


def test_binding_a_public_address_without_a_token_is_refused(deps: ToolDeps) -> None:
    with pytest.raises(HttpConfigError, match="AIOPS_HTTP_TOKEN"):
        create_app(deps, host="0.0.0.0", token=None, allowed_hosts=[])


def test_binding_a_public_address_with_a_token_is_allowed(deps: ToolDeps) -> None:
    assert create_app(deps, host="0.0.0.0", token="t0k3n", allowed_hosts=["aiops.example.com"]) is not None


async def test_requests_without_the_bearer_token_get_401_and_healthz_stays_open(deps: ToolDeps) -> None:
    async with running(deps, token="right-token") as base, httpx.AsyncClient() as client:
        assert (await client.get(f"{base}/healthz")).status_code == 200
        denied = await client.post(f"{base}/mcp", json=INIT, headers=MCP_HEADERS)
        assert denied.status_code == 401
        assert "right-token" not in denied.text
        wrong = await client.post(
            f"{base}/mcp", json=INIT, headers={**MCP_HEADERS, "Authorization": "Bearer wrong-token"}
        )
        assert wrong.status_code == 401
        ok = await client.post(f"{base}/mcp", json=INIT, headers={**MCP_HEADERS, "Authorization": "Bearer right-token"})
        assert ok.status_code == 200


async def test_readyz_is_open_and_reports_what_the_readiness_check_says(deps: ToolDeps) -> None:
    async def degraded() -> dict[str, Any]:
        return {"status": "degraded", "agent_mode": "deterministic", "llm": [{"name": "primary", "ok": False}]}

    async with running(deps, token="right-token", readiness=degraded) as base, httpx.AsyncClient() as client:
        ready = await client.get(f"{base}/readyz")
    assert ready.status_code == 200  # without an LLM the agent still answers: degraded, not down
    assert ready.json() == await degraded()


async def test_a_token_read_from_a_file_with_a_newline_still_matches(deps: ToolDeps) -> None:
    async with running(deps, token="file-token\n") as base, httpx.AsyncClient() as client:
        ok = await client.post(f"{base}/mcp", json=INIT, headers={**MCP_HEADERS, "Authorization": "Bearer file-token"})
        assert ok.status_code == 200


async def test_a_foreign_host_header_is_rejected_unless_allowed(deps: ToolDeps) -> None:
    async with running(deps, allowed_hosts=["aiops.example.com"]) as base, httpx.AsyncClient() as client:
        evil = await client.post(f"{base}/mcp", json=INIT, headers={**MCP_HEADERS, "Host": "evil.example.net"})
        assert evil.status_code == 421
        allowed = await client.post(f"{base}/mcp", json=INIT, headers={**MCP_HEADERS, "Host": "aiops.example.com"})
        assert allowed.status_code == 200


async def test_metrics_endpoint_counts_requests_and_needs_no_token(deps: ToolDeps) -> None:
    async with running(deps, token="tok") as base, httpx.AsyncClient() as client:
        await client.get(f"{base}/healthz")
        text = (await client.get(f"{base}/metrics")).text
        assert 'aiops_http_requests_total{path="/healthz",status="200"}' in text


async def test_an_mcp_client_calls_a_tool_over_streamable_http_with_the_token(deps: ToolDeps) -> None:
    async with (
        running(deps, token="tok") as base,
        httpx.AsyncClient(headers={"Authorization": "Bearer tok"}) as http,
        streamable_http_client(f"{base}/mcp", http_client=http) as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        result = await session.call_tool("fleet_summary", {})
        assert not result.isError
        assert result.structuredContent is not None
        assert result.structuredContent["summary"]["total"] == 0


async def test_the_app_serves_only_the_chosen_toolsets_and_the_ask_registrar_when_asked(deps: ToolDeps) -> None:
    def ask(mcp: FastMCP) -> None:
        @mcp.tool()
        async def aiops_ask(question: str) -> str:
            """Stand-in for the agent tool."""
            return question

    async with (
        running(deps, toolsets=("gpu", "ask"), ask=ask) as base,
        streamable_http_client(f"{base}/mcp") as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        names = {t.name for t in (await session.list_tools()).tools}
    assert "aiops_ask" in names
    assert {n.split("_")[0] for n in names} == {"gpu", "aiops"}


@pytest.mark.parametrize("output_schemas", ["none", "full"])
async def test_result_schemas_are_listed_only_when_asked_for(deps: ToolDeps, output_schemas: OutputSchemas) -> None:
    async with (
        running(deps, toolsets=("fleet",), output_schemas=output_schemas) as base,
        streamable_http_client(f"{base}/mcp") as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        tools = (await session.list_tools()).tools
        summary = await session.call_tool("fleet_summary", {})  # the SDK client validates it when a schema is listed
    assert all((t.outputSchema is not None) == (output_schemas == "full") for t in tools)
    assert not summary.isError and summary.structuredContent is not None
