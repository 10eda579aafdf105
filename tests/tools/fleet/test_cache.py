"""The registry's in-memory fleet: no query and no decryption per call, local writes seen at once, other replicas'
writes seen within the refresh bound. Every test runs on SQLite and on Postgres (``store_case``); a second
``SqlClusterStore`` on the same database plays another replica, and time is an injected clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.tools.fleet.builders import T0, TOKEN, CountingCipher, online_status, spec, token_credentials
from tests.tools.fleet.conftest import StoreCase
from tools.errors import UnknownClusterError
from tools.fleet.cache import DEFAULT_MAX_AGE_S, DEFAULT_REFRESH_AFTER_S, FleetCache
from tools.fleet.crypto import CredentialCipher
from tools.fleet.models import Cluster, ClusterState, Credentials
from tools.fleet.probe import ProbeOutcome
from tools.fleet.registry import FleetRegistry
from tools.fleet.store import SqlClusterStore, StoredFleet


class Clock:
    """Monotonic seconds, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Replica:
    """A registry with its own store on the shared database, and what it asked the database."""

    registry: FleetRegistry
    store: SqlClusterStore
    statements: list[str]


def replica(url: str, cipher: CredentialCipher, clock: Clock) -> Replica:
    store = SqlClusterStore(url, cipher)
    statements: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    return Replica(FleetRegistry(store, clock=lambda: T0, monotonic=clock), store, statements)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def counting(key: bytes) -> CountingCipher:
    return CountingCipher(key)


@pytest.fixture
def pair(
    store_case: StoreCase, key: bytes, counting: CountingCipher, clock: Clock
) -> Iterator[tuple[Replica, Replica]]:
    """Two replicas on one database with the same key; the first counts its decryptions."""
    a, b = replica(store_case.url, counting, clock), replica(store_case.url, CredentialCipher(key), clock)
    try:
        yield a, b
    finally:
        a.store.close()
        b.store.close()


async def prometheus_urls(registry: FleetRegistry) -> dict[str, str]:
    targets, _ = await registry.targets(await registry.select(), "prometheus")
    return {t.cluster: t.base_url for t in targets}


async def test_tool_calls_in_the_steady_state_query_no_database_and_decrypt_nothing(
    pair: tuple[Replica, Replica], counting: CountingCipher, clock: Clock
) -> None:
    a, _ = pair
    await a.registry.add(spec("spoke-a", prometheus="https://prom.a.example"), token_credentials())
    await a.registry.add(spec("spoke-b", prometheus="https://prom.b.example"))
    await prometheus_urls(a.registry)
    a.statements.clear()

    for _ in range(50):
        targets, missing = await a.registry.targets(await a.registry.select(names=["spoke-a"]), "prometheus")
        clock.now += DEFAULT_REFRESH_AFTER_S / 100

    assert a.statements == []
    assert counting.decryptions == 1
    assert missing == []
    assert targets[0].auth.headers() == {"Authorization": f"Bearer {TOKEN}"}

    clock.now += DEFAULT_REFRESH_AFTER_S  # due for a check: one small query, no reload, no decryption
    await a.registry.select()
    await a.registry.select()
    assert len(a.statements) == 1
    assert "fleet_revision" in a.statements[0]
    assert counting.decryptions == 1


async def test_a_change_through_another_replica_shows_within_the_refresh_bound(
    pair: tuple[Replica, Replica], clock: Clock
) -> None:
    a, b = pair
    await a.registry.add(spec("spoke-a", prometheus="https://old.example"))
    assert await prometheus_urls(b.registry) == {"spoke-a": "https://old.example"}

    await a.registry.update_spec(spec("spoke-a", prometheus="https://new.example"))
    clock.now += DEFAULT_REFRESH_AFTER_S - 0.1
    assert await prometheus_urls(b.registry) == {"spoke-a": "https://old.example"}  # within the bound: may lag
    clock.now += 0.1
    assert await prometheus_urls(b.registry) == {"spoke-a": "https://new.example"}

    await a.registry.set_credentials("spoke-a", token_credentials())
    clock.now += DEFAULT_REFRESH_AFTER_S
    targets, _ = await b.registry.targets(await b.registry.select(), "prometheus")
    assert targets[0].auth.headers() == {"Authorization": f"Bearer {TOKEN}"}


