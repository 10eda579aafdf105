"""The session-store suite: every test runs on SQLite and on Postgres (see ``db_url`` in conftest)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import SQLModel

from agents.sessions import (
    SessionExpiredError,
    SessionFullError,
    SessionNotFoundError,
    SessionStore,
)
from tests.agents.sessions.conftest import START, FakeClock


def test_a_created_session_is_returned_by_get(store: SessionStore) -> None:
    created = store.create("alice", "Why is spoke-a degraded?", "sre", ["spoke-a", "hub"], ttl_s=3600)

    assert store.get(created.id, "alice") == created
    assert len(created.id) == 32
    assert int(created.id, 16) >= 0  # a uuid4 hex string
    assert (created.owner, created.title, created.persona) == ("alice", "Why is spoke-a degraded?", "sre")
    assert created.clusters == ("spoke-a", "hub")
    assert created.created_at == created.updated_at == START
    assert created.created_at.tzinfo is not None
    assert created.expires_at == START + timedelta(hours=1)
    assert created.message_count == 0


def test_a_long_first_question_is_stored_as_an_80_character_title(store: SessionStore) -> None:
    created = store.create("alice", "why " * 50)
    assert len(store.get(created.id, "alice").title) <= 80
    assert created.persona is None
    assert created.clusters == ()


def test_list_returns_the_owners_sessions_most_recently_active_first(store: SessionStore, clock: FakeClock) -> None:
    first = store.create("alice", "first")
    clock.advance(10)
    second = store.create("alice", "second")
    clock.advance(10)
    store.create("bob", "bob's")
    clock.advance(10)
    store.record_messages(first.id, 2)  # activity moves the first session to the top

    assert [s.title for s in store.list("alice")] == ["first", "second"]
    assert [s.id for s in store.list("alice", limit=1)] == [first.id]
    assert [s.title for s in store.list("bob")] == ["bob's"]
    assert store.list("carol") == []
    assert second.id in {s.id for s in store.list("alice")}


def test_another_owners_session_is_reported_as_not_found(store: SessionStore) -> None:
    created = store.create("alice", "mine")
    with pytest.raises(SessionNotFoundError, match="not found") as other:
        store.get(created.id, "bob")
    with pytest.raises(SessionNotFoundError) as unknown:
        store.get("0" * 32, "bob")
    # The same words either way, so an id cannot be probed for existence.
    assert str(other.value).replace(created.id, "ID") == str(unknown.value).replace("0" * 32, "ID")
    assert store.get(created.id, "alice").id == created.id


def test_a_session_expires_after_its_ttl_and_says_when(store: SessionStore, clock: FakeClock) -> None:
    created = store.create("alice", "short-lived", ttl_s=60)
    clock.advance(59)
    assert store.get(created.id, "alice") == created
    assert len(store.list("alice")) == 1

    clock.advance(1)
    with pytest.raises(SessionExpiredError, match="start a new session") as expired:
        store.get(created.id, "alice")
    assert expired.value.expired_at == START + timedelta(seconds=60)
    assert "2026-11-20T12:01:00+00:00" in str(expired.value)
    assert store.list("alice") == []


def test_recording_messages_counts_them_and_extends_the_expiry(store: SessionStore, clock: FakeClock) -> None:
    created = store.create("alice", "chat", ttl_s=60)
    now = clock.advance(50)

    recorded = store.record_messages(created.id, 2)

    assert recorded.message_count == 2
    assert recorded.updated_at == now
    assert recorded.expires_at == now + timedelta(seconds=60)
    clock.advance(30)  # past the original expiry, within the extended one
    assert store.get(created.id, "alice").message_count == 2
    assert store.record_messages(created.id, 3).message_count == 5


def test_the_message_cap_refuses_the_overflow_and_writes_nothing(store: SessionStore, clock: FakeClock) -> None:
    created = store.create("alice", "long chat")
    store.record_messages(created.id, 98)
    before = store.get(created.id, "alice")
    clock.advance(5)

    with pytest.raises(SessionFullError, match="start a new session") as full:
        store.record_messages(created.id, 3)

    assert (full.value.count, full.value.adding, full.value.limit) == (98, 3, 100)
    assert store.get(created.id, "alice") == before  # neither the count nor the times moved
    assert store.record_messages(created.id, 2).message_count == 100
    with pytest.raises(SessionFullError):
        store.record_messages(created.id, 1)


def test_the_message_cap_is_configurable(db_url: str, clock: FakeClock) -> None:
    small = SessionStore(db_url, max_messages=4, clock=clock)
    try:
        created = small.create("alice", "tiny")
        assert small.record_messages(created.id, 4).message_count == 4
        with pytest.raises(SessionFullError, match="at most 4 messages"):
            small.record_messages(created.id, 1)
    finally:
        small.close()


def test_recording_in_an_unknown_or_expired_session_fails(store: SessionStore, clock: FakeClock) -> None:
    with pytest.raises(SessionNotFoundError):
        store.record_messages("f" * 32, 1)
    created = store.create("alice", "gone soon", ttl_s=10)
    clock.advance(10)
    with pytest.raises(SessionExpiredError):
        store.record_messages(created.id, 1)


def test_concurrent_recorders_lose_no_message_and_never_pass_the_cap(store: SessionStore) -> None:
    created = store.create("alice", "busy")

    def record_one(_: int) -> bool:
        try:
            store.record_messages(created.id, 1)
        except SessionFullError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(record_one, range(120)))

    assert outcomes.count(True) == 100
    assert outcomes.count(False) == 20
    assert store.get(created.id, "alice").message_count == 100


def test_delete_removes_only_the_owners_session(store: SessionStore) -> None:
    created = store.create("alice", "to delete")
    with pytest.raises(SessionNotFoundError):
        store.delete(created.id, "bob")
    assert store.get(created.id, "alice") == created

    store.delete(created.id, "alice")

    with pytest.raises(SessionNotFoundError):
        store.get(created.id, "alice")
    with pytest.raises(SessionNotFoundError):
        store.delete(created.id, "alice")


def test_purge_deletes_exactly_the_expired_sessions(store: SessionStore, clock: FakeClock) -> None:
    short = store.create("alice", "short", ttl_s=60)
    store.create("bob", "short too", ttl_s=60)
    long = store.create("alice", "long", ttl_s=3600)
    clock.advance(120)

    assert store.purge_expired() == 2
    assert store.purge_expired() == 0
    assert [s.id for s in store.list("alice")] == [long.id]
    with pytest.raises(SessionNotFoundError):  # gone, not merely expired
        store.get(short.id, "alice")
    # An explicit time: the long session has expired by then.
    assert store.delete_expired(START + timedelta(hours=2)) == [long.id]


def test_invalid_arguments_are_refused_with_the_rule(store: SessionStore) -> None:
    with pytest.raises(ValueError, match="owner"):
        store.create("", "no owner")
    with pytest.raises(ValueError, match="ttl_s"):
        store.create("alice", "no ttl", ttl_s=0)
    created = store.create("alice", "ok")
    with pytest.raises(ValueError, match="at least 1"):
        store.record_messages(created.id, 0)
    with pytest.raises(ValueError, match="limit"):
        store.list("alice", limit=0)


def test_reopening_keeps_the_sessions_and_the_table_has_its_own_metadata(db_url: str, clock: FakeClock) -> None:
    first = SessionStore(db_url, clock=clock)
    created = first.create("alice", "kept")
    first.close()
    again = SessionStore(db_url, clock=clock)  # create_all must find the table and leave its rows alone
    try:
        assert again.get(created.id, "alice") == created
    finally:
        again.close()
    assert "chat_sessions" not in SQLModel.metadata.tables


async def test_an_in_memory_store_is_shared_by_worker_threads(clock: FakeClock) -> None:
    memory = SessionStore("sqlite://", clock=clock)
    try:
        created = await asyncio.to_thread(memory.create, "alice", "in memory")
        found = await asyncio.to_thread(memory.get, created.id, "alice")
        assert found == created
    finally:
        memory.close()
