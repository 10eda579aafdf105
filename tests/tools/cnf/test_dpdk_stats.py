"""cnf DPDK stats against real Prometheus servers: one with DPDK/OVS series, one with none."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.tools.cnf.prometheus_ptp import PMD_BUSY, RX_PPS, PtpFixture
from tools.cnf.dpdk import DPDK_FAMILIES, dpdk_stats
from tools.prometheus import MetricsLimits, MetricsService
from tools.targets import BackendTarget, HttpClientPool


@pytest.fixture
async def metrics() -> AsyncIterator[MetricsService]:
    pool = HttpClientPool(timeout=10.0)
    yield MetricsService(pool, MetricsLimits())
    await pool.aclose()


async def test_present_families_are_queried_as_rates_and_pmd_utilisation(
    metrics: MetricsService, ptp_prometheus: PtpFixture
) -> None:
    result = await dpdk_stats(
        metrics, [BackendTarget(cluster="edge", backend="prometheus", base_url=ptp_prometheus.url)]
    )
    assert result.found == ["dpdk_counters_rx_packets", "ovs_pmd_processing_cycles"]
    rx, pmd = result.families
    assert rx.top[0].labels["port"] == "0000:3b:02.1"
    assert rx.top[0].value == pytest.approx(RX_PPS, rel=1e-6)
    assert pmd.top[0].labels == {"cpu": "2", "numa": "0"}
    assert pmd.top[0].value == pytest.approx(PMD_BUSY, rel=1e-6)


async def test_absent_metrics_are_a_success_naming_every_metric_searched_on_every_cluster(
    metrics: MetricsService, empty_prometheus: str
) -> None:
    targets = [BackendTarget(cluster=c, backend="prometheus", base_url=empty_prometheus) for c in ("ran-a", "ran-b")]
    result = await dpdk_stats(metrics, targets)
    assert result.families == [] and result.found == []
    assert result.searched == [f.name for f in DPDK_FAMILIES]
    note = next(n for n in result.notes if n.startswith("No DPDK"))
    assert "ran-a, ran-b" in note
    for family in DPDK_FAMILIES:
        assert family.name in note
    assert [c.status for c in result.clusters] == ["ok", "ok"]