async def test_a_removal_through_another_replica_shows_within_the_refresh_bound(
    pair: tuple[Replica, Replica], clock: Clock
) -> None:
    a, b = pair
    await a.registry.add(spec("spoke-a"))
    await a.registry.add(spec("spoke-b"))
    assert [c.name for c in await b.registry.list()] == ["spoke-a", "spoke-b"]

    assert await a.registry.remove("spoke-a") is True
    clock.now += DEFAULT_REFRESH_AFTER_S

    assert [c.name for c in await b.registry.list()] == ["spoke-b"]
    with pytest.raises(UnknownClusterError, match=r"Unknown cluster\(s\): spoke-a\..*Known clusters: spoke-b\."):
        await b.registry.select(names=["spoke-a"])


async def test_a_cluster_added_by_another_replica_can_be_named_at_once(pair: tuple[Replica, Replica]) -> None:
    a, b = pair
    await a.registry.add(spec("spoke-a"))
    assert [c.name for c in await b.registry.list()] == ["spoke-a"]

    await a.registry.add(spec("spoke-b", prometheus="https://prom.b.example"))

    # No time passed, but an unknown name makes the replica check the database before saying "unknown".
    assert [c.name for c in await b.registry.select(names=["spoke-b"])] == ["spoke-b"]
    assert (await b.registry.get("spoke-b")).endpoints.prometheus == "https://prom.b.example"


async def test_this_process_sees_its_own_update_and_remove_at_once(pair: tuple[Replica, Replica]) -> None:
    a, _ = pair
    await a.registry.add(spec("spoke-a", prometheus="https://old.example"))
    await a.registry.add(spec("spoke-b", prometheus="https://prom.b.example"))
    assert (await prometheus_urls(a.registry))["spoke-a"] == "https://old.example"

    await a.registry.update_spec(spec("spoke-a", prometheus="https://new.example", labels={"site": "lon"}))
    targets, _ = await a.registry.targets(await a.registry.select(labels={"site": "lon"}), "prometheus")
    assert [(t.cluster, t.base_url, t.labels) for t in targets] == [("spoke-a", "https://new.example", {"site": "lon"})]

    await a.registry.set_credentials("spoke-a", token_credentials("fresh-token"))
    targets, _ = await a.registry.targets(await a.registry.select(names=["spoke-a"]), "prometheus")
    assert targets[0].auth.headers() == {"Authorization": "Bearer fresh-token"}

    await a.registry.remove("spoke-a")
    assert [c.name for c in await a.registry.list()] == ["spoke-b"]
    with pytest.raises(UnknownClusterError, match=r"Unknown cluster\(s\): spoke-a\..*Known clusters: spoke-b\."):
        await a.registry.get("spoke-a")


async def test_unknown_cluster_errors_name_the_unknown_and_list_the_known(pair: tuple[Replica, Replica]) -> None:
    a, _ = pair
    await a.registry.add(spec("spoke-a"))
    await a.registry.add(spec("spoke-b"))
    await a.registry.list()

    with pytest.raises(UnknownClusterError) as caught:
        await a.registry.select(names=["nope-1", "spoke-a", "nope-2", "nope-1"])
    assert caught.value.names == ["nope-1", "nope-2"]
    assert "Known clusters: spoke-a, spoke-b." in str(caught.value.hint)


async def test_credentials_are_decrypted_once_per_process(
    pair: tuple[Replica, Replica], counting: CountingCipher
) -> None:
    a, _ = pair
    await a.registry.add(spec("spoke-a", prometheus="https://prom.a.example"), token_credentials())
    for _ in range(20):
        await prometheus_urls(a.registry)
    assert counting.decryptions == 1

    await a.registry.update_spec(spec("spoke-a", prometheus="https://prom2.a.example"))  # reloads the fleet...
    assert await prometheus_urls(a.registry) == {"spoke-a": "https://prom2.a.example"}
    assert counting.decryptions == 1  # ...but the token did not change: not decrypted again

    await a.registry.set_credentials("spoke-a", Credentials(bearer_token=token_credentials("t2").bearer_token))
    await prometheus_urls(a.registry)
    assert counting.decryptions == 2


class ScriptedProber:
    """Returns the outcomes it is given, in order."""

    def __init__(self, *outcomes: ProbeOutcome) -> None:
        self.outcomes = list(outcomes)

    async def probe(self, cluster: Cluster, credentials: Credentials | None) -> ProbeOutcome:
        return self.outcomes.pop(0)


