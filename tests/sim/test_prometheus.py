"""The Prometheus process runner: binaries on PATH, start/ready/stop, and useful errors."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from servers.sim.prometheus import PrometheusNotFoundError, PrometheusProcess, find_binaries, free_port

MINIMAL_CONFIG = "global:\n  scrape_interval: 15s\n"


def pid_is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_missing_binaries_raise_with_the_install_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: nothing is found
    with pytest.raises(PrometheusNotFoundError) as err:
        find_binaries()
    assert "sudo apt-get install -y prometheus" in str(err.value)
    assert "or download from prometheus.io and put prometheus + promtool on PATH" in str(err.value)


def test_starting_without_prometheus_fails_before_spawning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    proc = PrometheusProcess(data_dir=tmp_path / "data", config_yaml=MINIMAL_CONFIG)
    with pytest.raises(PrometheusNotFoundError):
        proc.start()
    assert proc.pid is None


@pytest.mark.integration
def test_binaries_are_found_on_this_machine() -> None:
    prometheus, promtool = find_binaries()
    assert prometheus.name == "prometheus"
    assert promtool.name == "promtool"


@pytest.mark.integration
def test_prometheus_starts_answers_and_stops(tmp_path: Path) -> None:
    rules = {"r.yml": "groups:\n- name: g\n  rules:\n  - record: one\n    expr: vector(1)\n"}
    config = MINIMAL_CONFIG + "rule_files: [r.yml]\n"
    with PrometheusProcess(data_dir=tmp_path / "data", config_yaml=config, rule_files=rules) as prom:
        assert prom.url.startswith("http://127.0.0.1:")
        pid = prom.pid
        assert pid is not None
        body = httpx.get(f"{prom.url}/api/v1/rules").json()
        assert [r["name"] for g in body["data"]["groups"] for r in g["rules"]] == ["one"]
        assert (tmp_path / "data" / "r.yml").exists()
    assert pid_is_gone(pid)
    prom.stop()  # idempotent


@pytest.mark.integration
def test_a_fixed_port_is_used_as_given(tmp_path: Path) -> None:
    port = free_port()
    with PrometheusProcess(data_dir=tmp_path / "data", config_yaml=MINIMAL_CONFIG, port=port) as prom:
        assert prom.url == f"http://127.0.0.1:{port}"
        assert httpx.get(f"{prom.url}/-/healthy").status_code == 200


@pytest.mark.integration
def test_a_bad_config_fails_with_the_log_tail(tmp_path: Path) -> None:
    proc = PrometheusProcess(data_dir=tmp_path / "data", config_yaml="global:\n  scrape_interval: soon\n")
    with pytest.raises(RuntimeError, match="Prometheus exited") as err:
        proc.start(ready_timeout=15)
    assert "soon" in str(err.value)  # the tail of Prometheus' own log names the bad value
    assert proc.pid is None
