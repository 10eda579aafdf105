"""GpuService against a REAL Prometheus holding known DCGM series (tests/tools/gpu/conftest.py).

Every expected number is computed here from the fixture's GPU specs, not copied from the tool's output.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fixtures.sim import PrometheusFixture
from tests.tools.gpu.dcgm_fixture import CLUSTER, GpuFixture, GpuSpec
from tools.gpu import GpuService
from tools.prometheus import MetricsLimits, MetricsService, to_json
from tools.targets import BackendTarget, HttpClientPool
from tools.timespec import format_rfc3339

pytestmark = pytest.mark.integration


@pytest.fixture
async def service() -> AsyncIterator[GpuService]:
    pool = HttpClientPool(timeout=10.0)
    yield GpuService(MetricsService(pool, MetricsLimits()))
    await pool.aclose()


@pytest.fixture
def target(gpu_fixture: GpuFixture) -> list[BackendTarget]:
    return [BackendTarget(cluster="gpu", backend="prometheus", base_url=gpu_fixture.url)]


def _spec(fx: GpuFixture, node: str, gpu: str) -> GpuSpec:
    return next(g for g in fx.gpus if g.node == node and g.gpu == gpu)


async def test_fleet_summary_counts_models_allocation_use_and_health(
    service: GpuService, target: list[BackendTarget], gpu_fixture: GpuFixture
) -> None:
    fx = gpu_fixture
    result = await service.fleet_summary(target, time=str(fx.anchor))
    (totals,) = result.per_cluster
    assert totals.cluster == "gpu"
    assert totals.gpus == len(fx.gpus)
    assert totals.nodes == len({g.node for g in fx.gpus})
    models: dict[str, int] = {}
    for g in fx.gpus:
        models[g.model] = models.get(g.model, 0) + 1
    assert totals.models == models
    utils = [g.util for g in fx.gpus if g.util is not None]
    assert totals.util_mean_pct == pytest.approx(sum(utils) / len(utils), abs=0.05)
    assert totals.util_peak_pct == max(utils)
    # busy = GPU_UTIL or (for MIG GPUs) the busiest instance's engine activity reached 5 %
    peaks = [g.util if g.util is not None else 100 * max(m[3] for m in g.mig) for g in fx.gpus]
    assert totals.used == sum(1 for p in peaks if p >= 5.0)
    held = [g.pods or g.mig for g in fx.gpus]
    assert totals.idle_allocated == sum(1 for h, p in zip(held, peaks, strict=True) if h and p < 5.0)
    fb_used = sum(g.fb_used + sum(m[4] for m in g.mig) for g in fx.gpus)
    fb_total = fb_used + sum(g.fb_free + sum(40000.0 - m[4] for m in g.mig) for g in fx.gpus)
    assert (totals.fb_used_mib, totals.fb_total_mib) == (fb_used, fb_total)
    assert totals.power_w == sum(g.power for g in fx.gpus)
    assert totals.xid_gpus == sum(1 for g in fx.gpus if g.xid(fx.anchor) != 0)
    assert totals.throttled_gpus == sum(1 for g in fx.gpus if int(g.throttle(fx.anchor)) & 0xEC)
    assert totals.hot_gpus == sum(1 for g in fx.gpus if g.temp(fx.anchor) > 85)
    node_b = next(n for n in result.nodes if n.node == "gpu-node-b")
    assert node_b.allocated == 2  # kube-state-metrics requests 2; the DCGM pod labels show 2 GPUs held
    assert [n.node for n in result.nodes] == ["gpu-node-a", "gpu-node-b"]  # busiest first
    assert result.clusters[0].status == "ok"


async def test_list_nodes_reports_each_gpu_state_with_power_limit_and_mig(
    service: GpuService, target: list[BackendTarget], gpu_fixture: GpuFixture
) -> None:
    fx = gpu_fixture
    result = await service.list_nodes(target, time=str(fx.anchor))
    assert [(g.node, g.gpu) for g in result.gpus] == sorted((g.node, g.gpu) for g in fx.gpus)
    for status in result.gpus:
        spec = _spec(fx, status.node, status.gpu)
        assert status.model == spec.model
        assert status.util_pct == spec.util
        assert status.temp_c == spec.temp(fx.anchor)
        assert status.memory_temp_c == spec.temp(0) + 5.0
        assert status.power_w == spec.power
        assert status.power_limit_w == fx.power_limit
        assert status.power_pct_of_limit == round(100 * spec.power / fx.power_limit, 1)
        assert status.sm_clock_mhz == spec.sm_clock
        assert status.fb_used_mib == spec.fb_used + sum(m[4] for m in spec.mig)
        assert status.mig_instances == ([f"{m[0]}:{m[1]}" for m in spec.mig] or None)
        expected_pods = sorted({f"{ns}/{p}" for ns, p in spec.pods} | {f"ml/{m[2]}" for m in spec.mig})
        assert status.pods == (expected_pods or None)
    one = await service.list_nodes(target, node="gpu-node-b", time=str(fx.anchor))
    assert {g.node for g in one.gpus} == {"gpu-node-b"}


async def test_list_nodes_reports_profiling_pcie_and_nvlink_fields_where_exported(
    service: GpuService, target: list[BackendTarget], gpu_fixture: GpuFixture
) -> None:
    fx = gpu_fixture
    result = await service.list_nodes(target, time=str(fx.anchor))
    for status in result.gpus:
        spec = _spec(fx, status.node, status.gpu)
        mig_sm = max((m[3] for m in spec.mig), default=None)
        sm = spec.prof.get("SM_ACTIVE", mig_sm)
        assert status.sm_active_pct == (None if sm is None else round(100 * sm, 1)), status
        dram = spec.prof.get("DRAM_ACTIVE")
        assert status.dram_active_pct == (None if dram is None else round(100 * dram, 1)), status
        for name, got in (
            ("PCIE_TX_BYTES", status.pcie_tx_mb_s),
            ("PCIE_RX_BYTES", status.pcie_rx_mb_s),
            ("NVLINK_TX_BYTES", status.nvlink_tx_mb_s),
            ("NVLINK_RX_BYTES", status.nvlink_rx_mb_s),
        ):
            value = spec.prof.get(name)
            assert got == (None if value is None else round(value / 1e6, 1)), (status.node, status.gpu, name)
        if spec.pcie_replays_per_min:
            # increase() over the 5 min window of a counter growing at a constant slope
            assert status.pcie_replays == pytest.approx(5 * spec.pcie_replays_per_min, abs=0.5)
        else:
            assert status.pcie_replays is None
    # no GPU of the fixture exports the memory clock: the note names what is missing, nothing is invented
    assert all(s.mem_clock_mhz is None for s in result.gpus)
    assert not any("Not exported" in n for n in result.notes)
    node_b = await service.list_nodes(target, node="gpu-node-b", time=str(fx.anchor))
    missing = next(n for n in node_b.notes if n.startswith("Not exported"))
    assert "DCGM_FI_PROF_NVLINK_TX_BYTES" in missing and "DCGM_FI_PROF_NVLINK_RX_BYTES" in missing
    assert "DCGM_FI_PROF_SM_ACTIVE" not in missing


async def test_health_decodes_xid_79_and_thermal_throttling_with_start_times(
    service: GpuService, target: list[BackendTarget], gpu_fixture: GpuFixture
) -> None:
    fx = gpu_fixture
    result = await service.health(target, time=str(fx.anchor))
    xid = [f for f in result.findings if f.kind == "xid"]
    assert [(f.node, f.gpu, f.xid, f.severity, f.started) for f in xid] == [
        ("gpu-node-a", "0", 79, "critical", format_rfc3339(fx.xid_start))
    ]
    assert "fallen off the bus" in xid[0].summary
    thermal = next(f for f in result.findings if f.kind == "thermal")
    assert (thermal.node, thermal.gpu, thermal.started, thermal.value) == (
        "gpu-node-a", "1", format_rfc3339(fx.hot_start), 90.0,
    )  # fmt: skip
    throttle = next(f for f in result.findings if f.kind == "throttle")
    assert (throttle.node, throttle.gpu, throttle.reasons, throttle.started) == (
        "gpu-node-a", "1", ["HW_THERMAL_SLOWDOWN"], format_rfc3339(fx.hot_start),
    )  # fmt: skip
    # idle (0x1) on gpu-node-b/1 is not a problem: no throttle finding for it
    assert {(f.node, f.gpu) for f in result.findings} == {("gpu-node-a", "0"), ("gpu-node-a", "1")}
    assert result.findings[0].severity == "critical"
    assert (result.gpus_checked, result.healthy_gpus) == (4, 2)


async def test_health_flags_conditions_older_than_the_window(
    service: GpuService, target: list[BackendTarget], gpu_fixture: GpuFixture
) -> None:
    fx = gpu_fixture
    result = await service.health(target, time=str(fx.anchor), window="10m")
    xid = next(f for f in result.findings if f.kind == "xid")
    assert xid.since_before_window is True
    assert xid.started == format_rfc3339(fx.anchor - 600)


async def test_workloads_find_idle_allocated_and_oversubscribed_gpus(
    service: GpuService, target: list[BackendTarget], gpu_fixture: GpuFixture
) -> None:
    fx = gpu_fixture
    result = await service.workloads(target, time=str(fx.anchor))
    by_pod = {w.pod: w for w in result.workloads}
    expected_pods = {p for g in fx.gpus for _, p in g.pods} | {m[2] for g in fx.gpus for m in g.mig}
    assert set(by_pod) == expected_pods
    idle = {p for g in fx.gpus for _, p in g.pods if g.util == 0.0} | {
        m[2] for g in fx.gpus for m in g.mig if m[3] == 0
    }
    assert {w.pod for w in result.workloads if w.idle} == idle
    assert result.idle_allocated == len(idle)
    assert by_pod["serve-0"].shares_gpu_with == ["ml/serve-1"]
    assert by_pod["trainer-0"].shares_gpu_with is None
    assert by_pod["mig-a"].shares_gpu_with is None  # MIG instances are not over-subscription
    assert result.oversubscribed_gpus == sum(1 for g in fx.gpus if len(g.pods) > 1)
    assert by_pod["trainer-0"].util_mean_pct == 90.0
    assert by_pod["mig-a"].gr_active_peak_pct == 60.0
    assert (by_pod["trainer-0"].sm_active_peak_pct, by_pod["idle-0"].sm_active_peak_pct) == (85.0, 0.0)
    assert result.workloads[0].idle
    only_ns = await service.workloads(target, time=str(fx.anchor), namespace="other")
    assert only_ns.workloads == []


async def test_mig_layout_lists_instances_profiles_and_use(
    service: GpuService, target: list[BackendTarget], gpu_fixture: GpuFixture
) -> None:
    fx = gpu_fixture
    result = await service.mig_layout(target, time=str(fx.anchor))
    mig_specs = [g for g in fx.gpus if g.mig]
    assert [(g.node, g.gpu) for g in result.gpus] == [(g.node, g.gpu) for g in mig_specs]
    (gpu,) = result.gpus
    spec = mig_specs[0]
    assert gpu.profiles == {m[1]: 1 for m in spec.mig}
    assert [(i.gpu_instance_id, i.profile, i.pod, i.gr_active_pct, i.gr_active_mean_pct, i.fb_used_mib)
            for i in gpu.instances] == [
        (m[0], m[1], f"ml/{m[2]}", 100 * m[3], 100 * m[3], m[4]) for m in spec.mig
    ]  # fmt: skip


async def test_cluster_without_dcgm_data_says_so_and_invents_no_gpu(
    service: GpuService, prometheus_fixture: PrometheusFixture
) -> None:
    empty = [BackendTarget(cluster="plain", backend="prometheus", base_url=prometheus_fixture.url)]
    result = await service.fleet_summary(empty, time=str(prometheus_fixture.anchor.timestamp()))
    assert result.per_cluster == [] and result.nodes == []
    assert any("no GPU telemetry found (searched DCGM_FI_DEV_GPU_UTIL on plain)" in n for n in result.notes)
    health = await service.health(empty, time=str(prometheus_fixture.anchor.timestamp()))
    assert health.findings == [] and health.gpus_checked == 0


async def test_pages_of_gpus_chain_through_the_cursor(
    service: GpuService, target: list[BackendTarget], gpu_fixture: GpuFixture
) -> None:
    fx = gpu_fixture
    first = await service.list_nodes(target, time=str(fx.anchor), limit=3)
    assert first.truncated and first.total == 4 and first.returned == 3
    second = await service.list_nodes(target, time=str(fx.anchor), limit=3, cursor=first.next_cursor)
    assert [(g.node, g.gpu) for g in first.gpus + second.gpus] == sorted((g.node, g.gpu) for g in fx.gpus)
    assert second.next_cursor is None


async def test_small_response_cap_still_reads_every_gpu_and_keeps_answers_under_it(gpu_fixture: GpuFixture) -> None:
    fx = gpu_fixture
    cap = 2_500
    pool = HttpClientPool(timeout=10.0)
    try:
        small = GpuService(MetricsService(pool, MetricsLimits(response_max_bytes=cap)))
        target = [BackendTarget(cluster="gpu", backend="prometheus", base_url=fx.url)]
        seen: list[tuple[str, str]] = []
        cursor: str | None = None
        for _ in range(len(fx.gpus) + 1):
            page = await small.list_nodes(target, time=str(fx.anchor), cursor=cursor)
            assert len(to_json(page).encode()) <= cap
            seen += [(g.node, g.gpu) for g in page.gpus]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert seen == sorted((g.node, g.gpu) for g in fx.gpus)
        summary = await small.fleet_summary(target, time=str(fx.anchor))
        assert len(to_json(summary).encode()) <= cap
        assert summary.per_cluster[0].gpus == len(fx.gpus)  # every GPU counted although each query page is small
    finally:
        await pool.aclose()


async def test_global_view_attributes_gpus_to_clusters_by_their_cluster_label(gpu_fixture: GpuFixture) -> None:
    fx = gpu_fixture
    pool = HttpClientPool(timeout=10.0)
    try:
        querier = BackendTarget(cluster="global", backend="thanos", base_url=fx.url)
        service = GpuService(MetricsService(pool, MetricsLimits(), global_view=querier))
        selected = [BackendTarget(cluster=c, backend="thanos", base_url=fx.url) for c in (CLUSTER, "other")]
        summary = await service.fleet_summary(selected, time=str(fx.anchor))
        assert [(t.cluster, t.gpus) for t in summary.per_cluster] == [(CLUSTER, len(fx.gpus))]
        health = await service.health(selected, time=str(fx.anchor))
        assert {f.cluster for f in health.findings} == {CLUSTER}
    finally:
        await pool.aclose()