async def test_a_probe_result_shows_at_once_here_and_within_the_bounds_elsewhere(
    store_case: StoreCase, key: bytes, clock: Clock
) -> None:
    later = T0 + timedelta(seconds=30)
    prober = ScriptedProber(
        ProbeOutcome(online_status(T0, "api"), None), ProbeOutcome(online_status(later, "api"), None)
    )
    a = replica(store_case.url, CredentialCipher(key), clock)
    b = replica(store_case.url, CredentialCipher(key), clock)
    try:
        a.registry = FleetRegistry(a.store, prober=prober, monotonic=clock)
        await a.registry.add(spec("spoke-a", api="https://api.example"))
        assert (await b.registry.get("spoke-a")).status.state is ClusterState.UNKNOWN

        await a.registry.probe("spoke-a")
        a.statements.clear()
        assert (await a.registry.get("spoke-a")).status.state is ClusterState.ONLINE  # at once, no reload
        assert a.statements == []
        clock.now += DEFAULT_REFRESH_AFTER_S
        assert (await b.registry.get("spoke-a")).status.state is ClusterState.ONLINE  # state changed: within 2 s

        await a.registry.probe("spoke-a")  # same conclusion, newer time: no revision bump
        assert (await a.registry.get("spoke-a")).status.last_probe == later
        clock.now += DEFAULT_REFRESH_AFTER_S
        assert (await b.registry.get("spoke-a")).status.last_probe == T0
        clock.now += DEFAULT_MAX_AGE_S
        assert (await b.registry.get("spoke-a")).status.last_probe == later  # bounded by max_age
    finally:
        a.store.close()
        b.store.close()


async def test_the_view_never_shows_credentials(store_case: StoreCase) -> None:
    store_case.store.add(spec("spoke-a", prometheus="https://prom.example"), token_credentials())
    view = await FleetCache(store_case.store).view()
    target = view.target(view.clusters[0], "prometheus")
    assert target is not None
    assert target.auth.bearer_token == TOKEN
    assert TOKEN not in repr(view)
    assert TOKEN not in repr(view.stored)
    assert TOKEN not in repr(target)


class FlakyStore(SqlClusterStore):
    """A real store whose database can be made unreachable for reads."""

    down = False

    def revision(self) -> int:
        if self.down:
            raise sa.exc.OperationalError("SELECT revision", {}, ConnectionRefusedError("database is down"))
        return super().revision()

    def snapshot(self) -> StoredFleet:
        if self.down:
            raise sa.exc.OperationalError("SELECT clusters", {}, ConnectionRefusedError("database is down"))
        return super().snapshot()


async def test_an_unreachable_database_keeps_the_last_view_and_is_asked_once_per_interval(
    store_case: StoreCase, key: bytes, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    flaky = FlakyStore(store_case.url, CredentialCipher(key))
    try:
        registry = FleetRegistry(flaky, monotonic=clock)
        await registry.add(spec("spoke-a", prometheus="https://prom.a.example"))
        assert await prometheus_urls(registry) == {"spoke-a": "https://prom.a.example"}

        flaky.down = True
        clock.now += DEFAULT_MAX_AGE_S  # due for a check, and for a reload
        with caplog.at_level("WARNING", logger="tools.fleet.cache"):
            assert await prometheus_urls(registry) == {"spoke-a": "https://prom.a.example"}
            assert await prometheus_urls(registry) == {"spoke-a": "https://prom.a.example"}
        assert len(caplog.records) == 1  # asked once, not on every call
        assert "OperationalError" in caplog.text and "database is down" not in caplog.text

        flaky.down = False
        store_case.store.update_spec(spec("spoke-a", prometheus="https://prom2.a.example"))  # another writer
        clock.now += DEFAULT_REFRESH_AFTER_S
        assert await prometheus_urls(registry) == {"spoke-a": "https://prom2.a.example"}
    finally:
        flaky.close()


async def test_without_a_view_an_unreachable_database_is_an_error(store_case: StoreCase, key: bytes) -> None:
    flaky = FlakyStore(store_case.url, CredentialCipher(key))
    try:
        flaky.down = True
        with pytest.raises(sa.exc.OperationalError):
            await FleetRegistry(flaky).list()
    finally:
        flaky.close()
