"""MetricsService against a REAL Prometheus holding the known fixture data set (tests/fixtures/sim.py).

The fixture backfills, every 15 s over two hours ending at ``anchor``: ``fixture_metric`` = 1/2/3 for
(a,i1)/(a,i2)/(b,i1), ``fixture_ramp`` = sample index (0 at ``start``, 480 at ``anchor``) and the 1/s counter
``fixture_requests_total``; it loads the always-firing alert ``FixtureAlwaysFiring`` and two recording rules, and
scrapes itself (job ``prometheus``). Rule evaluation and the first scrape take a few seconds after start: those
tests poll with a deadline.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import pytest

from tests.fixtures.sim import ALWAYS_FIRING, PrometheusFixture
from tools.prometheus import MetricsLimits, MetricsService, PrometheusAPIError, parse_range_resource, to_json
from tools.targets import BackendTarget, HttpClientPool

pytestmark = pytest.mark.integration

T = TypeVar("T")
POLL_DEADLINE_S = 30.0


async def eventually(probe: Callable[[], Awaitable[T | None]]) -> T:
    """Poll ``probe`` until it returns a value, for at most POLL_DEADLINE_S (rules and scrapes start async)."""
    deadline = time.monotonic() + POLL_DEADLINE_S
    while True:
        value = await probe()
        if value is not None:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {POLL_DEADLINE_S}s")
        await asyncio.sleep(0.25)


@pytest.fixture
async def service() -> AsyncIterator[MetricsService]:
    pool = HttpClientPool(timeout=10.0)
    yield MetricsService(pool, MetricsLimits())
    await pool.aclose()


@pytest.fixture
def fixture_target(prometheus_fixture: PrometheusFixture) -> BackendTarget:
    return BackendTarget(cluster="fixture", backend="prometheus", base_url=prometheus_fixture.url)


async def test_instant_query_exact_values(
    service: MetricsService, fixture_target: BackendTarget, prometheus_fixture: PrometheusFixture
) -> None:
    at = prometheus_fixture.anchor.timestamp()
    result = await service.query([fixture_target], "fixture_metric", time=at)
    assert result.common_labels == {"__name__": "fixture_metric"}
    assert [(s.cluster, s.labels, s.value) for s in result.samples] == [
        ("fixture", {"cluster": "b", "instance": "i1"}, 3.0),
        ("fixture", {"cluster": "a", "instance": "i2"}, 2.0),
        ("fixture", {"cluster": "a", "instance": "i1"}, 1.0),
    ]
    ramp = await service.query([fixture_target], "fixture_ramp", time=at)
    assert ramp.samples[0].value == 480.0
    rate = await service.query([fixture_target], "rate(fixture_requests_total[1m])", time=at)
    assert rate.samples[0].value == pytest.approx(1.0)


async def test_range_query_statistics_of_the_ramp_are_exact(
    service: MetricsService, fixture_target: BackendTarget, prometheus_fixture: PrometheusFixture
) -> None:
    start, end = prometheus_fixture.start.timestamp(), prometheus_fixture.anchor.timestamp()
    result = await service.query_range([fixture_target], "fixture_ramp", start=start, end=end, step="15s")
    [series] = result.series
    assert (series.points, series.min, series.max, series.mean, series.last) == (481, 0.0, 480.0, 240.0, 480.0)
    assert series.p95 == 456.0  # 0.95 * 480 on an evenly spaced ramp
    assert (series.trend, series.slope_per_hour) == ("rising", 240.0)  # +1 per 15 s
    assert (series.first_time, series.last_time) == (None, None)  # the full grid
    assert series.deviations is None  # a straight line has nothing beyond 2 sigma
    assert result.resource_uri is not None
    ref = parse_range_resource(result.resource_uri)
    raw = await service.raw_range([fixture_target], ref.query, start=ref.start, end=ref.end, step=ref.step)
    values = raw["series"][0]["values"]
    assert (len(values), values[0][1], values[-1][1]) == (481, "0", "480")


async def test_range_query_ranks_series_and_factors_labels(
    service: MetricsService, fixture_target: BackendTarget, prometheus_fixture: PrometheusFixture
) -> None:
    start, end = prometheus_fixture.start.timestamp(), prometheus_fixture.anchor.timestamp()
    result = await service.query_range([fixture_target], "fixture_metric", start=start, end=end)
    assert result.step_s == 30  # 2 h / 240 rounded up to a nice step
    assert result.common_labels == {"__name__": "fixture_metric"}
    assert [(s.labels, s.max, s.trend) for s in result.series] == [
        ({"cluster": "b", "instance": "i1"}, 3.0, "flat"),
        ({"cluster": "a", "instance": "i2"}, 2.0, "flat"),
        ({"cluster": "a", "instance": "i1"}, 1.0, "flat"),
    ]
    assert len(to_json(result)) < 2_500
    rate = await service.query_range(
        [fixture_target], "rate(fixture_requests_total[1m])", start=start + 120, end=end, step="1m"
    )
    assert rate.series[0].min == pytest.approx(1.0)
    assert rate.series[0].max == pytest.approx(1.0)


async def test_bad_promql_returns_prometheus_parse_error(
    service: MetricsService, fixture_target: BackendTarget
) -> None:
    with pytest.raises(PrometheusAPIError) as info:
        await service.query([fixture_target], "sum(rate(x[5m])))")
    assert info.value.error_type == "bad_data"
    assert info.value.status == 400
    assert "parse error: unexpected right parenthesis" in str(info.value)
    assert "query='sum(rate(x[5m])))'" in str(info.value)


async def test_series_label_names_and_values(
    service: MetricsService, fixture_target: BackendTarget, prometheus_fixture: PrometheusFixture
) -> None:
    start, end = prometheus_fixture.start.timestamp(), prometheus_fixture.anchor.timestamp()
    series = await service.series([fixture_target], ["fixture_metric"], start=start, end=end)
    assert series.common_labels == {"__name__": "fixture_metric"}
    assert [s.labels for s in series.series] == [
        {"cluster": "a", "instance": "i1"},
        {"cluster": "a", "instance": "i2"},
        {"cluster": "b", "instance": "i1"},
    ]
    names = await service.label_names([fixture_target], match=["fixture_metric"])
    assert names.names == ["__name__", "cluster", "instance"]
    values = await service.label_values([fixture_target], "cluster", match=["fixture_metric"])
    assert values.values == ["a", "b"]
    metrics = await service.list_names([fixture_target], match="fixture_")
    assert {"fixture_metric", "fixture_ramp", "fixture_requests_total"} <= set(metrics.values)


async def test_alerts_show_the_always_firing_alert(service: MetricsService, fixture_target: BackendTarget) -> None:
    async def probe() -> list[object] | None:
        result = await service.alerts([fixture_target])
        return list(result.alerts) or None

    await eventually(probe)
    result = await service.alerts([fixture_target], state="firing")
    [alert] = result.alerts
    assert (alert.cluster, alert.alertname, alert.state, alert.severity) == (
        "fixture",
        ALWAYS_FIRING,
        "firing",
        "warning",
    )
    assert alert.annotations == {"summary": "Always firing, for tests."}
    assert alert.value == "1e+00"
    assert (result.firing, result.pending) == (1, 0)


async def test_rules_report_health_and_state(service: MetricsService, fixture_target: BackendTarget) -> None:
    async def probe() -> bool | None:
        result = await service.rules([fixture_target])
        rules = [r for g in result.groups for r in g.rules]
        return True if rules and all(r.health == "ok" for r in rules) else None

    await eventually(probe)
    result = await service.rules([fixture_target])
    [group] = result.groups
    assert (group.cluster, group.name) == ("fixture", "fixture.rules")
    by_name = {r.name: r for r in group.rules}
    assert set(by_name) == {ALWAYS_FIRING, "fixture:fixture_metric:sum", "fixture:up:sum"}
    assert (by_name[ALWAYS_FIRING].type, by_name[ALWAYS_FIRING].state) == ("alerting", "firing")
    assert by_name[ALWAYS_FIRING].active_alerts == 1
    recording = by_name["fixture:fixture_metric:sum"]
    assert (recording.type, recording.query, recording.state) == (
        "recording",
        "sum by (cluster) (fixture_metric)",
        None,
    )
    assert result.unhealthy_rules == 0
    only_recording = await service.rules([fixture_target], rule_type="record")
    assert {r.type for g in only_recording.groups for r in g.rules} == {"recording"}


async def test_targets_health_and_metadata_from_the_self_scrape(
    service: MetricsService, fixture_target: BackendTarget
) -> None:
    async def probe() -> bool | None:
        health = await service.targets_health([fixture_target])
        return True if health.per_cluster and health.per_cluster[0].up == 1 else None

    await eventually(probe)
    health = await service.targets_health([fixture_target])
    assert [(c.cluster, c.up, c.down, c.unknown) for c in health.per_cluster] == [("fixture", 1, 0, 0)]
    assert health.down_targets == []

    async def metadata_probe() -> bool | None:
        found = await service.metadata([fixture_target], metric="prometheus_http_requests_total")
        return True if found.metrics else None

    await eventually(metadata_probe)
    found = await service.metadata([fixture_target], metric="prometheus_http_requests_total")
    assert [(m.metric, m.type) for m in found.metrics] == [("prometheus_http_requests_total", "counter")]


async def test_global_view_splits_a_real_answer_by_cluster_label(prometheus_fixture: PrometheusFixture) -> None:
    pool = HttpClientPool(timeout=10.0)
    querier = BackendTarget(cluster="querier", backend="thanos", base_url=prometheus_fixture.url)
    service = MetricsService(pool, MetricsLimits(), global_view=querier, global_cluster_label="cluster")
    try:
        selected = [BackendTarget(cluster=c, backend="prometheus", base_url="http://unused") for c in ("a", "b", "z")]
        result = await service.query(selected, "fixture_metric", time=prometheus_fixture.anchor.timestamp())
    finally:
        await pool.aclose()
    assert [
        (s.cluster, s.labels.get("instance") or result.common_labels.get("instance"), s.value) for s in result.samples
    ] == [
        ("b", "i1", 3.0),
        ("a", "i2", 2.0),
        ("a", "i1", 1.0),
    ]
    assert "cluster" not in result.common_labels
    assert any("z" in n and "global view" in n for n in result.notes)
    assert {o.cluster: o.status for o in result.clusters} == {"a": "ok", "b": "ok", "z": "ok"}
