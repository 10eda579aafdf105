"""The collector reads every page of an instant query and merges per-cluster outcomes (real Prometheus)."""

from __future__ import annotations

import pytest

from tests.tools.gpu.dcgm_fixture import GpuFixture
from tools.errors import BackendError
from tools.gpu.collect import Collector
from tools.prometheus import MetricsLimits, MetricsService
from tools.targets import BackendTarget, HttpClientPool

pytestmark = pytest.mark.integration


async def test_collector_pages_through_capped_answers_and_keeps_full_labels(gpu_fixture: GpuFixture) -> None:
    fx = gpu_fixture
    pool = HttpClientPool(timeout=10.0)
    try:
        metrics = MetricsService(pool, MetricsLimits(response_max_bytes=1_000))
        target = [BackendTarget(cluster="gpu", backend="prometheus", base_url=fx.url)]
        first = await metrics.query(target, "DCGM_FI_DEV_GPU_TEMP", time=fx.anchor, top_k=500)
        assert first.truncated  # one page cannot hold every series at this cap
        rows = await Collector(metrics, target, fx.anchor).instant("DCGM_FI_DEV_GPU_TEMP")
        expected = sum(max(len(g.pods), 1) for g in fx.gpus)  # one series per pod holding the GPU
        assert len(rows) == expected
        assert all(r.labels["__name__"] == "DCGM_FI_DEV_GPU_TEMP" and "Hostname" in r.labels for r in rows)
    finally:
        await pool.aclose()


async def test_one_dead_cluster_is_reported_and_optional_failures_become_notes(gpu_fixture: GpuFixture) -> None:
    pool = HttpClientPool(timeout=5.0)
    try:
        metrics = MetricsService(pool, MetricsLimits(cluster_timeout_s=2.0, query_timeout_s=1.5))
        live = BackendTarget(cluster="gpu", backend="prometheus", base_url=gpu_fixture.url)
        dead = BackendTarget(cluster="dead", backend="prometheus", base_url="http://127.0.0.1:9")
        collector = Collector(metrics, [live, dead], gpu_fixture.anchor)
        rows = await collector.instant("max by (Hostname, gpu) (DCGM_FI_DEV_GPU_TEMP)")
        assert {r.cluster for r in rows} == {"gpu"}
        assert {c: o.status for c, o in collector.outcomes.items()} == {"gpu": "ok", "dead": "error"}
        assert collector.answered == ["gpu"]
        only_dead = Collector(metrics, [dead], gpu_fixture.anchor)
        assert await only_dead.instant("up", optional=True) == []
        assert "Optional query failed everywhere" in only_dead.notes[0]
        with pytest.raises(BackendError):
            await only_dead.instant("up")
    finally:
        await pool.aclose()
