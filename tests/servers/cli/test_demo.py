"""``aiops demo``: the missing-Prometheus message, and the whole demo checked through a real MCP client."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

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
