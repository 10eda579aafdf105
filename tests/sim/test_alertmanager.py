"""The Alertmanager process runner: binary on PATH, config, start/ready/silence/stop, useful errors."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import httpx
import pytest
import yaml

from servers.sim.alertmanager import (
    AlertmanagerNotFoundError,
    AlertmanagerProcess,
    alertmanager_config,
    find_alertmanager,
)
from servers.sim.fleet import SimFleet
from servers.sim.prometheus import PrometheusNotFoundError, free_port


def pid_is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_missing_alertmanager_raises_with_the_install_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(AlertmanagerNotFoundError, match="sudo apt-get install -y prometheus-alertmanager"):
        find_alertmanager()
    # Callers that already handle a missing Prometheus (the demo, the fixtures) handle this too.
    assert issubclass(AlertmanagerNotFoundError, PrometheusNotFoundError)
    proc = AlertmanagerProcess(storage_dir=tmp_path / "am")
    with pytest.raises(AlertmanagerNotFoundError):
        proc.start()
    assert proc.pid is None


def test_the_config_routes_everything_to_a_null_receiver() -> None:
    config = yaml.safe_load(alertmanager_config())
    assert config["route"]["receiver"] == "null"
    assert config["receivers"] == [{"name": "null"}]
    assert config["inhibit_rules"][0]["equal"] == ["namespace", "alertname"]


@pytest.mark.integration
def test_amtool_accepts_the_config(tmp_path: Path) -> None:
    amtool = find_alertmanager().with_name("amtool")
    (tmp_path / "am.yml").write_text(alertmanager_config())
    result = subprocess.run([str(amtool), "check-config", str(tmp_path / "am.yml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@pytest.mark.integration
def test_alertmanager_starts_takes_a_silence_and_stops(tmp_path: Path) -> None:
    port = free_port()
    with AlertmanagerProcess(storage_dir=tmp_path / "am", port=port) as am:
        assert am.url == f"http://127.0.0.1:{port}"
        pid = am.pid
        assert pid is not None
        status = httpx.get(f"{am.url}/api/v2/status", timeout=5).json()
        assert status["cluster"]["status"] == "disabled"  # no HA gossip
        silence = am.add_silence({"alertname": "Noisy", "namespace": "x"}, comment="test")
        silences = httpx.get(f"{am.url}/api/v2/silences", timeout=5).json()
        assert [(s["id"], s["status"]["state"]) for s in silences] == [(silence, "active")]
        assert {m["name"]: m["value"] for m in silences[0]["matchers"]} == {"alertname": "Noisy", "namespace": "x"}
        assert (tmp_path / "am" / "alertmanager.yml").exists()
    assert pid_is_gone(pid)
    am.stop()  # idempotent


@pytest.mark.integration
def test_a_busy_fixed_port_fails_with_the_log_tail(tmp_path: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        am = AlertmanagerProcess(storage_dir=tmp_path / "am", port=blocker.getsockname()[1])
        with pytest.raises(RuntimeError, match="address already in use"):
            am.start(ready_timeout=10)
    assert am.pid is None


@pytest.mark.integration
def test_a_failed_prometheus_start_stops_the_alertmanagers(tmp_path: Path) -> None:
    fleet = SimFleet(tmp_path / "fleet", history_hours=0.25, scrape_interval_s=-1)  # Prometheus rejects "-1s"
    messages: list[str] = []
    try:
        with pytest.raises(RuntimeError, match="Prometheus exited"):
            fleet.start(progress=messages.append)
    finally:
        fleet.stop()
    am_urls = [m.split(" at ")[1] for m in messages if "alertmanager at" in m]
    assert len(am_urls) == 3
    for url in am_urls:
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/-/ready", timeout=5)
    assert fleet.alertmanagers == {}
