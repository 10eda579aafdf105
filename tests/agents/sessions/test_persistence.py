"""A chat survives a restart: session row and conversation reopen from the same URL, on SQLite and Postgres."""

from __future__ import annotations

import asyncio

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig

from agents.sessions import (
    SessionNotFoundError,
    SessionStore,
    delete_session,
    open_checkpointer,
    purge_sessions,
)
from tests.agents.sessions.conftest import FakeClock
from tests.agents.sessions.echo_graph import build_echo_graph


def thread(session_id: str) -> RunnableConfig:
    return {"configurable": {"thread_id": session_id}}


async def test_a_conversation_continues_after_closing_and_reopening_everything(db_url: str, clock: FakeClock) -> None:
    store = SessionStore(db_url, clock=clock)
    try:
        session = await asyncio.to_thread(store.create, "alice", "Why is spoke-a degraded?", "sre", ["spoke-a"])
        async with open_checkpointer(db_url) as saver:
            first = await build_echo_graph(saver).ainvoke(
                {"messages": [HumanMessage("Why is spoke-a degraded?")]}, thread(session.id)
            )
            await asyncio.to_thread(store.record_messages, session.id, len(first["messages"]))
    finally:
        store.close()

    clock.advance(600)  # the "process" was down for ten minutes
    reopened = SessionStore(db_url, clock=clock)
    try:
        resumed = await asyncio.to_thread(reopened.get, session.id, "alice")
        async with open_checkpointer(db_url) as saver:
            graph = build_echo_graph(saver)
            await graph.ainvoke({"messages": [HumanMessage("And spoke-b?")]}, thread(session.id))
            state = await graph.aget_state(thread(session.id))
        messages = state.values["messages"]
        after = await asyncio.to_thread(reopened.record_messages, session.id, len(messages) - resumed.message_count)
    finally:
        reopened.close()

    assert [m.text for m in messages] == [
        "Why is spoke-a degraded?",
        "echo: Why is spoke-a degraded?",
        "And spoke-b?",
        "echo: And spoke-b?",
    ]
    assert [m.type for m in messages] == ["human", "ai", "human", "ai"]
    assert resumed.message_count == 2
    assert after.message_count == 4
    assert after.updated_at == clock.now


async def test_deleting_a_session_drops_its_conversation(db_url: str, store: SessionStore) -> None:
    mine = store.create("alice", "to delete")
    other = store.create("alice", "to keep")
    async with open_checkpointer(db_url) as saver:
        graph = build_echo_graph(saver)
        for session in (mine, other):
            await graph.ainvoke({"messages": [HumanMessage(session.title)]}, thread(session.id))

        with pytest.raises(SessionNotFoundError):
            await delete_session(store, saver, mine.id, "bob")
        assert await saver.aget_tuple(thread(mine.id)) is not None  # a refused delete touched nothing

        await delete_session(store, saver, mine.id, "alice")

        assert await saver.aget_tuple(thread(mine.id)) is None
        assert await saver.aget_tuple(thread(other.id)) is not None
    assert [s.id for s in store.list("alice")] == [other.id]


async def test_purging_drops_expired_sessions_and_their_conversations(
    db_url: str, store: SessionStore, clock: FakeClock
) -> None:
    expired = store.create("alice", "old", ttl_s=60)
    live = store.create("alice", "current", ttl_s=3600)
    async with open_checkpointer(db_url) as saver:
        graph = build_echo_graph(saver)
        for session in (expired, live):
            await graph.ainvoke({"messages": [HumanMessage(session.title)]}, thread(session.id))
        clock.advance(120)

        assert await purge_sessions(store, saver) == 1
        assert await purge_sessions(store, saver) == 0

        assert await saver.aget_tuple(thread(expired.id)) is None
        assert await saver.aget_tuple(thread(live.id)) is not None
    assert [s.id for s in store.list("alice")] == [live.id]
