"""What a client pays for the tool server, beside the peer ``prometheus-mcp-server`` on the same data in one run.

Setup: one real Prometheus backfilled (promtool) over ``--hours`` (default 6) at 15 s with the series of four
operations, registered as one cluster for ours; the peer is pointed at the same Prometheus. Both servers run as a user
runs them: ``aiops mcp`` / ``prometheus-mcp-server`` spawned over stdio, and ``aiops serve`` / the peer's HTTP mode as
subprocesses serving streamable HTTP. Every tool call goes through the stock ``mcp`` Python client
(``ClientSession.call_tool``); the baseline is the same Prometheus HTTP API call with one keep-alive httpx client. Per
operation all of them are called in rotating order, so each ratio (tool ÷ direct) comes from the same minutes.

Operations: ``instant`` (``sum by (namespace) (rate(...[5m]))`` over 80 counters), ``range-60`` (exactly 60 series,
1 h @ 15 s), ``range-6h-8`` (8 series over 6 h @ 15 s) and ``list-names`` (metric names). Also measured: the tokens of
``tools/list`` (ours in total, per toolset and per persona; the peer in total), spawn → first ``tools/list`` over stdio,
``aiops --help`` and the idle RSS of each HTTP server. The peer is not installed at run time; without it ours is
measured alone. Install it once (from the repo root):

    python3 -m venv .venv-peer && .venv-peer/bin/pip install prometheus-mcp-server==1.6.2
    .venv/bin/python -m benchmarks.surface [--peer .venv-peer] [--calls 30] [--quick]
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import httpx
from mcp import ClientSession

from benchmarks._client_validation import client_validation_ms
from benchmarks._setup import (
    aligned_now,
    backfilled_prometheus,
    bench_settings,
    isolate_environment,
    median,
    pick_port,
    register_clusters,
    rss_mb,
    run_async,
    run_benchmark,
    server_process,
    stderr_to,
)
from benchmarks._surface_report import TARGETS, Measured, print_report, summarise
from benchmarks._surface_servers import (
    PEER_ONE_LINER,
    PEER_PACKAGE,
    Server,
    help_seconds,
    http_session,
    measure_spawns,
    our_server,
    peer_executable,
    peer_server,
    peer_versions,
    stdio_session,
)
from benchmarks.tokens import bench_family
from benchmarks.tool_overhead import cpu_family, interleaved
from servers.mcp import DOMAIN_TOOLSETS, build_server, open_deps
from servers.sim.families import labelset
from servers.sim.model import StoredFamily
from servers.sim.signals import Gauge, Profile, Wave, stable_key

CLUSTER = "bench-hub"
INSTANT_QUERY = "sum by (namespace) (rate(container_cpu_usage_seconds_total[5m]))"


def long_family(n: int) -> StoredFamily:
    """``bench_long``: ``n`` gauges with slow waves (periods of 1-2 h), for the 6 h range query."""
    series = tuple(
        (
            labelset({"instance": f"l{i}", "job": "bench"}),
            Gauge(
                Profile(20.0 + 5.0 * i, (Wave(4.0 + i, 3600.0 + 600.0 * i, phase=0.5 * i),)),
                key=stable_key("bench_long", i),
                noise=0.5,
                lo=0.0,
            ),
        )
        for i in range(n)
    )
    return StoredFamily("bench_long", "gauge", "A benchmark gauge for long ranges.", series)


@dataclass(frozen=True)
class Op:
    """One operation: our tool and arguments, the peer's, and the Prometheus API call they both stand for."""

    name: str
    ours: tuple[str, dict[str, Any]]
    peer: tuple[str, dict[str, Any]]
    method: str
    path: str
    params: dict[str, str]


def operations(end: int, hours: float) -> list[Op]:
    """The four operations, all evaluated at the last backfilled sample ``end`` (step 15 s for the ranges)."""
    now, hour_ago, long_ago = str(end), str(end - 3600), str(end - round(hours * 3600))
    instant = {"query": INSTANT_QUERY, "time": now}
    r60 = {"query": "bench_metric", "start": hour_ago, "end": now, "step": "15s"}
    r8 = {"query": "bench_long", "start": long_ago, "end": now, "step": "15s"}
    return [
        Op("instant", ("metrics_query", instant), ("execute_query", instant), "POST", "/api/v1/query", instant),
        Op(
            "range-60",
            ("metrics_query_range", r60),
            ("execute_range_query", r60),
            "POST",
            "/api/v1/query_range",
            {**r60, "step": "15"},
        ),
        Op(
            f"range-{hours:g}h-8",
            ("metrics_query_range", r8),
            ("execute_range_query", r8),
            "POST",
            "/api/v1/query_range",
            {**r8, "step": "15"},
        ),
        Op("list-names", ("metrics_list_names", {}), ("list_metrics", {}), "GET", "/api/v1/label/__name__/values", {}),
    ]


