"""The CNF service against the simulated fleet: what product code sees on a real Prometheus and the sim's API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from servers.sim.fleet import SimCluster
from tools.cnf import CnfService
from tools.kubernetes import KubeLimits
from tools.prometheus import MetricsLimits, MetricsService
from tools.targets import BackendTarget, HttpClientPool

pytestmark = pytest.mark.integration


@pytest.fixture
async def service() -> AsyncIterator[CnfService]:
    pool = HttpClientPool(timeout=10.0)
    yield CnfService(MetricsService(pool, MetricsLimits()), pool, KubeLimits(response_max_bytes=40_000))
    await pool.aclose()


def targets(fleet: list[SimCluster], backend: str) -> list[BackendTarget]:
    key = "prometheus" if backend == "prometheus" else "api"
    return [BackendTarget(cluster=c.name, backend=backend, base_url=c.endpoints[key]) for c in fleet]


async def test_the_sim_du_follower_shows_holdover_then_freerun_first(
    service: CnfService, sim_fleet: list[SimCluster]
) -> None:
    result = await service.ptp_status(targets(sim_fleet, "prometheus"), start="now-2h")
    assert all(c.status == "ok" for c in result.clusters)
    first = result.processes[0]
    assert (first.process, first.state) == ("ptp4l", "FREERUN")
    assert [t.to_state for t in first.transitions] == ["HOLDOVER", "FREERUN"]
    assert first.holdover_entered_at is not None
    assert first.state_since is not None
    assert first.holdover_entered_at < first.state_since
    assert first.offset is not None and first.offset_ok is False and first.offset.max_abs_ns > 1000
    assert first.roles and set(first.roles.values()) == {"SLAVE"}
    assert all(p.state == "LOCKED" for p in result.processes[1:])


async def test_the_sim_sriov_state_and_telco_workloads_read_cleanly(
    service: CnfService, sim_fleet: list[SimCluster]
) -> None:
    sriov = await service.sriov_status(targets(sim_fleet, "api"))
    assert sriov.nodes and all(n.sync_status == "Succeeded" and not n.problems for n in sriov.nodes)
    assert sriov.mismatches == []
    workloads = await service.list_workloads(targets(sim_fleet, "api"))
    functions = {w.function for w in workloads.workloads}
    assert "vDU" in functions
    assert all(w.ptp for w in workloads.workloads if w.function == "vDU")
