"""Latency of ``metrics_query`` over MCP streamable HTTP versus the same PromQL sent straight to Prometheus.

Setup: a real Prometheus backfilled with 1 h of ``container_cpu_usage_seconds_total`` (namespaces x pods counters
every 15 s), registered as one cluster in a temporary registry; the product served by ``aiops serve`` in a
subprocess (its own process and event loop, probes off: the production-like setup). Client A is one MCP
``ClientSession`` over streamable HTTP, reused for every call; client B is one keep-alive ``httpx.AsyncClient``
posting ``/api/v1/query`` with the same query and evaluation time. Both are warmed up, then called alternately
(A,B / B,A) so machine drift affects both alike. Target: median(A) / median(B) <= 1.3.

A breakdown then times the parts of the tool path in this process (registry resolution, metrics service,
response encoding, the tool through an in-memory MCP session) against the same Prometheus, to show where the
difference goes. ``--profile`` also runs the server under cProfile and prints its top functions.

    .venv/bin/python -m benchmarks.tool_overhead [--calls 30] [--warmup 5] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import pstats
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from mcp import ClientSession, types
from mcp.client.streamable_http import streamable_http_client

from benchmarks._setup import (
    STEP_S,
    BackfilledPrometheus,
    aiops_serve_command,
    aligned_now,
    backfilled_prometheus,
    bench_settings,
    isolate_environment,
    mcp_memory_session,
    median,
    p90,
    pick_port,
    print_table,
    register_clusters,
    run_benchmark,
    server_process,
    stderr_to,
    subprocess_env,
)
from servers.mcp import ToolDeps, open_deps
from servers.mcp.respond import respond
from servers.mcp.selection import resolve_metrics_targets
from servers.sim.families import labelset
from servers.sim.model import StoredFamily
from servers.sim.signals import Counter, Profile, Wave

TARGET_RATIO = 1.3
DEFAULT_QUERY = "sum by (namespace) (rate(container_cpu_usage_seconds_total[5m]))"
CLUSTER = "bench-hub"


def cpu_family(start: int, namespaces: int, pods: int) -> StoredFamily:
    """cAdvisor-like CPU counters: one per pod, each with its own rate and period."""
    series = []
    for n in range(namespaces):
        for p in range(pods):
            rate = Profile(0.05 + 0.03 * n + 0.007 * p, (Wave(0.03, 600.0 + 45.0 * p, phase=0.7 * n),))
            labels = labelset(
                {
                    "namespace": f"ns-{n:02d}",
                    "pod": f"app-{n:02d}-{p:02d}-7f9c",
                    "container": "app",
                    "node": f"worker-{(n * pods + p) % 6}",
                    "job": "kubelet",
                    "metrics_path": "/metrics/cadvisor",
                }
            )
            series.append((labels, Counter(rate, origin=float(start - 86_400))))
    return StoredFamily(
        "container_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed in seconds.", tuple(series)
    )


@dataclass
class Timings:
    """Latencies in milliseconds of one measured call kind."""

    name: str
    ms: list[float]

    def row(self) -> list[object]:
        return [self.name, len(self.ms), f"{median(self.ms):.2f}", f"{p90(self.ms):.2f}", f"{min(self.ms):.2f}"]


async def timed(call: Callable[[], Awaitable[Any]]) -> float:
    """Milliseconds one awaited call took."""
    started = time.perf_counter()
    await call()
    return (time.perf_counter() - started) * 1000


async def interleaved(
    calls: Sequence[tuple[str, Callable[[], Awaitable[Any]]]], *, warmup: int, n: int
) -> list[Timings]:
    """Warm every call up, then run ``n`` rounds calling each once, rotating the order every round."""
    for _ in range(warmup):
        for _, call in calls:
            await call()
    out = [Timings(name, []) for name, _ in calls]
    k = len(calls)
    for i in range(n):
        for j in range(k):
            idx = (i + j) % k
            out[idx].ms.append(await timed(calls[idx][1]))
    return out


# -- the two clients -------------------------------------------------------------------------------------------------


def call_request(arguments: dict[str, Any]) -> types.ClientRequest:
    """A tools/call request for metrics_query, sent with ``send_request`` (no client-side output validation)."""
    params = types.CallToolRequestParams(name="metrics_query", arguments=arguments)
    return types.ClientRequest(types.CallToolRequest(params=params))


async def measure_http(
    base: str, prom: BackfilledPrometheus, query: str, at: int, *, warmup: int, n: int
) -> tuple[Timings, Timings, Timings, dict[str, Any]]:
    """A: metrics_query over MCP streamable HTTP (``ClientSession.call_tool``); A2: the same request without the
    SDK's client-side output-schema validation; B: POST /api/v1/query on Prometheus. Returns the timings and checks.
    """
    args = {"query": query, "time": str(at)}
    form = {"query": query, "time": str(at)}
    checks: dict[str, Any] = {}
    async with (
        httpx.AsyncClient(timeout=30.0) as mcp_http,
        streamable_http_client(f"{base}/mcp", http_client=mcp_http) as (read, write, _),
        ClientSession(read, write) as session,
        httpx.AsyncClient(base_url=prom.url, timeout=30.0) as prom_http,
    ):
        await session.initialize()

        async def via_mcp() -> None:
            result = await session.call_tool("metrics_query", args)
            if result.isError or result.structuredContent is None:
                raise RuntimeError(f"metrics_query failed: {result.content}")
            checks["mcp_total"] = result.structuredContent["total"]
            checks["mcp_text_chars"] = len(getattr(result.content[0], "text", ""))

        async def via_mcp_unvalidated() -> None:
            result = await session.send_request(call_request(args), types.CallToolResult)
            if result.isError:
                raise RuntimeError(f"metrics_query failed: {result.content}")

        async def direct() -> None:
            response = await prom_http.post("/api/v1/query", data=form)
            response.raise_for_status()
            body = response.json()
            if body.get("status") != "success":
                raise RuntimeError(f"Prometheus said {body}")
            checks["prom_total"] = len(body["data"]["result"])
            checks["prom_body_chars"] = len(response.text)

        a, a2, b = await interleaved(
            [
                ("A  metrics_query via MCP/HTTP", via_mcp),
                ("A2 same, no client-side schema check", via_mcp_unvalidated),
                ("B  httpx -> Prometheus", direct),
            ],
            warmup=warmup,
            n=n,
        )
        tools = await session.list_tools()
        schema = next(t.outputSchema for t in tools.tools if t.name == "metrics_query")
        checks["output_schema_chars"] = len(json.dumps(schema, separators=(",", ":")))
    return a, a2, b, checks


async def measure_breakdown(
    deps: ToolDeps, prom: BackfilledPrometheus, query: str, at: int, *, warmup: int, n: int
) -> list[Timings]:
    """The parts of the tool path, in this process, against the same Prometheus."""
    args = {"query": query, "time": str(at)}
    targets, _ = await resolve_metrics_targets(deps, None)
    result = await deps.metrics.query(targets, query, time=float(at))
    async with (
        mcp_memory_session(deps) as session,
        httpx.AsyncClient(base_url=prom.url, timeout=30.0) as prom_http,
    ):
        await session.list_tools()  # fills the session's output-schema cache, as call_tool does on first use
        encoded = respond(result)

        async def direct() -> None:
            (await prom_http.post("/api/v1/query", data={"query": query, "time": str(at)})).json()

        async def resolve() -> None:
            await resolve_metrics_targets(deps, None)

        async def service() -> None:
            await deps.metrics.query(targets, query, time=float(at))

        async def encode() -> None:
            respond(result)

        async def in_memory() -> None:
            res = await session.send_request(call_request(args), types.CallToolResult)
            if res.isError:
                raise RuntimeError(f"metrics_query failed: {res.content}")

        async def client_validation() -> None:
            await session._validate_tool_result("metrics_query", encoded)  # the SDK's own step in call_tool

        return await interleaved(
            [
                ("httpx -> Prometheus (in-process)", direct),
                ("registry: resolve_metrics_targets", resolve),
                ("MetricsService.query (incl. Prometheus)", service),
                ("respond(): JSON encoding", encode),
                ("tool via in-memory MCP, no client check", in_memory),
                ("client: SDK output-schema validation", client_validation),
            ],
            warmup=warmup,
            n=n,
        )


async def register_one(data_dir: Path, url: str) -> None:
    async with open_deps(bench_settings(data_dir)) as deps:
        await register_clusters(deps, [(CLUSTER, url)])


async def breakdown(data_dir: Path, prom: BackfilledPrometheus, query: str, at: int, n: int) -> list[Timings]:
    """The in-process breakdown (FastMCP's logging setup applies from here on in this process, as in a server)."""
    async with open_deps(bench_settings(data_dir)) as deps:
        return await measure_breakdown(deps, prom, query, at, warmup=5, n=n)


def print_profile(stats: pstats.Stats, top: int) -> None:
    """Top functions of the server by own time and by cumulative time, and the share spent logging."""
    for key, title in (("tottime", "own time"), ("cumulative", "cumulative time")):
        print(f"\nServer cProfile, top {top} by {title} (main thread; worker threads are not profiled):")
        stats.sort_stats(key).print_stats(top)
    table: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    # Every callback the event loop runs goes through asyncio.events.Handle._run: its cumulative time is loop work.
    busy = sum(v[3] for k, v in table.items() if k[2] == "_run" and k[0].endswith("asyncio/events.py"))
    logged = [v for k, v in table.items() if k[2] == "_log" and k[0].endswith("logging/__init__.py")]
    log_s, records = sum(v[3] for v in logged), sum(v[1] for v in logged)
    print(
        f"Server event-loop work (Handle._run): {busy:.3f} s; of it in logging.Logger._log: {log_s:.3f} s "
        f"({100 * log_s / busy if busy else 0:.0f}%) for {records} log records (times inflated by the profiler)."
    )


# -- main --------------------------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.tool_overhead",
        description="metrics_query over MCP streamable HTTP (aiops serve subprocess) vs httpx straight to "
        f"Prometheus. Target: ratio of medians <= {TARGET_RATIO}.",
    )
    parser.add_argument("--calls", type=int, default=30, help="measured calls of each client (default 30)")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up calls of each client (default 5)")
    parser.add_argument("--query", default=DEFAULT_QUERY, help="PromQL to send (default: %(default)s)")
    parser.add_argument("--namespaces", type=int, default=8, help="namespaces in the data set (default 8)")
    parser.add_argument("--pods", type=int, default=10, help="pods per namespace (default 10)")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the in-process breakdown")
    parser.add_argument(
        "--profile", action="store_true", help="run the server under cProfile and print its top functions"
    )
    parser.add_argument("--profile-top", type=int, default=25, help="functions listed per profile table")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> dict[str, Any]:
    isolate_environment()
    end = aligned_now()
    start = end - 3600
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aiops-bench-overhead-")))
        stack.enter_context(stderr_to(tmp / "benchmark-stderr.log"))
        family = cpu_family(start, args.namespaces, args.pods)
        prom = stack.enter_context(backfilled_prometheus(tmp / "prometheus", [family], start=start, end=end))
        data_dir = tmp / "aiops"
        asyncio.run(register_one(data_dir, prom.url))
        port = pick_port()
        base = f"http://127.0.0.1:{port}"
        profile_path = tmp / "server.prof"
        cmd = aiops_serve_command(data_dir, port)
        if args.profile:
            cmd = [sys.executable, "-m", "benchmarks._profiled_serve", str(profile_path), *cmd[3:]]
        with server_process(
            cmd,
            env=subprocess_env(AIOPS_PROBE_ENABLED="false"),
            cwd=tmp,
            log_path=tmp / "server.log",
            ready_url=f"{base}/healthz",
        ):
            a, a2, b, checks = asyncio.run(measure_http(base, prom, args.query, end, warmup=args.warmup, n=args.calls))
        server_log_lines = len((tmp / "server.log").read_text(errors="replace").splitlines())
        parts = [] if args.no_breakdown else asyncio.run(breakdown(data_dir, prom, args.query, end, args.calls))
        profile = pstats.Stats(str(profile_path)) if args.profile else None

    ratio = median(a.ms) / median(b.ms)
    ratio2 = median(a2.ms) / median(b.ms)
    overhead = median(a.ms) - median(b.ms)
    calls_made = 2 * (args.warmup + args.calls) + 1  # A and A2 (warm-up + measured) + one tools/list
    if args.profile:
        print("\nNOTE: --profile runs the server under cProfile: the latencies below are inflated.")
    print(f"\nQuery: {args.query}")
    print(
        f"Data: {prom.series} series x {(prom.end - prom.start) // STEP_S + 1} samples (1 h @ {STEP_S}s), "
        f"evaluated at the last sample; {checks['prom_total']} result series from Prometheus, "
        f"{checks['mcp_total']} samples from the tool (answers agree: "
        f"{'yes' if checks['prom_total'] == checks['mcp_total'] else 'NO'}); tool text {checks['mcp_text_chars']} "
        f"chars vs Prometheus body {checks['prom_body_chars']} chars."
    )
    print(
        "Server: `aiops serve` subprocess (uvicorn, own event loop, probes off), one reused MCP session; "
        f"it wrote {server_log_lines} log lines for ~{calls_made} MCP requests."
    )
    print_table("Latency per call, ms", ["client", "n", "median", "p90", "min"], [a.row(), a2.row(), b.row()])
    print(f"\nratio of medians A/B: {ratio:.2f}x (target <= {TARGET_RATIO}x); A2/B: {ratio2:.2f}x")
    print(f"absolute overhead (median A - median B): {overhead:.2f} ms; A2 - B: {median(a2.ms) - median(b.ms):.2f} ms")
    listed = (
        f"the tool's outputSchema ({checks['output_schema_chars']} chars)"
        if checks["output_schema_chars"] > len("null")
        else "an outputSchema, and none is listed (AIOPS_OUTPUT_SCHEMAS=none), so nothing is checked"
    )
    print(
        f"A - A2 = {median(a.ms) - median(a2.ms):.2f} ms is the MCP SDK client validating structuredContent against "
        f"{listed}."
    )
    if parts:
        print_table(
            "Breakdown in this process (same Prometheus, interleaved), ms",
            ["part", "n", "median", "p90", "min"],
            [t.row() for t in parts],
        )
        m = {t.name: median(t.ms) for t in parts}
        prom_ms, resolve_ms, service_ms, encode_ms, inmem_ms, validate_ms = (median(t.ms) for t in parts)
        print(
            f"\n=> server-side tool path (in-memory, no client check) {inmem_ms:.2f} ms = registry {resolve_ms:.2f} "
            f"+ metrics service {service_ms:.2f} (of which Prometheus ~{prom_ms:.2f}) + encoding {encode_ms:.2f} "
            f"+ MCP session/FastMCP dispatch ~{inmem_ms - resolve_ms - service_ms - encode_ms:.2f}; "
            f"streamable HTTP + separate process adds ~{median(a2.ms) - inmem_ms:.2f}; "
            f"client-side schema validation {validate_ms:.2f}."
        )
    else:
        m = {}
    if profile is not None:
        print_profile(profile, args.profile_top)
    return {
        "benchmark": "tool_overhead",
        "target": TARGET_RATIO,
        "measured": round(ratio, 3),
        "pass": ratio <= TARGET_RATIO,
        "unit": "ratio of medians (metrics_query via MCP streamable HTTP / httpx straight to Prometheus)",
        "mcp_median_ms": round(median(a.ms), 3),
        "mcp_p90_ms": round(p90(a.ms), 3),
        "mcp_no_client_validation_median_ms": round(median(a2.ms), 3),
        "ratio_no_client_validation": round(ratio2, 3),
        "direct_median_ms": round(median(b.ms), 3),
        "direct_p90_ms": round(p90(b.ms), 3),
        "overhead_ms": round(overhead, 3),
        "calls": args.calls,
        "query": args.query,
        "series": prom.series,
        "breakdown_median_ms": {k: round(v, 3) for k, v in m.items()},
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark from the command line."""
    run_benchmark(parse_args, run, argv)


if __name__ == "__main__":
    main()
