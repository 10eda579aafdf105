"""Rules and scrape configuration of each simulated cluster, validated by promtool."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from servers.sim.model import ClusterModel
from servers.sim.promconfig import prometheus_config
from servers.sim.prometheus import find_binaries
from servers.sim.rules import RULES_FILE, rules_yaml


def alert_names(model: ClusterModel) -> set[str]:
    groups = yaml.safe_load(rules_yaml(model))["groups"]
    return {r["alert"] for g in groups for r in g["rules"] if "alert" in r}


def test_every_cluster_has_watchdog_and_workload_alerts(models: dict[str, ClusterModel]) -> None:
    for model in models.values():
        assert {"Watchdog", "ContainerCPUSaturation", "KubePodRestartingFrequently"} <= alert_names(model)


def test_cpu_throttling_is_an_info_alert_everywhere(models: dict[str, ClusterModel]) -> None:
    for model in models.values():
        groups = yaml.safe_load(rules_yaml(model))["groups"]
        [rule] = [r for g in groups for r in g["rules"] if r.get("alert") == "CPUThrottlingHigh"]
        assert rule["labels"] == {"severity": "info"}


def test_alerts_go_to_the_clusters_alertmanager_with_a_cluster_label(models: dict[str, ClusterModel]) -> None:
    config = yaml.safe_load(
        prometheus_config(models["hub"], "http://127.0.0.1:8080", alertmanager_url="http://127.0.0.1:9093")
    )
    assert config["global"]["external_labels"] == {"cluster": "hub"}
    [am] = config["alerting"]["alertmanagers"]
    assert am["static_configs"] == [{"targets": ["127.0.0.1:9093"]}]
    assert "alerting" not in yaml.safe_load(prometheus_config(models["hub"], "http://127.0.0.1:8080"))


def test_gpu_and_ptp_alerts_only_where_those_exporters_run(models: dict[str, ClusterModel]) -> None:
    assert {"GPUTemperatureHigh", "GPUTemperatureCritical"} <= alert_names(models["gpu-spoke"])
    assert {"PtpClockHoldover", "PtpOffsetHigh"} <= alert_names(models["telco-edge"])
    assert not {a for a in alert_names(models["hub"]) if a.startswith(("GPU", "Ptp"))}


def test_scrape_config_has_one_job_per_exporter_pointing_at_each_target(models: dict[str, ClusterModel]) -> None:
    config = yaml.safe_load(prometheus_config(models["gpu-spoke"], "http://127.0.0.1:8080"))
    jobs = {j["job_name"]: j for j in config["scrape_configs"]}
    assert set(jobs) == {"node-exporter", "kubelet", "kube-state-metrics", "nvidia-dcgm-exporter"}
    dcgm = jobs["nvidia-dcgm-exporter"]["static_configs"]
    assert [s["labels"]["__metrics_path__"] for s in dcgm] == [
        f"/clusters/gpu-spoke/exporters/nvidia-dcgm-exporter/gpu-worker-{i}/metrics" for i in range(3)
    ]
    assert all(s["targets"] == ["127.0.0.1:8080"] for s in dcgm)
    assert jobs["kubelet"]["honor_labels"] is True
    assert config["rule_files"] == [RULES_FILE]


@pytest.mark.integration
@pytest.mark.parametrize("cluster", ["hub", "gpu-spoke", "telco-edge"])
def test_promtool_accepts_config_and_rules(models: dict[str, ClusterModel], cluster: str, tmp_path: Path) -> None:
    _, promtool = find_binaries()
    (tmp_path / RULES_FILE).write_text(rules_yaml(models[cluster]))
    config = prometheus_config(models[cluster], "http://127.0.0.1:8080", alertmanager_url="http://127.0.0.1:9093")
    (tmp_path / "prometheus.yml").write_text(config)
    result = subprocess.run(
        [str(promtool), "check", "config", str(tmp_path / "prometheus.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr
