"""Size of ``traces_get``'s default answer for a 2,000-span trace versus Tempo's raw OTLP JSON.

Setup: a deterministic synthetic trace (seeded): 2,000 spans over 8 services, nested up to 7 levels below a
``frontend GET /checkout`` root; each span's children run one after another or (30 %) in parallel, and three leaf
failures propagate to two ancestors each. Tempo is faked with ``httpx.MockTransport`` answering
``GET /api/traces/<id>`` exactly as Tempo does (``batches`` / ``scopeSpans``, base64 ids, enum names, nanosecond
strings); the cluster is registered in a temporary registry and ``traces_get`` is called through an in-memory MCP
client. What the model reads is ``result.content[0].text``; tokens are estimated as characters / 4. The critical path
is also computed directly from the spans and compared with what the tool names. Target: <= 1,500 tokens while naming
the critical path.

    .venv/bin/python -m benchmarks.traces_get [--spans 2000] [--seed 7]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import random
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
from mcp.server.fastmcp import FastMCP
from mcp.shared.memory import create_connected_server_and_client_session

from benchmarks._setup import bench_settings, isolate_environment, print_table, run_benchmark, stderr_to
from servers.mcp import open_deps
from servers.mcp.traces import register_traces_tools
from tools.fleet import ClusterSpec, Credentials, Endpoints
from tools.tempo import build_tree, critical_path, critical_times, parse_trace

TARGET_TOKENS = 1500
CHARS_PER_TOKEN = 4
CLUSTER = "bench-traces"
TEMPO = "http://bench-tempo.test"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
T0_NS = 1_767_000_000_000_000_000
CALLS = {
    "frontend": ["checkout", "cart", "frontend"],
    "checkout": ["cart", "inventory", "payments", "shipping", "checkout"],
    "cart": ["redis", "postgres", "cart"],
    "inventory": ["postgres", "redis", "inventory"],
    "payments": ["postgres", "payments"],
    "shipping": ["postgres", "shipping"],
    "postgres": ["postgres"],
    "redis": ["redis"],
}
OPERATIONS = {
    "frontend": ["GET /checkout", "render", "session"],
    "checkout": ["PlaceOrder", "validate", "price"],
    "cart": ["GetCart", "merge"],
    "inventory": ["Reserve", "lookup"],
    "payments": ["Charge", "fraud-check"],
    "shipping": ["Quote"],
    "postgres": ["SELECT", "UPDATE", "INSERT"],
    "redis": ["GET", "SET"],
}


def synthetic_trace(n_spans: int, seed: int) -> dict[str, Any]:
    """A Tempo ``/api/traces`` answer with ``n_spans`` spans (deterministic for a given seed)."""
    rng = random.Random(seed)
    spans: list[dict[str, Any]] = []

    def add(parent: int | None, service: str, name: str, start: int, end: int) -> int:
        spans.append({"i": len(spans) + 1, "p": parent, "svc": service, "name": name, "s": start, "e": end})
        return len(spans)

    root = add(None, "frontend", "GET /checkout", T0_NS, T0_NS + 1_800_000_000)
    queue = [(root, 0)]
    while queue and len(spans) < n_spans:
        parent_id, depth = queue.pop(0)
        parent = spans[parent_id - 1]
        if depth >= 7:
            continue
        k = min(rng.randint(2, 6), n_spans - len(spans))
        start, end = parent["s"], parent["e"]
        width = end - start
        parallel = rng.random() < 0.3
        weights = [rng.uniform(0.5, 2.0) for _ in range(k)]
        cursor = start + int(width * 0.02)
        for weight in weights:
            service = rng.choice(CALLS[parent["svc"]])
            name = rng.choice(OPERATIONS[service])
            if parallel:
                c_start = start + int(width * rng.uniform(0.01, 0.1))
                c_end = c_start + int(width * rng.uniform(0.3, 0.85))
            else:
                slot = int(width * 0.96 * weight / sum(weights))
                c_start, c_end = cursor, cursor + int(slot * rng.uniform(0.6, 0.95))
                cursor += slot
            queue.append((add(parent_id, service, name, c_start, c_end), depth + 1))
    failed: set[int] = set()
    leaves = sorted({s["i"] for s in spans} - {s["p"] for s in spans if s["p"]})
    for leaf in rng.sample(leaves, 3):
        current: int | None = leaf
        for _ in range(3):  # the leaf and two ancestors
            if current is None:
                break
            failed.add(current)
            current = spans[current - 1]["p"]
    return {"batches": [_batch(service, [s for s in spans if s["svc"] == service], failed) for service in CALLS]}


def _id(number: int, size: int) -> str:
    return base64.b64encode(number.to_bytes(size, "big")).decode()


def _batch(service: str, spans: list[dict[str, Any]], failed: set[int]) -> dict[str, Any]:
    trace = base64.b64encode(bytes.fromhex(TRACE_ID)).decode()

    def otlp(span: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "traceId": trace,
            "spanId": _id(span["i"], 8),
            "name": span["name"],
            "kind": "SPAN_KIND_SERVER" if span["p"] is None else "SPAN_KIND_CLIENT",
            "startTimeUnixNano": str(span["s"]),
            "endTimeUnixNano": str(span["e"]),
            "attributes": [{"key": "bench.seq", "value": {"intValue": str(span["i"])}}],
            "status": {},
        }
        if span["p"] is not None:
            body["parentSpanId"] = _id(span["p"], 8)
        if span["i"] in failed:
            body["status"] = {"code": "STATUS_CODE_ERROR", "message": f"{service} {span['name']} failed: timeout"}
        return body

    return {
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
        "scopeSpans": [{"scope": {"name": "bench"}, "spans": [otlp(s) for s in spans]}],
    }


async def measure(data_dir: Path, raw: bytes) -> tuple[str, dict[str, Any], str]:
    """(default tool text, its JSON, the text of the first span page)."""

    def tempo(request: httpx.Request) -> httpx.Response:
        if request.url.path == f"/api/traces/{TRACE_ID}":
            return httpx.Response(200, content=raw, headers={"content-type": "application/json"})
        return httpx.Response(404, text="trace not found")

    settings = bench_settings(data_dir)
    async with open_deps(settings, transport=httpx.MockTransport(tempo)) as deps:
        await deps.registry.add(ClusterSpec(name=CLUSTER, endpoints=Endpoints(tempo=TEMPO)), Credentials())
        server = FastMCP("bench-traces")
        register_traces_tools(server, deps)
        async with create_connected_server_and_client_session(server._mcp_server) as session:
            result = await session.call_tool("traces_get", {"trace_id": TRACE_ID, "cluster": CLUSTER})
            if result.isError:
                raise RuntimeError(f"traces_get failed: {result.content}")
            text = getattr(result.content[0], "text", "")
            answer = json.loads(text)
            page = await session.call_tool(
                "traces_get", {"trace_id": TRACE_ID, "cluster": CLUSTER, "cursor": answer["next_cursor"]}
            )
    return text, answer, getattr(page.content[0], "text", "")


def tokens(chars: int) -> int:
    """Estimated tokens: characters / 4, rounded up."""
    return -(-chars // CHARS_PER_TOKEN)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.traces_get",
        description=f"Size of traces_get's default answer for a synthetic trace. Target: <= {TARGET_TOKENS} tokens.",
    )
    parser.add_argument("--spans", type=int, default=2000, help="spans in the synthetic trace (default 2000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the trace shape (default 7)")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> dict[str, Any]:
    isolate_environment()
    payload = synthetic_trace(args.spans, args.seed)
    raw = json.dumps(payload).encode()
    tree = build_tree(parse_trace(payload))
    expected = list(critical_times(critical_path(tree)))
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aiops-bench-traces-")))
        stack.enter_context(stderr_to(tmp / "benchmark-stderr.log"))
        text, answer, page_text = asyncio.run(measure(tmp / "aiops", raw))
    path = answer.get("critical_path", [])
    named = [p["span_id"] for p in path]
    path_named = bool(named) and set(named) <= set(expected) and answer["critical_path_spans"] == len(expected)
    n_tokens = tokens(len(text))
    ok = n_tokens <= TARGET_TOKENS and path_named
    print(
        f"\nTrace: {len(tree.spans)} spans, {len({s.service for s in tree.spans.values()})} services, depth "
        f"{max(tree.depth.values())}, {sum(s.error for s in tree.spans.values())} failed spans; root "
        f"{answer['duration_ms']} ms."
    )
    rows = [
        ["raw Tempo /api/traces body", len(raw), tokens(len(raw))],
        ["traces_get text (defaults)", len(text), n_tokens],
        ["traces_get text (first span page, cursor)", len(page_text), tokens(len(page_text))],
    ]
    print_table("What the model would read", ["payload", "chars", "tokens~"], rows)
    print(f"\ncritical path: {len(expected)} spans in total, {len(path)} named in the answer")
    for item in path:
        print(
            f"  {'  ' * item['depth']}{item['service']} {item['name']}: {item['duration_ms']} ms, self "
            f"{item['self_ms']} ms, critical {item['critical_ms']} ms"
        )
    print(f"errors listed: {len(answer.get('errors', []))} of {answer['error_count']}; notes: {answer.get('notes')}")
    print(
        f"\ntokens: {n_tokens} (target <= {TARGET_TOKENS}); critical path named: {path_named}: "
        f"{'met' if ok else 'MISSED'}"
    )
    return {
        "benchmark": "traces_get",
        "target": {"tokens_max": TARGET_TOKENS},
        "measured": {"tokens": n_tokens},
        "pass": ok,
        "spans": len(tree.spans),
        "chars": len(text),
        "raw_chars": len(raw),
        "raw_tokens": tokens(len(raw)),
        "ratio": round(len(raw) / len(text), 1),
        "critical_path_spans": len(expected),
        "critical_path_named": len(path),
        "critical_path_matches": path_named,
        "page_chars": len(page_text),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark from the command line."""
    run_benchmark(parse_args, run, argv)


if __name__ == "__main__":
    main()
