"""The benchmarks run end to end on tiny inputs and end with their JSON result line (numbers are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_benchmark(name: str, *args: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{name}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["benchmark"] == name
    assert isinstance(result["pass"], bool)
    assert result["machine"]["cores"] >= 1
    return result


@pytest.mark.parametrize(
    "name", ["tool_overhead", "tokens", "fanout", "logs_patterns", "traces_get", "agent_overhead", "surface"]
)
def test_help(name: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{name}", "--help"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0
    assert "usage:" in proc.stdout


@pytest.mark.integration
def test_tokens_benchmark_runs() -> None:
    result = run_benchmark("tokens", "--series", "12", "--top-k", "0")
    assert result["series_total"] == 12
    assert result["per_series_stats_present"] is True
    assert result["raw_chars"] > result["chars"] > 0


@pytest.mark.integration
def test_tool_overhead_benchmark_runs() -> None:
    result = run_benchmark(
        "tool_overhead", "--calls", "3", "--warmup", "1", "--no-breakdown", "--namespaces", "2", "--pods", "3"
    )
    assert result["mcp_median_ms"] > 0
    assert result["direct_median_ms"] > 0


@pytest.mark.integration
def test_fanout_benchmark_runs() -> None:
    result = run_benchmark(
        "fanout", "--clusters", "12", "--dead", "1", "--timeout", "0.5", "--reps", "1", "--latency-ms", "10"
    )
    assert (result["ok"], result["timeout"], result["error"], result["total"]) == (11, 1, 0, 11)
    assert result["statuses_right"] is True


@pytest.mark.integration
def test_agent_overhead_benchmark_runs() -> None:
    result = run_benchmark(
        "agent_overhead", "--runs", "2", "--deterministic-runs", "1", "--history-hours", "0.25", "--no-breakdown"
    )
    assert result["runs"] == 2
    assert result["measured"]["ask_p50_ms"] > 0
    assert result["tool_p50_ms"] > 0
    assert result["measured"]["first_event_p50_ms"] > 0
    assert 0 <= result["measured"]["routing_accuracy"] <= 1
    assert result["routing_questions"] > 0


@pytest.mark.integration
@pytest.mark.slow
def test_surface_benchmark_runs_with_or_without_the_peer() -> None:
    result = run_benchmark("surface", "--quick", "--hours", "1")
    peer = result["peer"]["installed"]
    servers = ["ours", "peer"] if peer else ["ours"]
    labels = {f"{s} {t}" for s in servers for t in ("stdio", "http")} | {"direct"}
    assert set(result["latency_median_ms"]) == {"instant", "range-60", "range-1h-8", "list-names"}
    assert all(set(per_op) == labels for per_op in result["latency_median_ms"].values())
    assert result["items"]["range-60"] == dict.fromkeys(labels, 60)
    assert result["items"]["range-1h-8"] == dict.fromkeys(labels, 8)
    assert result["checks"]["answers_agree"] is True
    assert (result["checks"]["ours_le_peer_every_op"] is None) is not peer
    assert set(result["tokens"]["total"]) == set(servers)
    assert {"metrics", "fleet"} <= set(result["tokens"]["per_toolset"])
    assert "default" in result["tokens"]["per_persona"]
    assert set(result["spawn_s"]) == set(servers)
    assert result["measured"]["serve_idle_rss_mb"] > 0


def test_logs_patterns_benchmark_runs() -> None:
    result = run_benchmark("logs_patterns", "--lines", "2000", "--repeat", "1")
    assert result["measured"]["lines"] == 2000
    assert result["measured"]["exact_counts"] is True


def test_traces_get_benchmark_runs() -> None:
    result = run_benchmark("traces_get", "--spans", "50")
    assert result["spans"] == 50
    assert result["critical_path_matches"] is True