# -- one run of every operation over every session -------------------------------------------------------------------


@dataclass
class Endpoint:
    """One open MCP session: which server, which transport."""

    server: str
    transport: str
    session: ClientSession

    @property
    def label(self) -> str:
        return f"{self.server} {self.transport}"


def item_count(payload: Any) -> int | None:
    """Series (or names) in an answer: our ``total``, the peer's ``total_count`` / ``result``, Prometheus' ``data``."""
    if isinstance(payload, list):
        return len(payload)
    if not isinstance(payload, dict):
        return None
    for key in ("total", "total_count"):
        if isinstance(payload.get(key), int):
            return int(payload[key])
    inner = payload.get("result", payload.get("data"))
    return item_count(inner) if inner is not None else None


def tool_call(ep: Endpoint, op: Op, seen: dict[str, int | None]) -> Callable[[], Awaitable[None]]:
    """The op as a ``call_tool`` on ``ep``; a tool error stops the benchmark (a failed call is not a timing)."""
    name, arguments = op.ours if ep.server == "ours" else op.peer

    async def call() -> None:
        result = await ep.session.call_tool(name, arguments)
        if result.isError:
            text = " ".join(getattr(c, "text", "") for c in result.content)
            raise RuntimeError(f"{ep.label}: {name}({arguments}) failed: {text[:500]}")
        seen[ep.label] = item_count(result.structuredContent)

    return call


def direct_call(client: httpx.AsyncClient, op: Op, seen: dict[str, int | None]) -> Callable[[], Awaitable[None]]:
    """The op as the Prometheus HTTP API call, body decoded (both servers decode it too)."""

    async def call() -> None:
        if op.method == "POST":
            response = await client.post(op.path, data=op.params)
        else:
            response = await client.get(op.path, params=op.params)
        response.raise_for_status()
        body = response.json()
        if body.get("status") != "success":
            raise RuntimeError(f"Prometheus said {body}")
        seen["direct"] = item_count(body["data"])

    return call


async def toolset_members(data_dir: Path) -> dict[str, list[str]]:
    """The tool names of each domain toolset (built in this process; the entries are taken from the stdio listing)."""
    async with open_deps(bench_settings(data_dir)) as deps:
        return {t: [x.name for x in await build_server(deps, toolsets=(t,)).list_tools()] for t in DOMAIN_TOOLSETS}


async def persona_tokens(session: ClientSession) -> dict[str, tuple[int, int]]:
    """(tools, tokens) of each persona's subset as ``bind_tools`` sends it, loaded over ``session`` as agents do."""
    from agents.toolbox import Toolbox  # langchain: imported here, after every timing
    from personas import load_personas

    toolbox = await Toolbox.load(session)
    return {p.name: (len(toolbox.for_persona(p)), toolbox.persona_tokens(p)) for p in load_personas(None)}


