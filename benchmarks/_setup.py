"""Shared setup of the benchmarks: isolated settings, a backfilled real Prometheus, server subprocesses, output.

Everything a benchmark starts lives under a temporary directory and is stopped in ``finally`` blocks (also on
Ctrl-C), so the user's registry (``~/.local/share/aiops-nextgen``) and ``AIOPS_*`` environment are never touched.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager, redirect_stderr
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

import httpx
import yaml
from mcp import ClientSession
from mcp.shared.memory import create_connected_server_and_client_session

from servers.mcp import ToolDeps, build_server
from servers.settings import Settings
from servers.sim.model import StoredFamily
from servers.sim.openmetrics import history_timestamps, write_openmetrics
from servers.sim.prometheus import PrometheusProcess, backfill, free_port
from tools.fleet import ClusterSpec, ClusterType, Credentials, Endpoints, Environment

__all__ = [
    "REPO_ROOT",
    "STEP_S",
    "BackfilledPrometheus",
    "aiops_command",
    "aiops_serve_command",
    "aligned_now",
    "backfilled_prometheus",
    "bench_settings",
    "emit_result",
    "isolate_environment",
    "logging_at",
    "machine",
    "mcp_memory_session",
    "median",
    "p90",
    "pick_port",
    "print_table",
    "register_clusters",
    "rss_mb",
    "run_async",
    "run_benchmark",
    "server_process",
    "stderr_to",
    "stop_process",
    "subprocess_env",
    "wait_http_ready",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
STEP_S = 15
T = TypeVar("T")


# -- settings and environment ---------------------------------------------------------------------------------------


def isolate_environment() -> None:
    """Drop every ``AIOPS_*`` variable from this process' environment so settings come only from the benchmark."""
    for name in [n for n in os.environ if n.startswith("AIOPS_")]:
        del os.environ[name]


def bench_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings on a temporary data dir, no ``.env``, no background probes; ``overrides`` set other fields."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": None,
        "encryption_key": None,
        "probe_enabled": False,
        "metrics_mode": "direct",
        **overrides,
    }
    return Settings(_env_file=None, **values)


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a child process: no ``AIOPS_*`` from the caller, the repo on ``PYTHONPATH``, ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIOPS_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


async def register_clusters(deps: ToolDeps, clusters: Sequence[tuple[str, str]]) -> None:
    """Register ``(name, prometheus_url)`` pairs directly in the registry (no probe, no credentials)."""
    for name, url in clusters:
        spec = ClusterSpec(
            name=name,
            type=ClusterType.SPOKE,
            environment=Environment.DEVELOPMENT,
            labels={},
            endpoints=Endpoints(prometheus=url),
        )
        await deps.registry.add(spec, Credentials())


@contextmanager
def stderr_to(path: Path) -> Iterator[None]:
    """Send this process' stderr to ``path`` for the block.

    Building the MCP server runs FastMCP's logging setup (root logger at INFO, a rich handler on stderr), so every
    tool call and every backend request is logged; the benchmarks keep that cost but not the noise on the terminal.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as log, redirect_stderr(log):
        yield


@contextmanager
def logging_at(level: int) -> Iterator[None]:
    """Set the root logger's level for the block (e.g. to keep FastMCP's INFO logging out of a baseline)."""
    root = logging.getLogger()
    before = root.level
    root.setLevel(level)
    try:
        yield
    finally:
        root.setLevel(before)


@asynccontextmanager
async def mcp_memory_session(deps: ToolDeps) -> AsyncIterator[ClientSession]:
    """An in-memory MCP client session on the composed server; enter and leave it in the same task."""
    server = build_server(deps)
    async with create_connected_server_and_client_session(server._mcp_server) as session:
        yield session


# -- a real Prometheus with backfilled history ----------------------------------------------------------------------


@dataclass(frozen=True)
class BackfilledPrometheus:
    """A running Prometheus holding samples every ``step_s`` seconds from ``start`` to ``end`` inclusive."""

    url: str
    start: int
    end: int
    step_s: int
    series: int
    samples: int


def aligned_now(step_s: int = STEP_S) -> int:
    """The current Unix time rounded down to a multiple of ``step_s``."""
    return int(time.time()) // step_s * step_s


@contextmanager
def backfilled_prometheus(
    work_dir: Path, families: Sequence[StoredFamily], *, start: int, end: int, step_s: int = STEP_S
) -> Iterator[BackfilledPrometheus]:
    """Write ``families`` sampled over ``[start, end]`` as OpenMetrics, backfill them with promtool, start Prometheus.

    Prometheus scrapes nothing (the data set is exactly what was backfilled) and is stopped when the block exits.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    om = work_dir / "history.om"
    stats = write_openmetrics(families, om, history_timestamps(start, end + step_s, step_s))
    data_dir = work_dir / "tsdb"
    backfill(om, data_dir)
    config = {"global": {"scrape_interval": "1m", "evaluation_interval": "1m"}, "scrape_configs": []}
    proc = PrometheusProcess(data_dir=data_dir, config_yaml=yaml.safe_dump(config))
    try:
        proc.start()
        yield BackfilledPrometheus(proc.url, start, end, step_s, stats.series, stats.samples)
    finally:
        proc.stop()


# -- server subprocesses ---------------------------------------------------------------------------------------------


