"""The shared `prometheus_fixture`: a real Prometheus holding exactly the advertised data set."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.fixtures.sim import ALWAYS_FIRING, PrometheusFixture

pytestmark = pytest.mark.integration


def query(fx: PrometheusFixture, promql: str, at: float) -> list[dict[str, Any]]:
    resp = httpx.get(f"{fx.url}/api/v1/query", params={"query": promql, "time": at}, timeout=10)
    assert resp.status_code == 200, resp.text
    result: list[dict[str, Any]] = resp.json()["data"]["result"]
    return result


def test_every_series_has_its_expected_value_at_the_anchor_and_the_start(prometheus_fixture: PrometheusFixture) -> None:
    fx = prometheus_fixture
    for at in (fx.anchor, fx.start, fx.start + timedelta(minutes=37)):
        for s in fx.series:
            result = query(fx, s.selector, at.timestamp())
            assert len(result) == 1, (s.selector, at, result)
            assert float(result[0]["value"][1]) == fx.expected(s.name, s.labels, at)


def test_known_numbers(prometheus_fixture: PrometheusFixture) -> None:
    fx = prometheus_fixture
    at = fx.anchor.timestamp()
    sums = {r["metric"]["cluster"]: float(r["value"][1]) for r in query(fx, "sum by (cluster) (fixture_metric)", at)}
    assert sums == {"a": 3.0, "b": 3.0}
    ramp = query(fx, "fixture_ramp", at)
    assert float(ramp[0]["value"][1]) == (fx.anchor - fx.start).total_seconds() / fx.step_s == 480
    rate = query(fx, "rate(fixture_requests_total[5m])", at)
    assert float(rate[0]["value"][1]) == pytest.approx(1.0)


def test_expected_refuses_times_outside_the_history(prometheus_fixture: PrometheusFixture) -> None:
    fx = prometheus_fixture
    with pytest.raises(ValueError, match="outside"):
        fx.expected("fixture_metric", {"cluster": "a", "instance": "i1"}, fx.anchor + timedelta(minutes=1))
    with pytest.raises(KeyError):
        fx.expected("fixture_metric", {"cluster": "z", "instance": "i1"}, fx.anchor)


def test_the_always_firing_alert_and_recording_rules_run(prometheus_fixture: PrometheusFixture) -> None:
    fx = prometheus_fixture
    deadline = time.monotonic() + 30
    firing: list[str] = []
    while time.monotonic() < deadline and ALWAYS_FIRING not in firing:
        alerts = httpx.get(f"{fx.url}/api/v1/alerts", timeout=10).json()["data"]["alerts"]
        firing = [a["labels"]["alertname"] for a in alerts if a["state"] == "firing"]
        time.sleep(0.5)
    assert ALWAYS_FIRING in firing
    rules = httpx.get(f"{fx.url}/api/v1/rules", timeout=10).json()["data"]["groups"]
    assert {r["name"] for g in rules for r in g["rules"]} == {
        ALWAYS_FIRING,
        "fixture:fixture_metric:sum",
        "fixture:up:sum",
    }
