"""The LangGraph checkpointer that persists chat conversations: SQLite embedded, Postgres for replicas.

:func:`open_checkpointer` picks the saver from a SQLAlchemy-style URL, the same URL the
:class:`~agents.sessions.store.SessionStore` takes, so one setting configures both. Conversations are stored under
``thread_id = session id``; :func:`delete_thread` drops one when its session is deleted or purged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from psycopg import AsyncConnection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

__all__ = ["SUPPORTED_SCHEMES", "delete_thread", "libpq_url", "open_checkpointer", "sqlite_path"]

SUPPORTED_SCHEMES = ("sqlite:///PATH", "sqlite:// (in memory)", "postgresql+psycopg://USER@HOST:PORT/DB")

_POSTGRES_BACKENDS = ("postgresql", "postgres")


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise ValueError(f"{url!r} is not a database URL; use one of: {', '.join(SUPPORTED_SCHEMES)}") from exc


def sqlite_path(url: str) -> str:
    """The file path of a ``sqlite:///PATH`` URL, or ``":memory:"`` for ``sqlite://``; ValueError otherwise."""
    parsed = _parse(url)
    if parsed.get_backend_name() != "sqlite":
        raise ValueError(f"{parsed.render_as_string()!r} is not a SQLite URL")
    return parsed.database or ":memory:"


def libpq_url(url: str) -> str:
    """``url`` (``postgresql+psycopg://…``, any driver) as the libpq URL psycopg takes; query options are kept."""
    parsed = _parse(url)
    if parsed.get_backend_name() not in _POSTGRES_BACKENDS:
        raise ValueError(f"{parsed.render_as_string()!r} is not a PostgreSQL URL")
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def open_checkpointer(
    url: str, *, pool_size: int = 10, connect_timeout_s: float = 10.0
) -> AbstractAsyncContextManager[BaseCheckpointSaver[str]]:
    """Open the checkpointer for ``url``; use as ``async with open_checkpointer(url) as saver:``.

    ``sqlite:///PATH`` gives an :class:`AsyncSqliteSaver` on that file (its directory is created; ``sqlite://``
    is an in-memory database, for tests). ``postgresql+psycopg://…`` gives an :class:`AsyncPostgresSaver` on a
    connection pool of at most ``pool_size`` connections, with its tables created or migrated on open; if no
    connection succeeds within ``connect_timeout_s`` it raises ConnectionError (a clear start-up failure rather
    than one at the first chat). Any other scheme raises ValueError naming the supported ones, before anything is
    opened. Leaving the block closes every connection.
    """
    parsed = _parse(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _open_sqlite(sqlite_path(url))
    if backend in _POSTGRES_BACKENDS:
        if pool_size < 1:
            raise ValueError(f"pool_size must be at least 1, got {pool_size}")
        return _open_postgres(libpq_url(url), pool_size, connect_timeout_s)
    raise ValueError(
        f"Unsupported checkpointer database {parsed.drivername!r} in {parsed.render_as_string()!r}; "
        f"use one of: {', '.join(SUPPORTED_SCHEMES)}"
    )


async def delete_thread(saver: BaseCheckpointSaver[str], session_id: str) -> None:
    """Delete every checkpoint and pending write of the conversation of session ``session_id``."""
    await saver.adelete_thread(session_id)


@asynccontextmanager
async def _open_sqlite(path: str) -> AsyncIterator[BaseCheckpointSaver[str]]:
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    async with AsyncSqliteSaver.from_conn_string(path) as saver:
        # The saver would create its tables lazily on first use; do it now so a bad path fails at start-up.
        await saver.setup()
        yield saver


@asynccontextmanager
async def _open_postgres(conninfo: str, pool_size: int, timeout_s: float) -> AsyncIterator[BaseCheckpointSaver[str]]:
    # A pool, not one connection: the saver serialises every call on a single connection behind a lock.
    # autocommit and dict rows are what AsyncPostgresSaver expects (setup() runs CREATE INDEX CONCURRENTLY);
    # prepare_threshold=0 keeps it working behind PgBouncer in transaction mode.
    pool: AsyncConnectionPool[AsyncConnection[DictRow]] = AsyncConnectionPool(
        conninfo,
        connection_class=AsyncConnection[DictRow],
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
        min_size=1,
        max_size=pool_size,
        open=False,
    )
    try:
        try:
            await pool.open(wait=True, timeout=timeout_s)
        except PoolTimeout as exc:
            shown = make_url(conninfo).render_as_string(hide_password=True)
            raise ConnectionError(
                f"Could not connect to the checkpointer database {shown} within {timeout_s:g} s: is "
                "Postgres running and the URL (host, port, database, user, password) right?"
            ) from exc
        saver = AsyncPostgresSaver(pool)
        await saver.setup()
        yield saver
    finally:
        await pool.close()
