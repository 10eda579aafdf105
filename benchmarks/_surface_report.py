"""What the surface benchmark measured, the targets it is held to, and its tables (``benchmarks.surface``)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from mcp import types

from benchmarks._setup import median, print_table
from servers.mcp.surface import tools_list_tokens

__all__ = ["TARGETS", "TRANSPORTS", "Measured", "print_report", "summarise"]

TARGETS: dict[str, float] = {
    "tools_list_tokens_max": 10_000,
    "persona_tokens_max": 3_000,
    "spawn_s_max": 1.5,
    "help_s_max": 1.0,
    "serve_idle_rss_mb_max": 150,
    "instant_stdio_ratio_max": 2.0,
    "range60_ratio_max": 2.0,
}
TRANSPORTS = ("stdio", "http")


@dataclass
class Measured:
    """What one run of the sessions measured."""

    latency_ms: dict[str, dict[str, float]]  # op -> "ours stdio" | ... | "direct" -> median ms
    items: dict[str, dict[str, int | None]]  # op -> the same labels -> series (names) in the answer
    listing: dict[str, list[types.Tool]]  # server -> its stdio tools/list
    rss_idle: dict[str, float | None]  # server -> MB of its HTTP server
    rss_after: dict[str, float | None]
    toolsets: dict[str, list[str]]  # domain toolset -> its tool names
    personas: dict[str, tuple[int, int]]  # persona -> (tools, tokens)
    validation_ms: dict[str, float]  # listed output schema -> the SDK client's check of one instant result, ms


def ratios(m: Measured) -> dict[str, dict[str, dict[str, float]]]:
    """op -> transport -> server -> median(tool) / median(direct)."""
    return {
        op: {
            tr: {label.split()[0]: ms / lat["direct"] for label, ms in lat.items() if label.endswith(f" {tr}")}
            for tr in TRANSPORTS
        }
        for op, lat in m.latency_ms.items()
    }


def tokens_by_toolset(m: Measured) -> dict[str, tuple[int, int]]:
    """toolset -> (tools, tokens) of its entries in our stdio listing; tools in no domain toolset count as ``ask``."""
    tools = m.listing["ours"]
    placed = {name for names in m.toolsets.values() for name in names}
    groups = {t: [x for x in tools if x.name in names] for t, names in m.toolsets.items()}
    groups["ask"] = [x for x in tools if x.name not in placed]
    return {t: (len(g), tools_list_tokens(g)) for t, g in groups.items() if g}


def summarise(m: Measured, spawns: dict[str, list[float]], help_runs: list[float]) -> dict[str, Any]:
    """The measured values and each target met or not (``None``: not measurable here, e.g. without the peer)."""
    r = ratios(m)
    tokens = {server: tools_list_tokens(tools) for server, tools in m.listing.items()}
    persona_max = max(k for _, k in m.personas.values())
    spawn = {k: median(v) for k, v in spawns.items()}
    rss = m.rss_idle["ours"]
    peer = "peer" in m.listing
    ours_vs_peer = [r[op][tr]["ours"] <= r[op][tr]["peer"] for op in r for tr in TRANSPORTS] if peer else []
    checks: dict[str, bool | None] = {
        "tools_list_tokens": tokens["ours"] <= TARGETS["tools_list_tokens_max"],
        "persona_tokens": persona_max <= TARGETS["persona_tokens_max"],
        "spawn": spawn["ours"] <= TARGETS["spawn_s_max"],
        "help": median(help_runs) <= TARGETS["help_s_max"],
        "serve_idle_rss": None if rss is None else rss <= TARGETS["serve_idle_rss_mb_max"],
        "instant_stdio_ratio": r["instant"]["stdio"]["ours"] <= TARGETS["instant_stdio_ratio_max"],
        "range60_ratio": all(r["range-60"][tr]["ours"] <= TARGETS["range60_ratio_max"] for tr in TRANSPORTS),
        "ours_le_peer_every_op": all(ours_vs_peer) if peer else None,
        "answers_agree": all(len(set(seen.values())) == 1 for seen in m.items.values()),
    }
    return {
        "measured": {
            "tools_list_tokens": tokens["ours"],
            "persona_tokens_max": persona_max,
            "spawn_s": round(spawn["ours"], 3),
            "help_s": round(median(help_runs), 3),
            "serve_idle_rss_mb": _round(rss, 1),
            "ratios": {op: {tr: {s: _round(v, 3) for s, v in d.items()} for tr, d in t.items()} for op, t in r.items()},
        },
        "pass": all(v for v in checks.values() if v is not None),
        "checks": checks,
        "latency_median_ms": {op: {k: _round(v, 3) for k, v in d.items()} for op, d in m.latency_ms.items()},
        "items": m.items,
        "tokens": {
            "total": tokens,
            "tools": {server: len(tools) for server, tools in m.listing.items()},
            "per_toolset": {t: k for t, (_, k) in tokens_by_toolset(m).items()},
            "per_persona": {p: k for p, (_, k) in m.personas.items()},
        },
        "spawn_s": {k: _round(v, 3) for k, v in spawn.items()},
        "client_validation_ms": m.validation_ms,
        "rss_mb": {
            "idle": {k: _round(v, 1) for k, v in m.rss_idle.items()},
            "after_calls": {k: _round(v, 1) for k, v in m.rss_after.items()},
        },
    }


def _round(v: float | None, digits: int) -> float | None:
    return None if v is None else round(v, digits)


def _f(value: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "—" if value is None else f"{value:{spec}}{suffix}"


def _yes(ok: bool | None) -> str:
    return "—" if ok is None else ("yes" if ok else "NO")


def print_report(m: Measured, args: argparse.Namespace, out: dict[str, Any]) -> None:
    """The latency table, the surface table and the two token breakdowns."""
    r, checks, spawn, rss = ratios(m), out["checks"], out["spawn_s"], out["rss_mb"]
    agree = "; ".join(f"{op}: {'/'.join(sorted(set(map(str, seen.values()))))}" for op, seen in m.items.items())
    print(f"\nSeries (names) per answer, ours = peer = direct: {agree} -> {_yes(checks['answers_agree'])}")
    rows = []
    for op, lat in m.latency_ms.items():
        for tr in TRANSPORTS:
            ours, peer = r[op][tr]["ours"], r[op][tr].get("peer")
            rows.append(
                [op if tr == "stdio" else "", tr, _f(lat["direct"]), _f(lat[f"ours {tr}"]), _f(ours, suffix="x")]
            )
            rows[-1] += [_f(lat.get(f"peer {tr}")), _f(peer, suffix="x"), _yes(None if peer is None else ours <= peer)]
    print_table(
        f"Latency per call, median ms of {args.calls} interleaved calls (ratio = tool ÷ direct)",
        ["op", "transport", "direct", "ours", "ours÷direct", "peer", "peer÷direct", "ours ≤ peer"],
        rows,
    )

    def listed(server: str) -> str:
        tools = m.listing.get(server)
        return "—" if tools is None else f"{tools_list_tokens(tools):,} ({len(tools)} tools)"

    persona, (_, persona_tokens) = max(m.personas.items(), key=lambda kv: kv[1][1])
    table = [
        ("tools/list tokens, every toolset", "≤ 10,000", listed("ours"), listed("peer"), "tools_list_tokens"),
        ("largest persona's tool specs, tokens", "≤ 3,000", f"{persona_tokens:,} ({persona})", "—", "persona_tokens"),
        (
            f"stdio spawn → first tools/list, median of {args.spawns}",
            "≤ 1.5 s",
            _f(spawn["ours"]),
            _f(spawn.get("peer")),
            "spawn",
        ),
        (f"aiops --help, median of {args.help_runs}", "≤ 1 s", _f(out["measured"]["help_s"]), "—", "help"),
        (
            "HTTP server RSS (MB), idle: started + tools/list",
            "≤ 150",
            _f(rss["idle"]["ours"], ".0f"),
            _f(rss["idle"].get("peer"), ".0f"),
            "serve_idle_rss",
        ),
        (
            "HTTP server RSS (MB) after the calls",
            "—",
            _f(rss["after_calls"]["ours"], ".0f"),
            _f(rss["after_calls"].get("peer"), ".0f"),
            "",
        ),
    ]
    print_table(
        "Surface and startup (seconds unless stated)",
        ["measurement", "target", "ours", "peer", "met?"],
        [[*row[:4], _yes(checks.get(row[4]))] for row in table],
    )
    print_table(
        "SDK client's check of one metrics_query result against the listed output schema, median ms",
        ["listed schema", "ms"],
        [[name, f"{ms:.3f}"] for name, ms in m.validation_ms.items()],
    )
    toolsets = [[t, n, f"{k:,}"] for t, (n, k) in tokens_by_toolset(m).items()]
    print_table("tools/list tokens per toolset (ours)", ["toolset", "tools", "tokens"], toolsets)
    personas = [[p, n, f"{k:,}"] for p, (n, k) in m.personas.items()]
    print_table(
        "Tool specs per persona, tokens (OpenAI format, as bind_tools sends them)",
        ["persona", "tools", "tokens"],
        personas,
    )
