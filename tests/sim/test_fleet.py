"""The whole simulated fleet, for real: exporter server, backfilled TSDBs, one Prometheus per cluster."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from servers.sim.fleet import SimCluster, SimFleet
from servers.sim.signals import Signal
from tests.sim.conftest import one_signal

pytestmark = pytest.mark.integration

Poll = Callable[[], Any]


def query(cluster: SimCluster, promql: str, at: float | None = None) -> list[dict[str, Any]]:
    params: dict[str, str | float] = {"query": promql}
    if at is not None:
        params["time"] = at
    resp = httpx.get(f"{cluster.endpoints['prometheus']}/api/v1/query", params=params, timeout=10)
    assert resp.status_code == 200, resp.text
    result: list[dict[str, Any]] = resp.json()["data"]["result"]
    return result


def scalar(cluster: SimCluster, promql: str, at: float | None = None) -> float:
    result = query(cluster, promql, at)
    assert len(result) == 1, f"{promql} on {cluster.name}: {result}"
    return float(result[0]["value"][1])


def wait_until(check: Poll, timeout: float = 30.0) -> Any:
    """Poll `check` until it returns a truthy value (bounded); return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


def by_name(clusters: list[SimCluster]) -> dict[str, SimCluster]:
    return {c.name: c for c in clusters}


def pid_is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_fleet_has_three_clusters_with_their_endpoints(sim_fleet: list[SimCluster]) -> None:
    assert [(c.name, c.type) for c in sim_fleet] == [("hub", "HUB"), ("gpu-spoke", "SPOKE"), ("telco-edge", "EDGE")]
    assert all(set(c.endpoints) == {"api", "prometheus", "alertmanager", "loki", "tempo"} for c in sim_fleet)
    for kind in ("prometheus", "alertmanager"):
        assert len({c.endpoints[kind] for c in sim_fleet}) == 3  # one Prometheus and one Alertmanager per cluster
    assert all(c.endpoints["api"].endswith(f"/clusters/{c.name}") for c in sim_fleet)
    assert all(c.endpoints["loki"] == c.endpoints["api"] + "/loki" for c in sim_fleet)
    assert all(c.endpoints["tempo"] == c.endpoints["api"] + "/tempo" for c in sim_fleet)


def test_history_is_in_each_clusters_own_prometheus(sim_fleet: list[SimCluster], sim_fleet_instance: SimFleet) -> None:
    hour_ago = sim_fleet_instance.anchor.timestamp() - 3600
    counts = {c.name: len(query(c, "DCGM_FI_DEV_GPU_TEMP", hour_ago)) for c in sim_fleet}
    assert counts == {"hub": 0, "gpu-spoke": 9, "telco-edge": 0}
    jobs = {r["metric"]["job"] for r in query(by_name(sim_fleet)["gpu-spoke"], "up == 1", hour_ago)}
    assert jobs == {"node-exporter", "kubelet", "kube-state-metrics", "nvidia-dcgm-exporter"}
    assert len(query(by_name(sim_fleet)["telco-edge"], "openshift_ptp_offset_ns", hour_ago)) > 0


def test_backfilled_values_are_exactly_the_models(sim_fleet: list[SimCluster], sim_fleet_instance: SimFleet) -> None:
    t = sim_fleet_instance.anchor.timestamp() - 1800
    gpu = by_name(sim_fleet)["gpu-spoke"]
    model = sim_fleet_instance.models["gpu-spoke"]
    temp: Signal = one_signal(model, "DCGM_FI_DEV_GPU_TEMP", Hostname="gpu-worker-0", gpu="2")
    assert scalar(gpu, 'DCGM_FI_DEV_GPU_TEMP{Hostname="gpu-worker-0",gpu="2"}', t) == temp(t)
    edge = by_name(sim_fleet)["telco-edge"]
    state = one_signal(sim_fleet_instance.models["telco-edge"], "openshift_ptp_clock_state", process="ptp4l")
    assert scalar(edge, 'openshift_ptp_clock_state{process="ptp4l"}', t) == state(t) == 1.0


def test_every_target_is_scraped_live(sim_fleet: list[SimCluster], sim_fleet_instance: SimFleet) -> None:
    anchor = sim_fleet_instance.anchor.timestamp()
    for cluster in sim_fleet:
        targets = sum(len(e.targets) for e in sim_fleet_instance.models[cluster.name].exporters)

        # `up` is in the backfilled history too: only samples newer than the anchor come from live scrapes.
        def all_up(c: SimCluster = cluster, n: int = targets) -> bool:
            return len(query(c, f"up == 1 and timestamp(up) > {anchor}")) == n

        assert wait_until(all_up), f"{cluster.name}: {query(cluster, 'timestamp(up)')}"
        assert scalar(cluster, "count(count_over_time(up[1h]))") == targets  # history and live: same series


