"""The probe scheduler: the pure due rule by cluster type, and a run that survives a failing probe."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from tools.fleet.models import Cluster, ClusterSpec, ClusterType
from tools.fleet.scheduler import ProbeScheduler, due_clusters

NOW = datetime(2026, 11, 20, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cluster_type", "seconds_since_last", "due"),
    [
        (ClusterType.HUB, 14.9, False),
        (ClusterType.HUB, 15, True),
        (ClusterType.SPOKE, 29, False),
        (ClusterType.SPOKE, 30, True),
        (ClusterType.EDGE, 59, False),
        (ClusterType.EDGE, 60, True),
        (ClusterType.FAR_EDGE, 119, False),
        (ClusterType.FAR_EDGE, 120, True),
        (ClusterType.FAR_EDGE, None, True),  # never probed
    ],
)
def test_a_cluster_is_due_once_its_type_interval_has_passed(
    cluster_type: ClusterType, seconds_since_last: float | None, due: bool
) -> None:
    now = 1000.0
    last = {} if seconds_since_last is None else {"c-1": now - seconds_since_last}
    assert due_clusters({"c-1": cluster_type}, last, now) == (["c-1"] if due else [])


def test_a_cluster_whose_probe_is_running_is_not_due() -> None:
    types = {"a-1": ClusterType.HUB, "b-1": ClusterType.HUB}
    assert due_clusters(types, {}, 0.0, running={"a-1"}) == ["b-1"]


class FakeFleet:
    """Two clusters; probing ``bad-1`` raises. Records every probe."""

    def __init__(self) -> None:
        self.clusters = [self._cluster("bad-1", ClusterType.HUB), self._cluster("good-1", ClusterType.SPOKE)]
        self.probed: list[str] = []
        self.both_probed = asyncio.Event()
        self.bad_probed_twice = asyncio.Event()

    @staticmethod
    def _cluster(name: str, cluster_type: ClusterType) -> Cluster:
        spec = ClusterSpec(name=name, type=cluster_type)
        return Cluster(**spec.model_dump(), created_at=NOW, updated_at=NOW)

    async def list(self) -> list[Cluster]:
        return list(self.clusters)

    async def probe(self, name: str) -> Cluster:
        self.probed.append(name)
        if len(set(self.probed)) == len(self.clusters):
            self.both_probed.set()
        if self.probed.count("bad-1") == 2:
            self.bad_probed_twice.set()
        if name == "bad-1":
            raise ConnectionError("database gone")
        return next(c for c in self.clusters if c.name == name)


async def test_run_probes_each_due_cluster_and_survives_a_failing_one() -> None:
    fleet = FakeFleet()
    clock = [0.0]
    scheduler = ProbeScheduler(fleet, now=lambda: clock[0], tick_seconds=0.001)
    stop = asyncio.Event()

    async with asyncio.timeout(5):
        runner = asyncio.create_task(scheduler.run(stop))
        await fleet.both_probed.wait()
        assert scheduler.due(clock[0]) == []  # both just started: nothing due at the same instant
        clock[0] = 15.0  # the HUB interval has passed, the SPOKE one has not
        assert scheduler.due(clock[0]) == ["bad-1"]
        await fleet.bad_probed_twice.wait()
        stop.set()
        await runner

    assert fleet.probed.count("good-1") == 1
    assert fleet.probed.count("bad-1") == 2


async def test_a_removed_cluster_is_forgotten() -> None:
    fleet = FakeFleet()
    scheduler = ProbeScheduler(fleet, now=lambda: 0.0)
    assert await scheduler.tick() == ["bad-1", "good-1"]
    await scheduler.drain()
    fleet.clusters = fleet.clusters[1:]
    assert await scheduler.tick() == []
    assert scheduler.due(0.0) == []
    fleet.clusters.append(FakeFleet._cluster("bad-1", ClusterType.HUB))
    assert await scheduler.tick() == ["bad-1"]  # re-added: probed at once
