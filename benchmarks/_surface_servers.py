"""The servers of the surface benchmark: ours and the peer ``prometheus-mcp-server``, each over stdio and HTTP.

``aiops mcp`` / ``aiops serve`` run as a user runs them (the console script, every toolset, probes off); the peer
runs from its own venv (never installed at run time) with the environment its README documents: ``PROMETHEUS_URL``,
``PROMETHEUS_MCP_SERVER_TRANSPORT`` (``stdio`` or ``http``), ``PROMETHEUS_MCP_BIND_HOST`` and ``_PORT``.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import httpx
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from benchmarks._setup import REPO_ROOT, aiops_command, subprocess_env

__all__ = [
    "PEER_ONE_LINER",
    "PEER_PACKAGE",
    "Server",
    "help_seconds",
    "http_session",
    "measure_spawns",
    "our_server",
    "peer_executable",
    "peer_server",
    "peer_versions",
    "stdio_session",
]

PEER_PACKAGE = "prometheus-mcp-server==1.6.2"
PEER_ONE_LINER = f"python3 -m venv .venv-peer && .venv-peer/bin/pip install {PEER_PACKAGE}"
# Variables the peer reads (server.py): the benchmark sets its own and lets none leak in from the caller.
_PEER_VARS = ("PROMETHEUS_", "ORG_ID", "TOOL_PREFIX")


@dataclass(frozen=True)
class Server:
    """How to run one server: over stdio (spawned by the MCP client) and over streamable HTTP (a subprocess)."""

    name: str  # "ours" or "peer"
    stdio: list[str]
    http: list[str]
    env: dict[str, str]
    http_env: dict[str, str]
    base_url: str  # of the HTTP server; its MCP endpoint is base_url + "/mcp"
    ready_path: str


def peer_executable(spec: str | None) -> Path | None:
    """The peer's script from ``--peer`` (a venv or the script) or the default ``.venv-peer``; None if absent."""
    path = Path(spec) if spec else REPO_ROOT / ".venv-peer"
    if path.is_dir():
        path = path / "bin" / "prometheus-mcp-server"
    return path if path.is_file() and os.access(path, os.X_OK) else None


def peer_versions(exe: Path) -> dict[str, str]:
    """Versions of the peer and its MCP stack, asked of the peer's own interpreter."""
    code = (
        "import importlib.metadata as m\n"
        "for p in ('prometheus-mcp-server', 'fastmcp', 'mcp'):\n"
        "    try: print(p, m.version(p))\n"
        "    except m.PackageNotFoundError: pass\n"
    )
    out = subprocess.run(
        [str(exe.with_name("python")), "-c", code], capture_output=True, text=True, timeout=60, check=False
    ).stdout
    return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)


def peer_env(**extra: str) -> dict[str, str]:
    """The peer's environment: the caller's without ``AIOPS_*``, ``PYTHONPATH`` or the peer's own variables."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AIOPS_", *_PEER_VARS)) and k not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    return {**env, **extra}


def peer_server(exe: Path, prom_url: str, port: int) -> Server:
    """The peer configured as its README says: PROMETHEUS_URL, and the transport, host and port by environment."""
    base = {"PROMETHEUS_URL": prom_url, "PROMETHEUS_MCP_BIND_HOST": "127.0.0.1", "PROMETHEUS_MCP_BIND_PORT": str(port)}
    return Server(
        "peer",
        [str(exe)],
        [str(exe)],
        peer_env(**base, PROMETHEUS_MCP_SERVER_TRANSPORT="stdio"),
        peer_env(**base, PROMETHEUS_MCP_SERVER_TRANSPORT="http"),
        f"http://127.0.0.1:{port}",
        "/health",
    )


def toolsets_option(command: str) -> list[str]:
    """``["--toolsets", "all"]`` when ``aiops COMMAND`` has that option (every toolset, ``aiops_ask`` included)."""
    proc = subprocess.run(
        aiops_command(command, "--help"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=subprocess_env(COLUMNS="200"),
    )
    return ["--toolsets", "all"] if "--toolsets" in proc.stdout else []


def our_server(data_dir: Path, port: int) -> Server:
    """``aiops mcp`` and ``aiops serve`` on the benchmark's data dir, probes off, every toolset."""
    env = subprocess_env(AIOPS_PROBE_ENABLED="false")
    serve = ["serve", "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(port)]
    return Server(
        "ours",
        aiops_command("mcp", "--data-dir", str(data_dir), *toolsets_option("mcp")),
        aiops_command(*serve, *toolsets_option("serve")),
        env,
        env,
        f"http://127.0.0.1:{port}",
        "/healthz",
    )


@asynccontextmanager
async def stdio_session(server: Server, cwd: Path, log: TextIO) -> AsyncIterator[ClientSession]:
    """An initialised MCP session on a freshly spawned stdio server (stopped when the block exits)."""
    params = StdioServerParameters(command=server.stdio[0], args=server.stdio[1:], env=server.env, cwd=cwd)
    async with stdio_client(params, errlog=log) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


@asynccontextmanager
async def http_session(url: str) -> AsyncIterator[ClientSession]:
    """An initialised MCP session over streamable HTTP."""
    async with (
        httpx.AsyncClient(timeout=60.0) as http,
        streamable_http_client(url, http_client=http) as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


async def spawn_to_list(server: Server, cwd: Path, log: TextIO) -> float:
    """Seconds from spawning the stdio server to the answer of its first ``tools/list`` (initialize included)."""
    started = time.perf_counter()
    async with stdio_session(server, cwd, log) as session:
        await session.list_tools()
        return time.perf_counter() - started


async def measure_spawns(servers: Sequence[Server], n: int, cwd: Path, log: TextIO) -> dict[str, list[float]]:
    """``n`` spawns of each server, alternating, one at a time."""
    out: dict[str, list[float]] = {s.name: [] for s in servers}
    for _ in range(n):
        for server in servers:
            out[server.name].append(await spawn_to_list(server, cwd, log))
    return out


def help_seconds(n: int) -> list[float]:
    """Wall time of ``aiops --help`` (process start to exit), ``n`` times."""
    out: list[float] = []
    for _ in range(n):
        started = time.perf_counter()
        proc = subprocess.run(aiops_command("--help"), capture_output=True, text=True, timeout=60, env=subprocess_env())
        out.append(time.perf_counter() - started)
        if proc.returncode != 0:
            raise RuntimeError(f"`aiops --help` exited with {proc.returncode}:\n{proc.stderr[-2000:]}")
    return out