def test_live_samples_extend_the_backfilled_series(sim_fleet: list[SimCluster], sim_fleet_instance: SimFleet) -> None:
    gpu = by_name(sim_fleet)["gpu-spoke"]
    anchor = sim_fleet_instance.anchor.timestamp()
    latest = wait_until(lambda: query(gpu, "max(timestamp(DCGM_FI_DEV_GPU_TEMP))"))
    assert latest and float(latest[0]["value"][1]) > anchor, "no live DCGM sample yet"
    # Had the live labels differed from the history's, each GPU would show up as two series.
    assert scalar(gpu, "count(count_over_time(DCGM_FI_DEV_GPU_TEMP[1h]))") == 9
    assert scalar(gpu, "count(count_over_time(node_cpu_seconds_total[1h]))") == 3 * 8 * 4


def test_rules_are_loaded_in_every_prometheus(sim_fleet: list[SimCluster]) -> None:
    for cluster in sim_fleet:
        body = httpx.get(f"{cluster.endpoints['prometheus']}/api/v1/rules", timeout=10).json()
        names = {r["name"] for g in body["data"]["groups"] for r in g["rules"]}
        assert {"Watchdog", "ContainerCPUSaturation", "namespace:container_cpu_usage_seconds_total:sum_rate"} <= names


@pytest.mark.parametrize(
    ("cluster", "alert"),
    [("hub", "ContainerCPUSaturation"), ("gpu-spoke", "GPUTemperatureHigh"), ("telco-edge", "PtpClockFreerun")],
)
def test_incident_alerts_become_active_on_live_data(sim_fleet: list[SimCluster], cluster: str, alert: str) -> None:
    url = f"{by_name(sim_fleet)[cluster].endpoints['prometheus']}/api/v1/alerts"

    def states() -> dict[str, str]:
        return {a["labels"]["alertname"]: a["state"] for a in httpx.get(url, timeout=10).json()["data"]["alerts"]}

    # Rules are evaluated every 15 s; the first evaluations may not see live samples yet: allow 90 s.
    active = wait_until(lambda: alert in states() and "Watchdog" in states(), timeout=90)
    assert active, states()
    assert states()[alert] in {"pending", "firing"}


def active_alerts(cluster: SimCluster, name: str) -> list[dict[str, Any]]:
    # The alerts API shows pending alerts from the first evaluation on; the ALERTS series only appears
    # after Prometheus has restored for-state, two evaluation intervals after start.
    alerts = httpx.get(f"{cluster.endpoints['prometheus']}/api/v1/alerts", timeout=10).json()["data"]["alerts"]
    return [a for a in alerts if a["labels"]["alertname"] == name]


def test_only_the_incident_namespace_and_cluster_alert(sim_fleet: list[SimCluster]) -> None:
    clusters = by_name(sim_fleet)
    saturated = wait_until(lambda: active_alerts(clusters["hub"], "ContainerCPUSaturation"), timeout=90)
    assert {a["labels"]["namespace"] for a in saturated} == {"payments"}
    assert wait_until(lambda: active_alerts(clusters["gpu-spoke"], "GPUTemperatureHigh"), timeout=90)
    hot = active_alerts(clusters["gpu-spoke"], "GPUTemperatureHigh")
    assert [(a["labels"]["Hostname"], a["labels"]["gpu"]) for a in hot] == [("gpu-worker-0", "2")]
    assert active_alerts(clusters["gpu-spoke"], "ContainerCPUSaturation") == []
    assert active_alerts(clusters["telco-edge"], "GPUTemperatureHigh") == []


def test_kubernetes_endpoints_answer(sim_fleet: list[SimCluster]) -> None:
    for cluster in sim_fleet:
        version = httpx.get(f"{cluster.endpoints['api']}/version", timeout=5)
        assert version.status_code == 200
        assert version.json()["gitVersion"].startswith("v1.")
        ready = httpx.get(f"{cluster.endpoints['api']}/readyz", timeout=5)
        assert (ready.status_code, ready.text) == (200, "ok")


def test_stop_leaves_no_prometheus_or_alertmanager_process_and_closes_the_exporter(tmp_path: Path) -> None:
    fleet = SimFleet(tmp_path / "fleet", history_hours=0.25)
    clusters = fleet.start()
    pids = [p.pid for p in fleet.prometheus.values()] + [a.pid for a in fleet.alertmanagers.values()]
    assert len(pids) == 6
    assert all(pid is not None for pid in pids)
    api = clusters[0].endpoints["api"]
    assert httpx.get(f"{api}/readyz", timeout=5).status_code == 200
    with pytest.raises(RuntimeError, match="already running"):
        fleet.start()
    fleet.stop()
    assert all(pid is not None and pid_is_gone(pid) for pid in pids)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{api}/readyz", timeout=5)
    fleet.stop()  # idempotent
    assert fleet.clusters == []


def test_a_failed_start_stops_what_it_started(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the work dir should be")
    messages: list[str] = []
    fleet = SimFleet(blocker, history_hours=0.25)
    with pytest.raises(OSError, match="not-a-dir"):
        fleet.start(progress=messages.append)
    exporter_url = messages[0].removeprefix("exporter server at ")
    with pytest.raises(httpx.ConnectError):
        httpx.get(exporter_url, timeout=5)
    assert fleet.prometheus == {}
    assert fleet.alertmanagers == {}