def aiops_serve_command(data_dir: Path, port: int) -> list[str]:
    """``aiops serve`` on loopback, run with this interpreter (the same code as the console script)."""
    code = "from servers.cli.app import main; main()"
    return [
        sys.executable,
        "-c",
        code,
        "serve",
        "--data-dir",
        str(data_dir),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]


def aiops_command(*args: str) -> list[str]:
    """``aiops ARGS`` as a user runs it: the console script beside this interpreter when it is installed (what a
    client such as Claude Desktop spawns), else this interpreter running the same entry point."""
    script = Path(sys.executable).with_name("aiops")
    if script.is_file():
        return [str(script), *args]
    return [sys.executable, "-c", "from servers.cli.app import main; main()", *args]


def rss_mb(pid: int) -> float | None:
    """Resident set size of process ``pid`` in MB (10^6 bytes) from Linux ``/proc``; ``None`` if it cannot be read."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e6
    return None


def wait_http_ready(url: str, proc: subprocess.Popen[bytes], *, timeout: float, log_path: Path) -> None:
    """Poll ``url`` until it answers 200 (bounded); raise with the log tail if the process exits or times out."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{url}: server exited with code {proc.returncode}:\n{_tail(log_path)}")
            try:
                if client.get(url).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} not ready within {timeout:g}s:\n{_tail(log_path)}")
            time.sleep(0.05)


@contextmanager
def server_process(
    cmd: Sequence[str],
    *,
    env: dict[str, str],
    cwd: Path,
    log_path: Path,
    ready_url: str,
    ready_timeout: float = 30.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``cmd`` until the block exits: wait for ``ready_url``, then stop it with SIGINT (graceful), or kill it."""
    log: IO[bytes] = log_path.open("ab")
    proc = subprocess.Popen(list(cmd), env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_http_ready(ready_url, proc, timeout=ready_timeout, log_path=log_path)
        yield proc
    finally:
        stop_process(proc)
        log.close()


def stop_process(proc: subprocess.Popen[bytes], grace_s: float = 5.0) -> None:
    """SIGINT (uvicorn's graceful stop), then SIGKILL if it is still alive after ``grace_s``; idempotent."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(grace_s)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def pick_port() -> int:
    """A free loopback port."""
    return free_port()


# -- statistics and output -------------------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    """The median of ``values``."""
    return float(statistics.median(values))


def p90(values: Sequence[float]) -> float:
    """The 90th percentile of ``values`` (linear interpolation between closest ranks)."""
    if len(values) == 1:
        return float(values[0])
    return float(statistics.quantiles(values, n=10, method="inclusive")[8])


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print a plain-text table: first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    print(f"\n{title}")
    print(line(cells[0]))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))


def machine() -> dict[str, Any]:
    """Cores, load averages and code version when the benchmark started (other work on the machine skews latencies)."""
    load1, load5, _ = os.getloadavg()
    return {
        "cores": os.cpu_count(),
        "loadavg_1m": round(load1, 2),
        "loadavg_5m": round(load5, 2),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no", "--", "servers", "tools")),
    }


def _git(*args: str) -> str | None:
    try:
        proc = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def emit_result(payload: dict[str, Any], started: dict[str, Any]) -> None:
    """Print the machine line, then the machine-readable last line of a benchmark's output."""
    print(
        f"\nmachine: {started['cores']} cores, load average at start {started['loadavg_1m']} (1 min); code "
        f"{started['commit']}{' + uncommitted changes in servers/ or tools/' if started['dirty'] else ''}"
    )
    print(json.dumps({**payload, "machine": started}, separators=(", ", ": ")), flush=True)


def run_async(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` where Ctrl-C always ends as ``KeyboardInterrupt`` once ``main`` has unwound.

    Ctrl-C cancels ``main`` as ``asyncio.run`` does (so ``async with`` blocks stop their processes), but whatever the
    cancellation turns into on the way out (the MCP SDK's stdio client can raise an ``ExceptionGroup`` of
    ``BrokenResourceError`` instead) is reported as the interruption it was.
    """

    async def guarded() -> T:
        loop, task, interrupted = asyncio.get_running_loop(), asyncio.current_task(), []

        def on_sigint() -> None:
            interrupted.append(True)
            if task is not None:
                task.cancel()

        loop.add_signal_handler(signal.SIGINT, on_sigint)
        try:
            result = await main
        except BaseException:
            if interrupted:
                raise KeyboardInterrupt from None
            raise
        finally:
            loop.remove_signal_handler(signal.SIGINT)
        if interrupted:  # the cancellation was swallowed on the way: stop anyway
            raise KeyboardInterrupt
        return result

    return asyncio.run(guarded())


def run_benchmark(
    parse_args: Callable[[Sequence[str] | None], argparse.Namespace],
    run: Callable[[argparse.Namespace], dict[str, Any]],
    argv: Sequence[str] | None = None,
) -> None:
    """The shared ``main()``: parse, note the machine, run, print the result line; Ctrl-C exits 130 cleanly."""
    args = parse_args(argv)
    started = machine()
    try:
        payload = run(args)
    except KeyboardInterrupt:
        print("interrupted; processes stopped", file=sys.stderr)
        raise SystemExit(130) from None
    emit_result(payload, started)