async def measure_sessions(
    servers: Sequence[Server],
    http_pids: dict[str, int],
    prom_url: str,
    ops: Sequence[Op],
    *,
    data_dir: Path,
    cwd: Path,
    log: TextIO,
    warmup: int,
    n: int,
) -> Measured:
    """Open a stdio and an HTTP session on every server, then time each op over all of them and direct, interleaved."""
    async with AsyncExitStack() as stack:
        endpoints: list[Endpoint] = []
        for s in servers:
            endpoints.append(Endpoint(s.name, "stdio", await stack.enter_async_context(stdio_session(s, cwd, log))))
            session = await stack.enter_async_context(http_session(f"{s.base_url}/mcp"))
            endpoints.append(Endpoint(s.name, "http", session))
        listing = {ep.server: (await ep.session.list_tools()).tools for ep in endpoints if ep.transport == "stdio"}
        for ep in endpoints:  # a client has connected and listed the tools: the servers are "idle after start"
            if ep.transport == "http":
                await ep.session.list_tools()
        rss_idle = {name: rss_mb(pid) for name, pid in http_pids.items()}
        prom = await stack.enter_async_context(httpx.AsyncClient(base_url=prom_url, timeout=60.0))
        latency: dict[str, dict[str, float]] = {}
        items: dict[str, dict[str, int | None]] = {}
        for op in ops:
            seen: dict[str, int | None] = {}
            calls = [
                *((ep.label, tool_call(ep, op, seen)) for ep in endpoints),
                ("direct", direct_call(prom, op, seen)),
            ]
            latency[op.name] = {t.name: median(t.ms) for t in await interleaved(calls, warmup=warmup, n=n)}
            items[op.name] = seen
        rss_after = {name: rss_mb(pid) for name, pid in http_pids.items()}
        ours = next(ep.session for ep in endpoints if ep.label == "ours stdio")
        sample = await ours.call_tool(*ops[0].ours)
        validation = client_validation_ms(sample.structuredContent or {})
        personas = await persona_tokens(ours)
    members = await toolset_members(data_dir)
    return Measured(latency, items, listing, rss_idle, rss_after, members, personas, validation)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.surface",
        description="Tool latency over stdio and HTTP (tool ÷ direct Prometheus), tools/list tokens, spawn time, "
        f"--help time and idle RSS, beside the peer {PEER_PACKAGE} when installed ({PEER_ONE_LINER}).",
    )
    parser.add_argument("--peer", help="the peer's venv or its prometheus-mcp-server script (default: .venv-peer)")
    parser.add_argument("--no-peer", action="store_true", help="measure ours alone even if the peer is installed")
    parser.add_argument("--calls", type=int, default=30, help="measured calls per op and client (default 30)")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up calls per op and client (default 5)")
    parser.add_argument("--spawns", type=int, default=5, help="stdio spawns per server (default 5)")
    parser.add_argument("--help-runs", type=int, default=5, help="runs of `aiops --help` (default 5)")
    parser.add_argument("--hours", type=float, default=6.0, help="history and long-range span in hours (default 6)")
    parser.add_argument("--quick", action="store_true", help="3 calls, 1 warm-up, 1 spawn, 1 --help run")
    args = parser.parse_args(argv)
    if args.quick:
        args.calls, args.warmup, args.spawns, args.help_runs = 3, 1, 1, 1
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    isolate_environment()
    exe = None if args.no_peer else peer_executable(args.peer)
    if exe is None:
        where = args.peer or ".venv-peer"
        print("peer skipped (--no-peer)" if args.no_peer else f"peer not installed ({where}): {PEER_ONE_LINER}")
    versions = peer_versions(exe) if exe is not None else {}
    end = aligned_now()
    start = end - round(args.hours * 3600)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aiops-bench-surface-")))
        stack.enter_context(stderr_to(tmp / "benchmark-stderr.log"))
        log = stack.enter_context((tmp / "stdio-servers.log").open("a"))
        families = [cpu_family(start, 8, 10), bench_family(60, end - 3600, end), long_family(8)]
        prom = stack.enter_context(backfilled_prometheus(tmp / "prometheus", families, start=start, end=end))
        data_dir = tmp / "aiops"
        run_async(_register(data_dir, prom.url))
        servers = [our_server(data_dir, pick_port())]
        if exe is not None:
            servers.append(peer_server(exe, prom.url, pick_port()))
        help_runs = help_seconds(args.help_runs)
        spawns = run_async(measure_spawns(servers, args.spawns, tmp, log))
        pids: dict[str, int] = {}
        for s in servers:
            log_path, ready = tmp / f"{s.name}-http.log", s.base_url + s.ready_path
            pids[s.name] = stack.enter_context(
                server_process(s.http, env=s.http_env, cwd=tmp, log_path=log_path, ready_url=ready)
            ).pid
        ops = operations(end, args.hours)
        m = run_async(
            measure_sessions(
                servers, pids, prom.url, ops, data_dir=data_dir, cwd=tmp, log=log, warmup=args.warmup, n=args.calls
            )
        )
    print(f"\nData: {prom.series} series, {prom.samples:,} samples over {args.hours:g} h @ 15 s, one Prometheus.")
    if exe is not None:
        print(f"Peer: {exe} ({', '.join(f'{k} {v}' for k, v in versions.items())})")
    out = summarise(m, spawns, help_runs)
    print_report(m, args, out)
    peer = {"installed": exe is not None, "path": str(exe) if exe else None, "versions": versions}
    config = {"calls": args.calls, "warmup": args.warmup, "spawns": args.spawns, "hours": args.hours}
    return {"benchmark": "surface", "target": TARGETS, **out, "peer": {**peer, "install": PEER_ONE_LINER}, **config}


async def _register(data_dir: Path, url: str) -> None:
    async with open_deps(bench_settings(data_dir)) as deps:
        await register_clusters(deps, [(CLUSTER, url)])


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark from the command line."""
    run_benchmark(parse_args, run, argv)


if __name__ == "__main__":
    main()
