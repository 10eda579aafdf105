"""``aiops demo``: the missing-Prometheus message, and the whole demo checked through a real MCP client."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

AIOPS = str(Path(sys.executable).with_name("aiops"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_missing_prometheus_gives_the_install_hint_not_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}  # an empty PATH: no prometheus, no promtool
    completed = subprocess.run(
        [sys.executable, AIOPS, "demo", "--check", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 3
    assert "apt-get install -y prometheus" in completed.stderr
    assert "Traceback" not in completed.stderr + completed.stdout


@pytest.mark.slow
@pytest.mark.integration
def test_demo_check_answers_fleet_and_metrics_tools_with_real_prometheus_data(tmp_path: Path) -> None:
    completed = subprocess.run(
        [AIOPS, "demo", "--check", "--hours", "1", "--port", str(free_port()), "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-3000:]
    for check in ("fleet_list_clusters", "metrics_query", "metrics_query_range"):
        assert f"✓ {check}" in output
    assert "✗" not in output
    assert "gpu-spoke" in output
    assert "Demo stopped" in output
    leftover = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True, check=False)
    assert leftover.stdout.strip() == "", f"processes left running: {leftover.stdout}"


@pytest.mark.slow
@pytest.mark.integration
def test_demo_never_touches_the_configured_registry(tmp_path: Path) -> None:
    real = tmp_path / "real"
    env = {**os.environ, "AIOPS_DATABASE_URL": f"sqlite:///{real / 'prod.db'}", "AIOPS_DATA_DIR": str(real)}
    add = subprocess.run(
        [AIOPS, "cluster", "add", "hub", "--prometheus", "http://prom.prod.example", "--no-probe", "--json"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert add.returncode == 0, add.stderr
    demo = subprocess.run(
        [AIOPS, "demo", "--check", "--hours", "0.5", "--port", str(free_port()), "--data-dir", str(tmp_path / "demo")],
        capture_output=True, text=True, env=env, timeout=240, check=False,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    shown = subprocess.run(
        [AIOPS, "cluster", "list", "--json"], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert '"prometheus": "http://prom.prod.example"' in shown.stdout
    assert "gpu-spoke" not in shown.stdout


@pytest.mark.slow
@pytest.mark.integration
def test_sigterm_stops_the_demo_and_every_prometheus_it_started(tmp_path: Path) -> None:
    port = free_port()
    command = [AIOPS, "demo", "--hours", "0.5", "--port", str(port), "--data-dir", str(tmp_path)]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as proc:
        try:
            deadline = time.monotonic() + 120
            while not _healthy(port):
                assert proc.poll() is None, "demo exited before serving"
                assert time.monotonic() < deadline, "demo did not start serving"
                time.sleep(0.2)
            running = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True, check=False)
            assert len(running.stdout.split()) >= 4  # the demo itself plus one Prometheus per simulated cluster
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert "Demo stopped" in stderr
    leftover = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True, check=False)
    assert leftover.stdout.strip() == ""


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False
