"""Throughput of the log-template mining behind ``logs_patterns`` (lines per second), against plain drain3.

Input: ``--lines`` (default 200,000) synthetic log lines generated deterministically (seeded) from 30 templates
typical of OpenShift workloads (HTTP access lines, auth, database, Kubernetes controllers, kubelet, GC, TLS...), each
filled with variable request ids, UUIDs, IPs with ports, hex ids, durations, counts, user names, HTTP methods and
paths, with skewed template frequencies (a few templates dominate, as in real logs). Timestamps are increasing unix
nanoseconds.

Measured (best of ``--repeat`` runs, one process, no I/O): :class:`tools.loki.patterns.PatternMiner` -- ``add`` of
every line then ``templates()`` (the drain3 clustering) -- which is what ``logs_patterns`` runs per group. For
comparison: plain drain3 (``TemplateMiner.add_log_message`` per line, the same masking instructions in its config)
on the same lines (or ``--naive-lines``); the masking step alone; and one whole ``LogsService.patterns`` call (one
cluster, an in-process mocked Loki answering 5,001 window + 5,001 baseline lines: JSON decoding, sampling, grouping,
mining, result model). Target: >= 50,000 lines/s for PatternMiner. The ``exact`` column says whether every generated
template came out as exactly one mined template with its exact count.

    .venv/bin/python -m benchmarks.logs_patterns [--lines 200000] [--repeat 3] [--naive-lines N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import httpx
from drain3 import TemplateMiner  # type: ignore[import-untyped]

from benchmarks._setup import print_table, run_benchmark
from tools.loki import LogsService, LokiLimits
from tools.loki.patterns import PatternMiner, mask_line, miner_config
from tools.targets import BackendTarget, HttpClientPool

TARGET_LINES_PER_S = 50_000
T0_NS = 1_700_000_000 * 10**9

Filler = Callable[[random.Random], str]

USERS = ("alice", "bob", "carol", "dave", "erin", "system:serviceaccount:payments:api")
METHODS = ("GET", "POST", "PUT", "DELETE")
PATHS = ("/api/v1/orders", "/api/v1/items", "/healthz", "/metrics", "/api/v1/payments")


def _ip(r: random.Random) -> str:
    return f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"


def _uuid(r: random.Random) -> str:
    h = f"{r.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _hex(r: random.Random) -> str:
    return f"{r.getrandbits(64):016x}"


# Each template: a format string over the fields built by the functions below.
TEMPLATES: tuple[tuple[str, dict[str, Filler]], ...] = (
    ('{ip} - - "{m} {p} HTTP/1.1" 200 {n} {ms}ms', {}),
    ('{ip} - - "{m} {p} HTTP/1.1" 502 {n} {ms}ms upstream=inventory-service', {}),
    ("request {uuid} completed in {ms}ms status=200", {}),
    ("request {uuid} failed: upstream connect error to {ip}:{port}", {}),
    ("user {user} logged in from {ip}", {}),
    ("user {user} failed to authenticate: invalid token", {}),
    ("db query took {ms}ms rows={n} table=orders", {}),
    ("db connection pool exhausted: {n} active, {n} idle, {n} waiting", {}),
    ("slow query detected duration={ms}ms query_id={hex}", {}),
    ("Reconciling object namespace=payments name=api-{n} generation={n}", {}),
    ("Successfully assigned payments/api-{hex} to worker-{n}", {}),
    ("Pulling image quay.io/acme/api:v{n}.{n}.{n}", {}),
    ("Started container api in pod api-{hex}", {}),
    ("Liveness probe failed: Get http://{ip}:{port}/healthz: context deadline exceeded", {}),
    ("Readiness probe failed: HTTP probe failed with statuscode: 503", {}),
    ("GC pause {ms}ms heap {n}MB -> {n}MB", {}),
    ("cache hit ratio {n}.{n} over {n} lookups", {}),
    ("kafka consumer lag partition={n} offset={n} lag={n}", {}),
    ("TLS handshake error from {ip}:{port}: remote error: tls: bad certificate", {}),
    ("payment {uuid} authorised amount={n}.{n} currency=EUR", {}),
    ("payment {uuid} declined reason=insufficient_funds", {}),
    ("order {n} shipped to warehouse {n} tracking {hex}", {}),
    ("retrying call to inventory-service attempt {n} of 5 after {ms}ms", {}),
    ("circuit breaker opened for inventory-service after {n} failures", {}),
    ("OOMKilled container api memory limit {n}Mi exceeded", {}),
    ("leader election lost, stepping down after {n}s", {}),
    ("certificate for api.apps.example.com expires in {n} days", {}),
    ("scheduled job cleanup-{n} finished in {ms}ms removed {n} rows", {}),
    ("websocket session {hex} closed code={n} after {n}s", {}),
    ("config reloaded from /etc/app/config.yaml checksum {hex}", {}),
)
FIELDS: dict[str, Filler] = {
    "ip": _ip,
    "uuid": _uuid,
    "hex": _hex,
    "n": lambda r: str(r.randrange(1, 100_000)),
    "ms": lambda r: f"{r.random() * 900:.1f}",
    "port": lambda r: str(r.randrange(1024, 65535)),
    "user": lambda r: r.choice(USERS),
    "m": lambda r: r.choice(METHODS),
    "p": lambda r: r.choice(PATHS),
}


def _fill(template: str, r: random.Random) -> str:
    parts = template.split("{")
    out = [parts[0]]
    for part in parts[1:]:
        name, rest = part.split("}", 1)
        out.append(FIELDS[name](r))
        out.append(rest)
    return "".join(out)


def synthetic_lines(count: int, *, seed: int = 7) -> tuple[list[str], list[int], Counter[int]]:
    """``count`` lines (newest last), their unix-ns timestamps, and how many lines each template index produced."""
    r = random.Random(seed)
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(TEMPLATES))]  # Zipf-like: a few templates dominate
    chosen = r.choices(range(len(TEMPLATES)), weights=weights, k=count)
    lines = [_fill(TEMPLATES[i][0], r) for i in chosen]
    timestamps = [T0_NS + k * 1_000_000 for k in range(count)]
    return lines, timestamps, Counter(chosen)


def _time_pattern_miner(lines: list[str], timestamps: list[int]) -> tuple[float, PatternMiner, list[Any]]:
    started = time.perf_counter()
    miner = PatternMiner()
    miner.add(lines, timestamps)
    templates = miner.templates()
    return time.perf_counter() - started, miner, templates


def _time_naive(lines: list[str]) -> tuple[float, int]:
    miner = TemplateMiner(config=miner_config())
    started = time.perf_counter()
    for line in lines:
        miner.add_log_message(line)
    return time.perf_counter() - started, len(miner.drain.clusters)


def _time_masking(lines: list[str]) -> float:
    started = time.perf_counter()
    for line in lines:
        mask_line(line)
    return time.perf_counter() - started


async def _time_service(lines: list[str], sample: int) -> tuple[float, int]:
    """One ``LogsService.patterns`` call on one cluster whose (in-process, mocked) Loki returns ``sample + 1`` lines
    for the window and for the baseline: JSON decoding, sampling, grouping, mining and the result model included
    (after one warm-up call, as a long-lived server's client pool would be)."""
    now_ns = T0_NS + 10**12
    half = [lines[: sample + 1], lines[sample + 1 : 2 * sample + 2]]
    bodies = [
        json.dumps(
            {
                "status": "success",
                "data": {
                    "resultType": "streams",
                    "result": [
                        {
                            "stream": {"namespace": "payments"},
                            "values": [[str(now_ns - k), ln] for k, ln in enumerate(part)],
                        }
                    ],
                },
            }
        ).encode()
        for part in half
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        is_window = int(request.url.params["end"]) == now_ns
        return httpx.Response(200, content=bodies[0 if is_window else 1], headers={"content-type": "application/json"})

    pool = HttpClientPool(transport=httpx.MockTransport(handler))
    service = LogsService(pool, LokiLimits(cluster_timeout_s=60, query_timeout_s=60), clock=lambda: now_ns / 1e9)
    target = BackendTarget(cluster="bench", backend="loki", base_url="http://loki.bench")
    try:
        await service.patterns([target], '{namespace="payments"}', sample_limit=sample)  # warm-up: TLS context, pool
        started = time.perf_counter()
        result = await service.patterns([target], '{namespace="payments"}', sample_limit=sample)
        return time.perf_counter() - started, result.lines_sampled + (result.groups[0].baseline_lines or 0)
    finally:
        await pool.aclose()


def _exact(templates: list[Any], expected: Counter[int]) -> bool:
    """Every generated template mined as one template with its exact count (matched by count multiset)."""
    return sorted(t.count for t in templates) == sorted(expected.values())


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.logs_patterns",
        description="Lines/s of the drain3-based template mining of logs_patterns on synthetic mixed-template logs.",
    )
    parser.add_argument("--lines", type=int, default=200_000, help="synthetic lines to mine (default 200000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of PatternMiner; the best is reported")
    parser.add_argument(
        "--naive-lines", type=int, default=None, help="lines for the plain drain3 comparison (default: --lines)"
    )
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> dict[str, Any]:
    lines, timestamps, expected = synthetic_lines(args.lines)
    runs = [_time_pattern_miner(lines, timestamps) for _ in range(max(1, args.repeat))]
    best_s, miner, templates = min(runs, key=lambda run: run[0])
    rate = args.lines / best_s
    exact = _exact(templates, expected)
    naive_n = args.lines if args.naive_lines is None else min(args.naive_lines, args.lines)
    naive_s, naive_templates = _time_naive(lines[:naive_n])
    mask_s = _time_masking(lines)
    service_s, service_lines = asyncio.run(_time_service(lines, min(5_000, max(1, args.lines // 2 - 1))))
    rows = [
        ["PatternMiner (mask + cache + drain3)", args.lines, f"{best_s:.3f}", f"{rate:,.0f}", len(templates), exact],
        ["plain drain3 TemplateMiner", naive_n, f"{naive_s:.3f}", f"{naive_n / naive_s:,.0f}", naive_templates, "-"],
        ["masking alone (5 regex subs)", args.lines, f"{mask_s:.3f}", f"{args.lines / mask_s:,.0f}", "-", "-"],
        [
            "LogsService.patterns, mocked Loki",
            service_lines,
            f"{service_s:.3f}",
            f"{service_lines / service_s:,.0f}",
            "-",
            "-",
        ],
    ]
    print_table(
        "Log template mining throughput", ["variant", "lines", "seconds", "lines/s", "templates", "exact"], rows
    )
    print(
        f"\n{len(TEMPLATES)} generated templates; {miner.distinct_masked} distinct masked lines reached drain3 "
        f"({miner.distinct_masked / args.lines:.2%} of lines); runs: {', '.join(f'{r[0]:.3f}s' for r in runs)}"
    )
    return {
        "benchmark": "logs_patterns",
        "target": {"lines_per_s_min": TARGET_LINES_PER_S},
        "measured": {
            "lines_per_s": round(rate),
            "seconds": round(best_s, 4),
            "lines": args.lines,
            "templates": len(templates),
            "exact_counts": exact,
            "distinct_masked": miner.distinct_masked,
            "plain_drain3_lines_per_s": round(naive_n / naive_s),
            "masking_lines_per_s": round(args.lines / mask_s),
            "service_call_s": round(service_s, 4),
            "service_call_lines": service_lines,
        },
        "pass": rate >= TARGET_LINES_PER_S and exact,
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark from the command line."""
    run_benchmark(parse_args, run, argv)


if __name__ == "__main__":
    main()
