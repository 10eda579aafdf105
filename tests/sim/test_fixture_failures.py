"""Without Prometheus installed, the shared fixtures fail with the install hint; they never skip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

INNER_TEST = """
def test_needs_prometheus(prometheus_fixture):
    pass

def test_needs_the_fleet(sim_fleet):
    pass
"""


def test_fixtures_fail_with_the_install_hint_when_prometheus_is_missing(tmp_path: Path) -> None:
    (tmp_path / "test_inner.py").write_text(INNER_TEST)
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = {**os.environ, "PATH": str(empty_bin), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.fixtures.sim",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rfEs",
            "test_inner.py",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "2 errors" in out, out
    assert "skipped" not in out, out
    assert "sudo apt-get install -y prometheus" in out, out
