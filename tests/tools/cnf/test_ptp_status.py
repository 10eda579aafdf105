"""cnf PTP status against a real Prometheus holding known openshift_ptp_* series (see conftest)."""

from __future__ import annotations

import statistics
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from tests.tools.cnf.prometheus_ptp import OFFSET_BASE, PtpFixture
from tools.cnf.ptp_status import ptp_status
from tools.cnf.results import PtpStatusResult
from tools.errors import ToolInputError
from tools.prometheus import MetricsLimits, MetricsService
from tools.targets import BackendTarget, HttpClientPool


def rfc(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
async def metrics() -> AsyncIterator[MetricsService]:
    pool = HttpClientPool(timeout=10.0)
    yield MetricsService(pool, MetricsLimits())
    await pool.aclose()


def target(url: str) -> BackendTarget:
    return BackendTarget(cluster="edge", backend="prometheus", base_url=url)


async def test_ptp_status_reports_state_changes_holdover_and_offset_stats(
    metrics: MetricsService, ptp_prometheus: PtpFixture
) -> None:
    fx = ptp_prometheus
    result = await ptp_status(
        metrics, [target(fx.url)], start=str(fx.start), end=str(fx.anchor), step="15", threshold_ns=100.0
    )
    assert [(p.iface, p.process) for p in result.processes] == [("ens2fx", "ptp4l"), ("CLOCK_REALTIME", "phc2sys")]
    ptp4l, phc = result.processes
    assert ptp4l.cluster == "edge" and ptp4l.node == "du-1"
    assert ptp4l.state == "FREERUN"
    assert [(t.time, t.from_state, t.to_state) for t in ptp4l.transitions] == [
        (rfc(fx.t_holdover), "LOCKED", "HOLDOVER"),
        (rfc(fx.t_freerun), "HOLDOVER", "FREERUN"),
    ]
    assert ptp4l.state_since == rfc(fx.t_freerun)
    assert ptp4l.in_state_s == fx.anchor - fx.t_freerun
    assert ptp4l.holdover_entered_at == rfc(fx.t_holdover)
    # Independent computation over the same sample times.
    values = [abs(fx.offset(t)) for t in fx.sample_times()]
    beyond = [t for t in fx.sample_times() if abs(fx.offset(t)) > 100.0]
    assert ptp4l.offset is not None
    assert ptp4l.offset.samples == len(values) == 241
    assert ptp4l.offset.min_abs_ns == OFFSET_BASE
    assert ptp4l.offset.max_abs_ns == max(values) == 250.0
    assert ptp4l.offset.mean_abs_ns == pytest.approx(statistics.fmean(values), abs=1e-3)
    assert ptp4l.offset.p95_abs_ns == pytest.approx(statistics.quantiles(values, n=20, method="inclusive")[-1])
    assert ptp4l.offset.out_of_bounds_share == pytest.approx(len(beyond) / len(values), abs=1e-4)
    assert ptp4l.offset.first_out_of_bounds == rfc(beyond[0])
    assert ptp4l.offset_ok is False
    assert ptp4l.clock_class == 135
    assert ptp4l.clock_class_meaning is not None and "T-BC in holdover" in ptp4l.clock_class_meaning
    assert ptp4l.roles == {"ens2f0": "SLAVE"}
    assert phc.state == "LOCKED" and phc.transitions == [] and phc.offset_ok is True
    assert phc.in_state_s == fx.anchor - fx.start
    assert phc.offset is not None and phc.offset.last_ns == -5.0
    assert result.clusters[0].status == "ok" and result.answered == ["edge"]


async def test_a_tighter_window_sees_only_the_freerun_change(
    metrics: MetricsService, ptp_prometheus: PtpFixture
) -> None:
    fx = ptp_prometheus
    result = await ptp_status(
        metrics, [target(fx.url)], start=str(fx.t_holdover + 60), end=str(fx.anchor), step="15", threshold_ns=1000.0
    )
    ptp4l = result.processes[0]
    assert [t.to_state for t in ptp4l.transitions] == ["FREERUN"]
    assert ptp4l.holdover_entered_at is None
    assert ptp4l.offset_ok is True


async def test_no_ptp_series_is_a_success_that_says_what_was_searched(
    metrics: MetricsService, ptp_prometheus: PtpFixture
) -> None:
    fx = ptp_prometheus
    result = await ptp_status(metrics, [target(fx.url)], start=str(fx.start), end=str(fx.anchor), node="no-such-node")
    assert result.processes == []
    assert any("No openshift_ptp_clock_state series" in n and "no-such-node" in n for n in result.notes)


async def test_ptp_processes_are_paged_over_one_window(metrics: MetricsService, ptp_prometheus: PtpFixture) -> None:
    fx = ptp_prometheus

    async def page(cursor: str | None = None, threshold_ns: float = 100.0) -> PtpStatusResult:
        return await ptp_status(
            metrics,
            [target(fx.url)],
            start=str(fx.start),
            end=str(fx.anchor),
            step="15",
            limit=1,
            cursor=cursor,
            threshold_ns=threshold_ns,
        )

    first = await page()
    assert (first.returned, first.total, first.truncated) == (1, 2, True)
    assert first.next_cursor is not None
    second = await page(first.next_cursor)
    assert [(p.iface, p.process) for p in first.processes + second.processes] == [
        ("ens2fx", "ptp4l"),
        ("CLOCK_REALTIME", "phc2sys"),
    ]
    assert (second.start, second.end, second.next_cursor) == (first.start, first.end, None)
    with pytest.raises(ToolInputError, match="different arguments"):
        await page(first.next_cursor, threshold_ns=5.0)
