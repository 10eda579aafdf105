"""Choosing and opening the checkpointer from a database URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from agents.sessions import delete_thread, libpq_url, open_checkpointer, sqlite_path
from tests.agents.sessions.echo_graph import build_echo_graph


def test_a_sqlalchemy_postgres_url_becomes_a_libpq_url_keeping_password_and_options() -> None:
    url = "postgresql+psycopg://aiops:p%40ss@db.example:5433/aiops?options=-csearch_path%3Dchat&sslmode=require"
    assert libpq_url(url) == (
        "postgresql://aiops:p%40ss@db.example:5433/aiops?options=-csearch_path%3Dchat&sslmode=require"
    )
    assert libpq_url("postgresql://u@h/db") == "postgresql://u@h/db"


def test_sqlite_urls_give_the_file_path_or_memory() -> None:
    assert sqlite_path("sqlite:////var/lib/aiops/aiops.db") == "/var/lib/aiops/aiops.db"
    assert sqlite_path("sqlite:///data/aiops.db") == "data/aiops.db"
    assert sqlite_path("sqlite://") == ":memory:"
    with pytest.raises(ValueError, match="not a SQLite URL"):
        sqlite_path("postgresql://u@h/db")


@pytest.mark.parametrize("url", ["mysql+pymysql://u@h/db", "not a url", "redis://localhost:6379/0"])
def test_an_unsupported_url_is_refused_naming_the_supported_schemes(url: str) -> None:
    with pytest.raises(ValueError, match=r"sqlite:///PATH.*postgresql\+psycopg://"):
        open_checkpointer(url)


def test_an_unsupported_url_never_shows_its_password() -> None:
    with pytest.raises(ValueError, match="Unsupported") as refused:
        open_checkpointer("mysql://admin:hunter2@db.example/aiops")
    assert "hunter2" not in str(refused.value)


async def test_an_in_memory_sqlite_checkpointer_keeps_a_conversation() -> None:
    config: RunnableConfig = {"configurable": {"thread_id": "t1"}}
    async with open_checkpointer("sqlite://") as saver:
        assert isinstance(saver, AsyncSqliteSaver)
        graph = build_echo_graph(saver)
        await graph.ainvoke({"messages": [HumanMessage("hello")]}, config)
        state = await graph.aget_state(config)
    assert [m.text for m in state.values["messages"]] == ["hello", "echo: hello"]


async def test_a_sqlite_checkpointer_creates_its_data_directory(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "aiops.db"
    async with open_checkpointer(f"sqlite:///{path}") as saver:
        assert isinstance(saver, AsyncSqliteSaver)
    assert path.is_file()


async def test_the_backend_follows_the_url(db_url: str) -> None:
    expected = AsyncSqliteSaver if db_url.startswith("sqlite") else AsyncPostgresSaver
    async with open_checkpointer(db_url) as saver:
        assert isinstance(saver, expected)


async def test_delete_thread_removes_one_conversation_only(db_url: str) -> None:
    kept: RunnableConfig = {"configurable": {"thread_id": "kept"}}
    dropped: RunnableConfig = {"configurable": {"thread_id": "dropped"}}
    async with open_checkpointer(db_url) as saver:
        graph = build_echo_graph(saver)
        await graph.ainvoke({"messages": [HumanMessage("a")]}, kept)
        await graph.ainvoke({"messages": [HumanMessage("b")]}, dropped)
        assert await saver.aget_tuple(dropped) is not None

        await delete_thread(saver, "dropped")

        assert await saver.aget_tuple(dropped) is None
        assert await saver.aget_tuple(kept) is not None


async def test_an_unreachable_postgres_fails_the_open_with_a_clear_error() -> None:
    # Port 1 on loopback refuses at once; the bounded timeout keeps the test short.
    with pytest.raises(ConnectionError, match=r"Could not connect.*127\.0\.0\.1:1/aiops") as failed:
        async with open_checkpointer("postgresql+psycopg://aiops:hunter2@127.0.0.1:1/aiops", connect_timeout_s=0.5):
            pass
    assert "hunter2" not in str(failed.value)
