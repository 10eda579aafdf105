"""Wall time of one ``metrics_query`` fan-out over 200 clusters, 50 ms each, 5 % of them never answering.

Setup: ONE local HTTP server in its own process (``benchmarks._fake_fleet``: Starlette + uvicorn, backlog 2048, no
concurrency limit) serves ``/c/{i}/api/v1/query`` for every simulated cluster: a valid vector after 50 ms, or, for
the dead ones (spread evenly: i = 19, 39, ..., 199), no answer until the client hangs up. 200 clusters
``bench-000``... are registered with ``prometheus=http://127.0.0.1:PORT/c/{i}`` in a temporary SQLite registry;
settings ``cluster_timeout_s`` (``--timeout``, default 1.0 s) and ``fanout_concurrency`` (default 32). The tool is
called through an in-memory MCP client, so the whole tool path (registry, credentials, fan-out, summary, size cap,
MCP encoding and the SDK client's validation) is measured: one warm-up call, then ``--reps`` timed calls.
Target: wall <= 0.5 s + the per-cluster timeout, dead clusters reported as ``timeout``, the 190 live clusters'
samples counted in ``total``.

Two direct httpx fan-outs against the same server are printed too: all live clusters at once (the server's own
capacity) and the same policy as the tool (concurrency cap + per-cluster deadline; the floor the tool can reach).

    .venv/bin/python -m benchmarks.fanout [--clusters 200] [--dead 10] [--latency-ms 50] [--timeout 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import re
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from mcp import ClientSession

from benchmarks._setup import (
    bench_settings,
    isolate_environment,
    logging_at,
    mcp_memory_session,
    median,
    pick_port,
    print_table,
    register_clusters,
    run_benchmark,
    server_process,
    stderr_to,
    subprocess_env,
)
from servers.mcp import open_deps
from servers.mcp.selection import resolve_metrics_targets
from servers.settings import Settings

TARGET_BASE_S = 0.5
QUERY = "bench_up"
_OK_NOTE = re.compile(r"(\d+) clusters answered ok")
_FAILED_NOTE = re.compile(r"clusters lists \d+ of (\d+) failed clusters")


def dead_indices(clusters: int, dead: int) -> list[int]:
    """``dead`` cluster numbers spread evenly over ``range(clusters)``, the last one included (19, 39, ..., 199)."""
    return [(k + 1) * clusters // dead - 1 for k in range(dead)] if dead else []


def cluster_name(i: int) -> str:
    return f"bench-{i:03d}"


@dataclass
class ToolRun:
    """One timed tool call and what its answer says."""

    wall_s: float
    ok: int
    timeout: int
    error: int
    total: int
    returned: int
    timeout_names: list[str] = field(default_factory=list)
    text_chars: int = 0

    def row(self, label: str) -> list[object]:
        return [label, f"{self.wall_s:.3f}", self.ok, self.timeout, self.error, self.total, self.returned]


def read_answer(content: dict[str, Any], wall_s: float, text_chars: int) -> ToolRun:
    """Status counts from a metrics_query answer.

    Under the 12 kB response cap, 200 per-cluster lines do not fit: the size cap replaces the ``ok`` lines by a note
    ("N clusters answered ok") and may list only the first 10 failed clusters ("clusters lists 10 of N failed
    clusters"); both notes are read back here.
    """
    outcomes = content.get("clusters", [])
    notes = " ".join(content.get("notes", []))
    ok = sum(1 for o in outcomes if o["status"] == "ok")
    if m := _OK_NOTE.search(notes):
        ok += int(m.group(1))
    timeout = sum(1 for o in outcomes if o["status"] == "timeout")
    error = sum(1 for o in outcomes if o["status"] == "error")
    if m := _FAILED_NOTE.search(notes):
        error += int(m.group(1)) - timeout - error  # unlisted failures: their kind is not in the answer
    names = sorted(o["cluster"] for o in outcomes if o["status"] == "timeout")
    return ToolRun(wall_s, ok, timeout, error, content["total"], content["returned"], names, text_chars)


async def timed_tool_call(session: ClientSession) -> ToolRun:
    started = time.perf_counter()
    result = await session.call_tool("metrics_query", {"query": QUERY})
    wall = time.perf_counter() - started
    if result.isError or result.structuredContent is None:
        raise RuntimeError(f"metrics_query failed: {result.content}")
    return read_answer(result.structuredContent, wall, len(getattr(result.content[0], "text", "")))


@dataclass
class ToolResults:
    warmup: ToolRun
    runs: list[ToolRun]
    resolve_s: float
    service_statuses: dict[str, int]
    service_timeouts: list[str]


async def measure_tool(settings: Settings, reps: int) -> ToolResults:
    """Warm-up + ``reps`` timed calls through the in-memory MCP client, then an untrimmed service-level check of the
    per-cluster statuses."""
    async with open_deps(settings) as deps:
        async with mcp_memory_session(deps) as session:
            warmup = await timed_tool_call(session)
            runs = [await timed_tool_call(session) for _ in range(reps)]
        started = time.perf_counter()
        targets, _ = await resolve_metrics_targets(deps, None)
        resolve_s = time.perf_counter() - started
        check = await deps.metrics.query(targets, QUERY)
    statuses = {s: sum(1 for o in check.clusters if o.status == s) for s in ("ok", "timeout", "error")}
    timeouts = sorted(o.cluster for o in check.clusters if o.status == "timeout")
    return ToolResults(warmup, runs, resolve_s, statuses, timeouts)


@dataclass
class DirectResults:
    """Wall times (s) of direct httpx fan-outs, ``reps`` each, and the statuses of the last policy run."""

    at_once: list[float]
    shared_policy: list[float]
    per_cluster_policy: list[float]
    shared_statuses: list[dict[str, int]]
    per_cluster_statuses: list[dict[str, int]]


async def measure_direct(
    urls: Sequence[str], dead: set[int], *, deadline_s: float, concurrency: int, reps: int
) -> DirectResults:
    """Direct httpx fan-outs against the same server, no product code.

    - all live clusters at once, one client per cluster (the server's own capacity);
    - the tool's policy (``concurrency`` slots, ``deadline_s`` per cluster) over every cluster with ONE shared pooled
      client, as the product's ``HttpClientPool`` does;
    - the same policy with one client per cluster (no shared connection pool).
    """
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    live = [i for i in range(len(urls)) if i not in dead]
    async with contextlib.AsyncExitStack() as stack:
        shared = await stack.enter_async_context(httpx.AsyncClient(limits=limits, timeout=deadline_s + 5))
        own = [await stack.enter_async_context(httpx.AsyncClient(timeout=deadline_s + 5, verify=False)) for _ in urls]

        async def ask(client: httpx.AsyncClient, i: int) -> None:
            response = await client.post(f"{urls[i]}/api/v1/query", data={"query": QUERY})
            response.raise_for_status()
            if response.json()["status"] != "success":
                raise RuntimeError(response.text)

        async def ask_with_deadline(semaphore: asyncio.Semaphore, client: httpx.AsyncClient, i: int) -> str:
            async with semaphore:
                try:
                    await asyncio.wait_for(ask(client, i), deadline_s)
                except TimeoutError:
                    return "timeout"
                except httpx.HTTPError:
                    return "error"
                return "ok"

        async def policy(clients: Callable[[int], httpx.AsyncClient], record: list[dict[str, int]]) -> None:
            semaphore = asyncio.Semaphore(concurrency)
            got = await asyncio.gather(*(ask_with_deadline(semaphore, clients(i), i) for i in range(len(urls))))
            record.append({s: got.count(s) for s in ("ok", "timeout", "error")})

        async def wall(make: Callable[[], Awaitable[Any]]) -> float:
            started = time.perf_counter()
            await make()
            return time.perf_counter() - started

        # Warm-up: open the connections of both kinds of client.
        await asyncio.gather(*(ask(own[i], i) for i in live))
        for i in range(0, len(live), concurrency):
            await asyncio.gather(*(ask(shared, k) for k in live[i : i + concurrency]))
        out = DirectResults([], [], [], [], [])
        for _ in range(reps):
            out.at_once.append(await wall(lambda: asyncio.gather(*(ask(own[i], i) for i in live))))
            out.shared_policy.append(await wall(lambda: policy(lambda i: shared, out.shared_statuses)))
            out.per_cluster_policy.append(await wall(lambda: policy(lambda i: own[i], out.per_cluster_statuses)))
    return out


async def register_fleet(settings: Settings, urls: Sequence[str]) -> float:
    started = time.perf_counter()
    async with open_deps(settings) as deps:
        await register_clusters(deps, [(cluster_name(i), url) for i, url in enumerate(urls)])
    return time.perf_counter() - started


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.fanout",
        description="Wall time of one metrics_query fan-out over many slow clusters, some dead. "
        f"Target: <= {TARGET_BASE_S} s + the per-cluster timeout.",
    )
    parser.add_argument("--clusters", type=int, default=200, help="simulated clusters (default 200)")
    parser.add_argument("--dead", type=int, default=10, help="clusters that never answer (default 10 = 5%%)")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="answer latency of a live cluster (default 50)")
    parser.add_argument("--timeout", type=float, default=1.0, help="cluster_timeout_s, seconds (default 1.0)")
    parser.add_argument("--concurrency", type=int, default=32, help="fanout_concurrency (default 32)")
    parser.add_argument("--reps", type=int, default=3, help="timed repetitions after one warm-up (default 3)")
    parser.add_argument(
        "--origins",
        choices=("shared", "per-cluster"),
        default="shared",
        help="'shared': every cluster at http://127.0.0.1:PORT/c/{i} (one origin, default); 'per-cluster': each "
        "cluster on its own loopback port, so each has its own pooled connection as real clusters do",
    )
    return parser.parse_args(argv)


def start_fake_fleet(stack: ExitStack, tmp: Path, args: argparse.Namespace, dead: Sequence[int]) -> list[str]:
    """Start the fake fleet server; return each cluster's Prometheus URL."""
    port = pick_port()
    cmd = [sys.executable, "-m", "benchmarks._fake_fleet", "--port", str(port)]
    cmd += ["--latency-ms", str(args.latency_ms), "--dead", ",".join(map(str, dead))]
    ports_file = tmp / "ports.json"
    if args.origins == "per-cluster":
        cmd += ["--extra-ports", str(args.clusters), "--ports-file", str(ports_file)]
    ready = f"http://127.0.0.1:{port}/healthz"
    stack.enter_context(
        server_process(cmd, env=subprocess_env(), cwd=tmp, log_path=tmp / "fake-fleet.log", ready_url=ready)
    )
    if args.origins == "per-cluster":
        ports: list[int] = json.loads(ports_file.read_text())
        return [f"http://127.0.0.1:{p}/c/{i}" for i, p in enumerate(ports)]
    return [f"http://127.0.0.1:{port}/c/{i}" for i in range(args.clusters)]


def run(args: argparse.Namespace) -> dict[str, Any]:
    isolate_environment()
    dead = dead_indices(args.clusters, args.dead)
    live = args.clusters - len(dead)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aiops-bench-fanout-")))
        stack.enter_context(stderr_to(tmp / "benchmark-stderr.log"))
        urls = start_fake_fleet(stack, tmp, args, dead)
        settings = bench_settings(tmp / "aiops", cluster_timeout_s=args.timeout, fanout_concurrency=args.concurrency)
        register_s = asyncio.run(register_fleet(settings, urls))
        with logging_at(logging.WARNING):  # no product code, so no product logging either
            direct = asyncio.run(
                measure_direct(urls, set(dead), deadline_s=args.timeout, concurrency=args.concurrency, reps=args.reps)
            )
        tool = asyncio.run(measure_tool(settings, args.reps))

    target = TARGET_BASE_S + args.timeout
    walls = [r.wall_s for r in tool.runs]
    med = median(walls)
    expected_dead = sorted(cluster_name(i) for i in dead)
    statuses_right = (
        all(r.ok == live and r.timeout == len(dead) and r.error == 0 and r.total == live for r in tool.runs)
        and tool.service_timeouts == expected_dead
    )
    last = tool.runs[-1]
    origins = "one origin (http://127.0.0.1:PORT/c/{i})" if args.origins == "shared" else "one loopback port each"
    print(
        f"\n{args.clusters} clusters on one local server (own process, {origins}), {args.latency_ms:g} ms each, "
        f"{len(dead)} dead ({', '.join(map(str, dead[:3]))}, ..., {dead[-1] if dead else '-'}); "
        f"cluster_timeout_s={args.timeout:g}, fanout_concurrency={args.concurrency}; "
        f"registering them took {register_s:.2f} s."
    )
    print_table(
        f"metrics_query({QUERY!r}) over all clusters, in-memory MCP client",
        ["call", "wall s", "ok", "timeout", "error", "total", "returned"],
        [
            tool.warmup.row("warm-up"),
            *(r.row(f"rep {i + 1}") for i, r in enumerate(tool.runs)),
            ["median of reps", f"{med:.3f}", "", "", "", "", ""],
        ],
    )
    policy = f"all {args.clusters}, {args.concurrency} slots + {args.timeout:g} s deadline"
    print_table(
        "Direct httpx fan-out against the same server (no product code), s",
        ["fan-out", *(f"rep {i + 1}" for i in range(args.reps)), "median"],
        [
            [label, *(f"{w:.3f}" for w in walls_), f"{median(walls_):.3f}"]
            for label, walls_ in (
                (f"{live} live at once, a client per cluster", direct.at_once),
                (f"{policy}, one shared client", direct.shared_policy),
                (f"{policy}, a client per cluster", direct.per_cluster_policy),
            )
        ],
    )
    print(
        f"\nstatuses (ok/timeout/error) per rep: tool {[(r.ok, r.timeout, r.error) for r in tool.runs]}, "
        f"direct shared client {[tuple(d.values()) for d in direct.shared_statuses]}, direct client per cluster "
        f"{[tuple(d.values()) for d in direct.per_cluster_statuses]}; service level after the reps (untrimmed) "
        f"{tuple(tool.service_statuses.values())}.\nDead clusters reported as timeout: "
        f"{'yes' if tool.service_timeouts == expected_dead else 'NO'} ({len(last.timeout_names)} timeouts listed in "
        f"the last answer); registry resolution of {args.clusters} clusters: {tool.resolve_s * 1000:.1f} ms."
    )
    print(
        f"answer: total={last.total} samples counted, {last.returned} shown, {last.text_chars} chars of text"
        + (
            " <- the size cap dropped every sample, see benchmarks/README.md"
            if last.total and not last.returned
            else ""
        )
    )
    print(
        f"\nwall time median {med:.3f} s (target <= {target:.2f} s = {TARGET_BASE_S} s + {args.timeout:g} s timeout): "
        f"{'met' if med <= target else 'MISSED'}; tool minus the same policy on a shared client: "
        f"{med - median(direct.shared_policy):+.3f} s, on a client per cluster: "
        f"{med - median(direct.per_cluster_policy):+.3f} s; statuses and totals right: "
        f"{'yes' if statuses_right else 'NO'}"
    )
    return {
        "benchmark": "fanout",
        "target": round(target, 3),
        "measured": round(med, 3),
        "pass": med <= target and statuses_right,
        "unit": "seconds, median wall time of one metrics_query over all clusters",
        "origins": args.origins,
        "runs_s": [round(w, 3) for w in walls],
        "warmup_s": round(tool.warmup.wall_s, 3),
        "ok": last.ok,
        "timeout": last.timeout,
        "error": last.error,
        "total": last.total,
        "samples_returned": last.returned,
        "statuses_right": statuses_right,
        "direct_all_live_at_once_s": round(median(direct.at_once), 3),
        "direct_policy_shared_client_s": round(median(direct.shared_policy), 3),
        "direct_policy_client_per_cluster_s": round(median(direct.per_cluster_policy), 3),
        "direct_policy_shared_client_statuses": direct.shared_statuses,
        "clusters": args.clusters,
        "dead": len(dead),
        "latency_ms": args.latency_ms,
        "cluster_timeout_s": args.timeout,
        "fanout_concurrency": args.concurrency,
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark from the command line."""
    run_benchmark(parse_args, run, argv)


if __name__ == "__main__":
    main()
