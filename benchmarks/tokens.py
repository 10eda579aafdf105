"""Size of ``metrics_query_range``'s default answer versus Prometheus' raw JSON for 60 series x 1 h @ 15 s.

Setup: a real Prometheus backfilled with exactly 60 series ``bench_metric{instance="i00".."i59"}`` (flat, periodic,
rising, falling, stepping and spiking shapes, each with its own level and noise) sampled every 15 s over one hour,
registered as one cluster in a temporary registry. The tool is called through an in-memory MCP client with its
defaults except ``step="15s"`` and a ``start``/``end`` covering exactly that hour; what the model sees is the text
content (``result.content[0].text``). Raw is the body of ``POST /api/v1/query_range`` with the same parameters.
Tokens are estimated as characters / 4. Targets: <= 1,500 tokens and >= 30x smaller than raw.

    .venv/bin/python -m benchmarks.tokens [--series 60] [--top-k N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from benchmarks._setup import (
    STEP_S,
    BackfilledPrometheus,
    aligned_now,
    backfilled_prometheus,
    bench_settings,
    isolate_environment,
    mcp_memory_session,
    print_table,
    register_clusters,
    run_benchmark,
    stderr_to,
)
from servers.mcp import open_deps
from servers.sim.families import labelset
from servers.sim.model import StoredFamily
from servers.sim.signals import Gauge, Profile, Ramp, Signal, Wave, stable_key

TARGET_TOKENS = 1500
TARGET_RATIO = 30.0
CHARS_PER_TOKEN = 4
STATS = ("min", "max", "mean", "last", "p95")
CLUSTER = "bench-hub"
QUERY = "bench_metric"


def shape(i: int, start: int, end: int) -> Signal:
    """Series ``i``: one of six shapes, with its own level, period, timing and noise."""
    level = 10.0 + 3.7 * i
    span = float(end - start)
    kind = i % 6
    if kind == 0:  # flat with noise
        profile = Profile(level)
    elif kind == 1:  # periodic
        profile = Profile(level, (Wave(0.3 * level, 600.0 + 97.0 * i, phase=0.4 * i),))
    elif kind == 2:  # rising over most of the hour
        profile = Profile(level, ramps=(Ramp(level, start + 0.1 * span, 0.7 * span),))
    elif kind == 3:  # falling
        profile = Profile(2 * level, ramps=(Ramp(-level, start + 0.05 * span, 0.8 * span),))
    elif kind == 4:  # a step up somewhere in the second half
        profile = Profile(level, ramps=(Ramp(0.8 * level, start + 0.5 * span + 20.0 * i, STEP_S),))
    else:  # a one-minute spike
        at = start + 0.2 * span + 40.0 * i
        profile = Profile(level, ramps=(Ramp(2.5 * level, at, STEP_S), Ramp(-2.5 * level, at + 60.0, STEP_S)))
    return Gauge(profile, key=stable_key("bench_metric", i), noise=0.04 * level, lo=0.0)


def bench_family(n: int, start: int, end: int) -> StoredFamily:
    """``bench_metric`` with ``n`` series, ``instance`` i00, i01, ..."""
    series = tuple((labelset({"instance": f"i{i:02d}", "job": "bench"}), shape(i, start, end)) for i in range(n))
    return StoredFamily(QUERY, "gauge", "A benchmark gauge with 60 distinct shapes.", series)


async def measure(
    data_dir: Path, prom: BackfilledPrometheus, top_k: int | None
) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """(tool text, raw body, tool structured content, raw JSON)."""
    arguments: dict[str, Any] = {"query": QUERY, "start": str(prom.start), "end": str(prom.end), "step": "15s"}
    if top_k is not None:
        arguments["top_k"] = top_k
    form = {"query": QUERY, "start": str(prom.start), "end": str(prom.end), "step": str(STEP_S)}
    async with open_deps(bench_settings(data_dir)) as deps:
        if not await deps.registry.list():
            await register_clusters(deps, [(CLUSTER, prom.url)])
        async with mcp_memory_session(deps) as session:
            result = await session.call_tool("metrics_query_range", arguments)
    async with httpx.AsyncClient(base_url=prom.url, timeout=30.0) as client:
        response = await client.post("/api/v1/query_range", data=form)
        response.raise_for_status()
    if result.isError or result.structuredContent is None:
        raise RuntimeError(f"metrics_query_range failed: {result.content}")
    text = getattr(result.content[0], "text", "")
    return text, response.text, json.loads(text), response.json()


def tokens(chars: int) -> int:
    """Estimated tokens: characters / 4, rounded up."""
    return -(-chars // CHARS_PER_TOKEN)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.tokens",
        description="Size of metrics_query_range's default answer vs raw Prometheus JSON (60 series x 1 h @ 15 s). "
        f"Targets: <= {TARGET_TOKENS} tokens (chars/4) and >= {TARGET_RATIO:g}x smaller.",
    )
    parser.add_argument("--series", type=int, default=60, help="series in the data set (default 60)")
    parser.add_argument(
        "--top-k", type=int, default=60, help="also measure the answer with this top_k (0: skip; default 60)"
    )
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> dict[str, Any]:
    isolate_environment()
    end = aligned_now()
    start = end - 3600
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aiops-bench-tokens-")))
        stack.enter_context(stderr_to(tmp / "benchmark-stderr.log"))
        family = bench_family(args.series, start, end)
        prom = stack.enter_context(backfilled_prometheus(tmp / "prometheus", [family], start=start, end=end))
        data_dir = tmp / "aiops"
        text, raw, answer, raw_json = asyncio.run(measure(data_dir, prom, None))
        extra = asyncio.run(measure(data_dir, prom, args.top_k)) if args.top_k else None

    raw_series = raw_json["data"]["result"]
    points = {len(s["values"]) for s in raw_series}
    returned = answer["series"]
    stats_present = bool(returned) and all(all(k in s for k in STATS) for s in returned)
    ratio = len(raw) / len(text)
    n_tokens = tokens(len(text))
    ok = n_tokens <= TARGET_TOKENS and ratio >= TARGET_RATIO
    print(
        f"\nData: {prom.series} series x {'/'.join(map(str, sorted(points)))} points (1 h @ {STEP_S}s, "
        f"{prom.start}..{prom.end}); query {QUERY!r}, step=15s."
    )
    rows: list[list[object]] = [
        ["raw Prometheus /api/v1/query_range body", len(raw), tokens(len(raw)), len(raw_series), "-"],
        [
            "metrics_query_range text (defaults)",
            len(text),
            n_tokens,
            f"{answer['returned']} of {answer['total']}",
            f"{ratio:.1f}x",
        ],
    ]
    if extra is not None:
        x_text, _, x_answer, _ = extra
        rows.append(
            [
                f"metrics_query_range text (top_k={args.top_k})",
                len(x_text),
                tokens(len(x_text)),
                f"{x_answer['returned']} of {x_answer['total']}",
                f"{len(raw) / len(x_text):.1f}x",
            ]
        )
    print_table("What the model would read", ["payload", "chars", "tokens~", "series", "smaller"], rows)
    print(
        f"\nper-series stats present: {'yes' if stats_present else 'no'} ({', '.join(STATS)} on every returned series)"
    )
    print(
        f"default answer: truncated={answer['truncated']}, next_cursor={'yes' if answer.get('next_cursor') else 'no'}"
    )
    print(f"notes: {answer.get('notes', [])}")
    print(f"first returned series: {json.dumps(returned[0], separators=(',', ':')) if returned else '-'}")
    print(
        f"\ntokens: {n_tokens} (target <= {TARGET_TOKENS}); ratio: {ratio:.1f}x (target >= {TARGET_RATIO:g}x): "
        f"{'met' if ok else 'MISSED'}"
    )
    return {
        "benchmark": "tokens",
        "target": {"tokens_max": TARGET_TOKENS, "ratio_min": TARGET_RATIO},
        "measured": {"tokens": n_tokens, "ratio": round(ratio, 1)},
        "pass": ok and stats_present,
        "chars": len(text),
        "raw_chars": len(raw),
        "raw_tokens": tokens(len(raw)),
        "series_total": answer["total"],
        "series_returned": answer["returned"],
        "per_series_stats_present": stats_present,
        "top_k_variant": None
        if extra is None
        else {
            "top_k": args.top_k,
            "chars": len(extra[0]),
            "tokens": tokens(len(extra[0])),
            "returned": extra[2]["returned"],
        },
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark from the command line."""
    run_benchmark(parse_args, run, argv)


if __name__ == "__main__":
    main()
