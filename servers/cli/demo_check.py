"""The demo's self-check: a real MCP client over streamable HTTP calls the tools and prints what came back."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from rich.console import Console

__all__ = ["run_check"]

CHECKS: list[tuple[str, dict[str, Any]]] = [
    ("fleet_list_clusters", {}),
    ("metrics_query", {"query": "max by (Hostname, gpu) (DCGM_FI_DEV_GPU_TEMP)"}),
    ("metrics_query", {"query": "max by (node, iface) (openshift_ptp_offset_ns)"}),
    (
        "metrics_query_range",
        {"query": "sum by (namespace) (rate(container_cpu_usage_seconds_total[5m]))", "start": "now-3h", "top_k": 3},
    ),
    # The hub's CPU-saturation incident (payments namespace) seen through the Kubernetes API, Loki and Tempo.
    ("k8s_list_pods", {"clusters": ["hub"], "namespace": "payments"}),
    ("k8s_list_events", {"clusters": ["hub"], "namespace": "payments", "warnings_only": True}),
    ("logs_patterns", {"clusters": ["hub"], "query": '{namespace="payments"}', "start": "now-60m", "end": "now-30m"}),
    ("traces_compare", {"clusters": ["hub"], "service": "payments-api", "start": "now-30m"}),
]


async def _wait_ready(url: str, wait_s: float = 20.0) -> None:
    health = url.rsplit("/mcp", 1)[0] + "/healthz"
    deadline = asyncio.get_running_loop().time() + wait_s
    async with httpx.AsyncClient() as client:
        while True:
            try:
                if (await client.get(health)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"the MCP HTTP server at {url} did not become ready in {wait_s:g}s")
            await asyncio.sleep(0.1)


async def run_check(url: str, console: Console) -> bool:
    """Call each check tool once; print a short excerpt of each answer; True when all succeeded with data."""
    await _wait_ready(url)
    ok = True
    async with streamable_http_client(url) as (read, write, _), ClientSession(read, write) as session:
        await session.initialize()
        tools = await session.list_tools()
        console.print(f"[bold]{len(tools.tools)} tools[/]: {', '.join(t.name for t in tools.tools)}")
        for name, args in CHECKS:
            try:
                result = await session.call_tool(name, args)
            except Exception as exc:  # report and go on: the check's job is to say what failed, not to crash
                ok = False
                console.print(f"[red]✗ {name}[/] {args}: {type(exc).__name__}: {exc}")
                continue
            data = result.structuredContent or {}
            text = json.dumps(data)[:600]
            if result.isError or not data.get("returned"):
                ok = False
                console.print(f"[red]✗ {name}[/] {args}: {result.content}")
            else:
                console.print(f"[green]✓ {name}[/] {args} → returned={data.get('returned')}: {text}…")
    return ok
