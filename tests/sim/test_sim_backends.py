"""The running fleet's other backends, for real over HTTP: Alertmanager, Loki, Tempo, Kubernetes.

Reuses the session `sim_fleet`; the incident alerts need `for: 1m` plus an evaluation before a real
Prometheus sends them to its real Alertmanager, hence the bounded waits.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from servers.sim.fleet import SimCluster, SimFleet

pytestmark = pytest.mark.integration


def wait_for(check: Callable[[], Any], timeout: float) -> Any:
    """Poll `check` until it returns something truthy (bounded); return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(1.0)


def am_alerts(cluster: SimCluster, name: str) -> list[dict[str, Any]]:
    resp = httpx.get(f"{cluster.endpoints['alertmanager']}/api/v2/alerts", params={"filter": f'alertname="{name}"'})
    assert resp.status_code == 200, resp.text
    alerts: list[dict[str, Any]] = resp.json()
    return alerts


def by_name(clusters: list[SimCluster]) -> dict[str, SimCluster]:
    return {c.name: c for c in clusters}


def test_every_backend_of_every_cluster_answers_ready(sim_fleet: list[SimCluster]) -> None:
    for cluster in sim_fleet:
        e = cluster.endpoints
        assert httpx.get(f"{e['alertmanager']}/-/ready", timeout=5).status_code == 200
        for kind in ("loki", "tempo"):
            resp = httpx.get(f"{e[kind]}/ready", timeout=5)
            assert (resp.status_code, resp.text.strip()) == (200, "ready"), kind


def test_the_cpu_incident_alert_reaches_the_hubs_real_alertmanager(sim_fleet: list[SimCluster]) -> None:
    hub = by_name(sim_fleet)["hub"]
    # Pending on the first evaluation, firing one minute later, then sent: allow two and a half minutes.
    alerts = wait_for(lambda: am_alerts(hub, "ContainerCPUSaturation"), timeout=150)
    assert alerts, "ContainerCPUSaturation never reached the hub's Alertmanager"
    [alert] = alerts
    assert alert["labels"]["cluster"] == "hub"  # Prometheus' external label
    assert (alert["labels"]["namespace"], alert["labels"]["severity"]) == ("payments", "warning")
    assert alert["status"]["state"] == "active"
    assert "generatorURL" in alert
    assert am_alerts(by_name(sim_fleet)["gpu-spoke"], "ContainerCPUSaturation") == []


def test_the_silenced_throttling_alert_is_suppressed(sim_fleet: list[SimCluster], sim_fleet_instance: SimFleet) -> None:
    hub = by_name(sim_fleet)["hub"]
    alerts = wait_for(lambda: am_alerts(hub, "CPUThrottlingHigh"), timeout=150)
    assert alerts
    assert {a["labels"]["pod"].startswith("payments-api-") for a in alerts} == {True}
    assert {a["status"]["state"] for a in alerts} == {"suppressed"}
    assert {tuple(a["status"]["silencedBy"]) for a in alerts} == {(sim_fleet_instance.silences["hub"],)}
    silences = httpx.get(f"{hub.endpoints['alertmanager']}/api/v2/silences", timeout=5).json()
    assert [s["id"] for s in silences] == [sim_fleet_instance.silences["hub"]]


def test_each_alertmanager_has_its_own_clusters_watchdog(sim_fleet: list[SimCluster]) -> None:
    for cluster in sim_fleet:

        def watchdog(c: SimCluster = cluster) -> list[dict[str, Any]]:
            return am_alerts(c, "Watchdog")

        alerts = wait_for(watchdog, timeout=60)
        assert [a["labels"]["cluster"] for a in alerts] == [cluster.name]


def test_the_live_loki_and_tempo_tell_the_same_story(sim_fleet: list[SimCluster], sim_fleet_instance: SimFleet) -> None:
    hub = by_name(sim_fleet)["hub"]
    query = '{namespace="payments"} |= "upstream timeout"'
    logs = httpx.get(
        f"{hub.endpoints['loki']}/loki/api/v1/query_range", params={"query": query, "limit": 3}, timeout=10
    )
    assert logs.status_code == 200
    lines = [line for s in logs.json()["data"]["result"] for _, line in s["values"]]
    assert len(lines) == 3
    trace_id = lines[0].rsplit("trace_id=", 1)[1]
    trace = httpx.get(f"{hub.endpoints['tempo']}/api/traces/{trace_id}", timeout=10)
    assert trace.status_code == 200
    assert trace.json()["batches"][0]["resource"]["attributes"][0]["value"]["stringValue"] == "payments-api"
    newest = max(int(ns) for s in logs.json()["data"]["result"] for ns, _ in s["values"])
    assert newest > sim_fleet_instance.anchor.timestamp() * 1e9 - 60e9  # live: the story goes on after the anchor


def test_secret_reads_over_the_real_server_are_counted(sim_fleet: list[SimCluster]) -> None:
    edge = by_name(sim_fleet)["telco-edge"]
    base = edge.endpoints["api"].rsplit("/clusters/", 1)[0]

    def count() -> int:
        body = httpx.get(f"{base}/_sim/access-log", timeout=5).json()
        secret_requests: int = body["clusters"]["telco-edge"]["secret_requests"]
        return secret_requests

    before = count()
    assert httpx.get(f"{edge.endpoints['api']}/api/v1/nodes", timeout=5).status_code == 200
    assert count() == before
    assert httpx.get(f"{edge.endpoints['api']}/api/v1/namespaces/ran-du/secrets", timeout=5).status_code == 200
    assert count() == before + 1
