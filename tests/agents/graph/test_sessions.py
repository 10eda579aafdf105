"""A chat session keeps its history across turns and across a restart of the agent (SQLite here; the storage
suite in tests/agents/sessions runs the same on Postgres)."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from agents.assistant import Assistant
from agents.sessions import SessionFullError, SessionStore, open_checkpointer
from agents.toolbox import Toolbox
from personas import load_personas
from tests.agents.fakes import FakeToolServer, ScriptedChatModel, chain_of, connect

GPU = "You are **NVIDIA GPU specialist**"


async def one_turn(url: str, model: ScriptedChatModel, question: str, session_id: str | None) -> tuple[str, str]:
    """Open everything from ``url``, ask once in the session (a new one when None), close everything."""
    store = SessionStore(url, max_messages=6)
    try:
        async with open_checkpointer(url) as saver, connect(FakeToolServer()) as session:
            assistant = Assistant(
                toolbox=await Toolbox.load(session),
                models=chain_of(model),
                personas=load_personas(),
                checkpointer=saver,
                sessions=store,
            )
            if session_id is None:
                session_id = (await assistant.open_session("alice", question)).id
            answer = await assistant.ask(question, session_id=session_id, owner="alice", persona="gpu-expert")
            return session_id, answer.text
    finally:
        store.close()


async def test_the_second_turn_after_a_restart_sees_the_first(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sessions.db'}"
    first = ScriptedChatModel.keyed({GPU: [AIMessage("GPU 3 is at 88 °C.")]})
    session_id, text = await one_turn(url, first, "which GPU is hottest?", None)
    assert text == "GPU 3 is at 88 °C."
    second = ScriptedChatModel.keyed({GPU: [AIMessage("It was GPU 3.")]})
    _, text = await one_turn(url, second, "and which one was that again?", session_id)
    assert text == "It was GPU 3."
    history = [(m.type, m.text) for m in second.seen[0] if isinstance(m, HumanMessage | AIMessage)]
    assert history == [
        ("human", "which GPU is hottest?"),
        ("ai", "GPU 3 is at 88 °C."),
        ("human", "and which one was that again?"),
    ]
    store = SessionStore(url)
    try:
        assert store.get(session_id, "alice").message_count == 4
    finally:
        store.close()


async def test_a_full_session_refuses_the_next_turn_and_writes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sessions.db'}"
    session_id, _ = await one_turn(url, ScriptedChatModel.keyed({GPU: [AIMessage("one")]}), "q1", None)
    await one_turn(url, ScriptedChatModel.keyed({GPU: [AIMessage("two")]}), "q2", session_id)
    await one_turn(url, ScriptedChatModel.keyed({GPU: [AIMessage("three")]}), "q3", session_id)
    untouched = ScriptedChatModel.keyed({GPU: [AIMessage("four")]})
    # Raised inside the in-memory MCP session's task group, hence wrapped in an exception group.
    with pytest.raises(ExceptionGroup) as raised:
        await one_turn(url, untouched, "q4", session_id)
    assert raised.group_contains(SessionFullError, match="start a new session")
    assert untouched.seen == []  # refused before any model call
