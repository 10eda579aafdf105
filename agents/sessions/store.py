"""Chat-session metadata on any SQLAlchemy database: :class:`SessionStore`.

The same code serves SQLite (embedded mode, the default) and Postgres (replicas). Methods are **synchronous**, like
the fleet store's: async callers run them with ``asyncio.to_thread`` (each call is one short transaction, so a
worker thread is cheap, and the sync API keeps the store trivially usable from the CLI and tests).

Schema: the store creates its one table with ``create_all(checkfirst=True)`` on open instead of an Alembic history.
The table has no past versions to migrate from, and it sits on its own metadata (:class:`SessionsBase`), so
``create_all`` touches nothing else. The first change to its columns should add an Alembic environment of its own
(version table ``alembic_version_sessions``) whose first revision is this table, stamped on existing databases.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, col, select

from agents.sessions.errors import SessionError, SessionExpiredError, SessionFullError, SessionNotFoundError
from agents.sessions.models import DEFAULT_MAX_MESSAGES, DEFAULT_TTL_S, ChatSession, title_from_question
from agents.sessions.table import SessionRow, SessionsBase, utc

__all__ = ["SessionIds", "SessionList", "SessionStore"]

# A module-level alias: inside a class that defines a ``list`` method, ``list[...]`` would name the method.
SessionList = list[ChatSession]
SessionIds = list[str]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            # One shared connection, or every thread (asyncio.to_thread callers) would see its own empty database.
            return sa.create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
        # Embedded mode: the data directory may not exist yet on first start.
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # pre_ping: a Postgres restart must not leave dead connections in the pool.
    return sa.create_engine(url, pool_pre_ping=True)


def _create_schema(engine: Engine) -> None:
    try:
        SessionsBase.metadata.create_all(engine, checkfirst=True)
    except sa.exc.DBAPIError:
        # Another replica may have created the table between our check and our CREATE; that is success.
        if not sa.inspect(engine).has_table(SessionRow.__tablename__):
            raise


class SessionStore:
    """Chat-session metadata (owner, title, persona, clusters, TTL, message count) behind one SQLAlchemy URL.

    ``url`` is any SQLAlchemy URL (``sqlite:///path``, ``sqlite://`` in memory, ``postgresql+psycopg://…``); the
    table is created on open. ``max_messages`` caps each conversation; ``clock`` returns the current time (tests
    inject one so TTLs need no sleeping). Call :meth:`close` when done.
    """

    def __init__(
        self,
        url: str,
        *,
        max_messages: int = DEFAULT_MAX_MESSAGES,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        if max_messages < 1:
            raise ValueError(f"max_messages must be at least 1, got {max_messages}")
        self._max_messages = max_messages
        self._clock = clock
        self._engine = _engine(url)
        try:
            _create_schema(self._engine)
        except BaseException:
            self._engine.dispose()
            raise

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for health checks and tests)."""
        return self._engine

    @property
    def max_messages(self) -> int:
        """The most messages one session may hold."""
        return self._max_messages

    def close(self) -> None:
        """Dispose of the connection pool."""
        self._engine.dispose()

    def create(
        self,
        owner: str,
        title: str,
        persona: str | None = None,
        clusters: Sequence[str] = (),
        ttl_s: int = DEFAULT_TTL_S,
    ) -> ChatSession:
        """Start a session for ``owner``; ``title`` is normally the first question (cut to 80 characters).

        The session expires ``ttl_s`` seconds after its last recorded message (or after creation if none).
        """
        if not owner:
            raise ValueError("a chat session needs an owner (the authenticated user or API client id)")
        if ttl_s < 1:
            raise ValueError(f"ttl_s must be a positive number of seconds, got {ttl_s}")
        now = self._now()
        row = SessionRow(
            id=uuid4().hex,
            owner=owner,
            title=title_from_question(title),
            persona=persona,
            clusters=list(clusters),
            created_at=now,
            updated_at=now,
            expires_at=now + timedelta(seconds=ttl_s),
            message_count=0,
            ttl_s=ttl_s,
        )
        with Session(self._engine) as session:
            session.add(row)
            session.commit()
            session.refresh(row)
            return _to_session(row)

    def get(self, session_id: str, owner: str) -> ChatSession:
        """``owner``'s live session ``session_id``.

        Raises :class:`SessionNotFoundError` if there is none for this owner (including another owner's) and
        :class:`SessionExpiredError` if it has expired but is not purged yet.
        """
        with Session(self._engine) as session:
            row = session.get(SessionRow, session_id)
            if row is None or row.owner != owner:
                raise SessionNotFoundError(session_id)
            return self._live(_to_session(row))

    def list(self, owner: str, limit: int = 50) -> SessionList:
        """``owner``'s live sessions, most recently active first (expired ones are left out), at most ``limit``."""
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        query = (
            select(SessionRow)
            .where(col(SessionRow.owner) == owner, col(SessionRow.expires_at) > self._now())
            .order_by(col(SessionRow.updated_at).desc(), col(SessionRow.created_at).desc(), col(SessionRow.id))
            .limit(limit)
        )
        with Session(self._engine) as session:
            return [_to_session(row) for row in session.exec(query).all()]

    def record_messages(self, session_id: str, n: int) -> ChatSession:
        """Count ``n`` new messages in a live session, mark it active now and push its expiry to now + TTL.

        Over the cap raises :class:`SessionFullError` and writes nothing; an unknown or expired session raises
        :class:`SessionNotFoundError` / :class:`SessionExpiredError`. Safe against concurrent writers.
        """
        if n < 1:
            raise ValueError(f"n (messages to record) must be at least 1, got {n}")
        current = self._fetch(session_id)  # for its TTL, which never changes after creation
        now = self._now()
        # One guarded UPDATE does the checks and the increment atomically (the database re-checks the WHERE under
        # the row lock), so concurrent writers neither lose counts nor pass the cap, with no retry loop.
        update = (
            sa.update(SessionRow)
            .where(
                col(SessionRow.id) == session_id,
                col(SessionRow.expires_at) > now,
                col(SessionRow.message_count) <= self._max_messages - n,
            )
            .values(
                message_count=col(SessionRow.message_count) + n,
                updated_at=now,
                expires_at=now + timedelta(seconds=current.ttl_s),
            )
        )
        with self._engine.begin() as connection:
            recorded = connection.execute(update).rowcount == 1
        if recorded:  # read after the commit: another connection would still see the old row
            return self._fetch(session_id)
        # Nothing was written: say why, from the row as it is now.
        refused = self._live(self._fetch(session_id))
        if refused.message_count + n > self._max_messages:
            raise SessionFullError(session_id, count=refused.message_count, adding=n, limit=self._max_messages)
        raise SessionError(  # only if the row changed between the UPDATE and this read (clock skew between writers)
            f"Could not record messages in chat session {session_id!r}: it changed concurrently. Retry the request."
        )

    def delete(self, session_id: str, owner: str) -> None:
        """Delete ``owner``'s session (expired or not); :class:`SessionNotFoundError` if they have none by that id.

        The conversation in the checkpointer is separate: see :func:`agents.sessions.cleanup.delete_session`.
        """
        statement = sa.delete(SessionRow).where(col(SessionRow.id) == session_id, col(SessionRow.owner) == owner)
        with self._engine.begin() as connection:
            if connection.execute(statement).rowcount != 1:
                raise SessionNotFoundError(session_id)

    def delete_expired(self, now: datetime | None = None) -> SessionIds:
        """Delete every session expired at ``now`` (default: the clock) and return their ids.

        The ids let the caller drop the matching checkpointer threads (:func:`agents.sessions.cleanup.purge_sessions`).
        """
        cutoff = utc(now) if now is not None else self._now()
        statement = sa.delete(SessionRow).where(col(SessionRow.expires_at) <= cutoff).returning(col(SessionRow.id))
        with self._engine.begin() as connection:
            return sorted(connection.execute(statement).scalars())

    def purge_expired(self, now: datetime | None = None) -> int:
        """Delete every session expired at ``now`` (default: the clock); return how many were deleted."""
        return len(self.delete_expired(now))

    def _now(self) -> datetime:
        # Stored times must be UTC: SQLite keeps no zone, so comparisons only work if every value is in one zone.
        return utc(self._clock())

    def _live(self, found: ChatSession) -> ChatSession:
        if found.expires_at <= self._now():
            raise SessionExpiredError(found.id, found.expires_at)
        return found

    def _fetch(self, session_id: str) -> ChatSession:
        with Session(self._engine) as session:
            row = session.get(SessionRow, session_id)
            if row is None:
                raise SessionNotFoundError(session_id)
            return _to_session(row)


def _to_session(row: SessionRow) -> ChatSession:
    return ChatSession(
        id=row.id,
        owner=row.owner,
        title=row.title,
        persona=row.persona,
        clusters=tuple(row.clusters),
        created_at=utc(row.created_at),
        updated_at=utc(row.updated_at),
        expires_at=utc(row.expires_at),
        message_count=row.message_count,
        ttl_s=row.ttl_s,
    )
