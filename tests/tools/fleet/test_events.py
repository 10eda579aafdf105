"""The in-process event bus and the events the registry publishes when a probe changes something."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.tools.fleet.builders import T0, capabilities, online_status, spec
from tools.fleet.events import FleetEvent, InProcessEventBus
from tools.fleet.models import Cluster, ClusterState, ClusterStatus, Credentials
from tools.fleet.probe import ProbeOutcome
from tools.fleet.registry import FleetRegistry
from tools.fleet.store import SqlClusterStore


class ScriptedProber:
    """Returns the scripted outcomes in order (a fake, not a mock)."""

    def __init__(self, outcomes: list[ProbeOutcome]) -> None:
        self._outcomes: Iterator[ProbeOutcome] = iter(outcomes)
        self.seen: list[tuple[str, Credentials | None]] = []

    async def probe(self, cluster: Cluster, credentials: Credentials | None) -> ProbeOutcome:
        self.seen.append((cluster.name, credentials))
        return next(self._outcomes)


def degraded() -> ClusterStatus:
    return ClusterStatus(state=ClusterState.DEGRADED, last_probe=T0, message="1/2 endpoints healthy")


def registry(store: SqlClusterStore, bus: InProcessEventBus, outcomes: list[ProbeOutcome]) -> FleetRegistry:
    return FleetRegistry(store, prober=ScriptedProber(outcomes), events=bus, clock=lambda: T0)


async def test_a_state_change_publishes_exactly_one_event(sqlite_store: SqlClusterStore) -> None:
    bus = InProcessEventBus()
    caps = capabilities(gpu=True)
    reg = registry(
        sqlite_store,
        bus,
        [ProbeOutcome(online_status(), caps), ProbeOutcome(degraded(), caps), ProbeOutcome(degraded(), caps)],
    )
    await reg.add(spec("spoke-a", api="https://api.example"))
    await reg.probe("spoke-a")  # UNKNOWN → ONLINE

    async with bus.subscribe() as sub:
        await reg.probe("spoke-a")  # ONLINE → DEGRADED, capabilities unchanged
        second = sub.pending()
        await reg.probe("spoke-a")  # DEGRADED again
        third = sub.pending()

    assert second == [FleetEvent(type="CLUSTER_STATE_CHANGED", cluster="spoke-a", old="ONLINE", new="DEGRADED", at=T0)]
    assert third == []


async def test_a_capability_change_is_published_with_both_sets(sqlite_store: SqlClusterStore) -> None:
    bus = InProcessEventBus()
    reg = registry(
        sqlite_store,
        bus,
        [
            ProbeOutcome(online_status(), capabilities(gpu=True)),
            ProbeOutcome(online_status(), capabilities(gpu=True, ptp=True)),
            ProbeOutcome(online_status(), None),  # Prometheus did not answer: no change, no event
        ],
    )
    await reg.add(spec("spoke-a", api="https://api.example"))
    async with bus.subscribe() as sub:
        await reg.probe("spoke-a")
        first = sub.pending()
        await reg.probe("spoke-a")
        second = sub.pending()
        await reg.probe("spoke-a")
        third = sub.pending()

    assert [e.type for e in first] == ["CLUSTER_STATE_CHANGED", "CLUSTER_CAPABILITIES_CHANGED"]
    assert (first[1].old, first[1].new) == ([], ["gpu"])
    assert second == [
        FleetEvent(type="CLUSTER_CAPABILITIES_CHANGED", cluster="spoke-a", old=["gpu"], new=["gpu", "ptp"], at=T0)
    ]
    assert third == []
    stored = await reg.get("spoke-a")
    assert stored.capabilities.ptp is True  # kept when the last probe detected nothing


async def test_add_and_remove_are_published(sqlite_store: SqlClusterStore) -> None:
    bus = InProcessEventBus()
    reg = FleetRegistry(sqlite_store, events=bus, clock=lambda: T0)
    async with bus.subscribe() as sub:
        await reg.add(spec("spoke-a"))
        assert await reg.remove("spoke-a") is True
        assert await reg.remove("spoke-a") is False
        events = sub.pending()
    assert [(e.type, e.cluster) for e in events] == [
        ("CLUSTER_ADDED", "spoke-a"),
        ("CLUSTER_REMOVED", "spoke-a"),
    ]


async def test_a_slow_subscriber_loses_the_oldest_events_and_counts_them() -> None:
    bus = InProcessEventBus(maxsize=2)
    async with bus.subscribe() as slow:
        for name in ("aaa", "bbb", "ccc"):
            await bus.publish(FleetEvent(type="CLUSTER_ADDED", cluster=name))
        assert slow.dropped == 1
        assert [e.cluster for e in slow.pending()] == ["bbb", "ccc"]


async def test_subscribers_receive_events_by_iteration_until_they_leave() -> None:
    bus = InProcessEventBus()
    async with bus.subscribe() as sub:
        assert bus.subscriber_count == 1
        await bus.publish(FleetEvent(type="CLUSTER_REMOVED", cluster="aaa"))
        async for event in sub:
            assert event.cluster == "aaa"
            break
    assert bus.subscriber_count == 0
    await bus.publish(FleetEvent(type="CLUSTER_REMOVED", cluster="bbb"))  # nobody listening: no error


async def test_probing_without_a_prober_is_a_programming_error(sqlite_store: SqlClusterStore) -> None:
    reg = FleetRegistry(sqlite_store)
    await reg.add(spec("spoke-a"))
    with pytest.raises(RuntimeError, match="without a prober"):
        await reg.probe("spoke-a")
