"""Chat sessions: the session table (:class:`SessionStore`) and the LangGraph checkpointer holding conversations.

A session's id is the LangGraph ``thread_id`` of its conversation. Both parts open from one database URL
(``sqlite:///PATH`` embedded, ``postgresql+psycopg://…`` for replicas)::

    store = SessionStore(url)
    async with open_checkpointer(url) as saver:
        graph = builder.compile(checkpointer=saver)
        ...
    store.close()
"""

from agents.sessions.checkpointer import SUPPORTED_SCHEMES, delete_thread, libpq_url, open_checkpointer, sqlite_path
from agents.sessions.cleanup import delete_session, purge_sessions
from agents.sessions.errors import SessionError, SessionExpiredError, SessionFullError, SessionNotFoundError
from agents.sessions.models import (
    DEFAULT_MAX_MESSAGES,
    DEFAULT_TTL_S,
    MAX_TITLE_CHARS,
    UNTITLED,
    ChatSession,
    title_from_question,
)
from agents.sessions.store import SessionIds, SessionList, SessionStore

__all__ = [
    "DEFAULT_MAX_MESSAGES",
    "DEFAULT_TTL_S",
    "MAX_TITLE_CHARS",
    "SUPPORTED_SCHEMES",
    "UNTITLED",
    "ChatSession",
    "SessionError",
    "SessionExpiredError",
    "SessionFullError",
    "SessionIds",
    "SessionList",
    "SessionNotFoundError",
    "SessionStore",
    "delete_session",
    "delete_thread",
    "libpq_url",
    "open_checkpointer",
    "purge_sessions",
    "sqlite_path",
    "title_from_question",
]
