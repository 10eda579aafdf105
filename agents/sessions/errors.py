"""Errors of the session store, written for the operator or user who reads them in the UI or API response."""

from __future__ import annotations

from datetime import datetime

__all__ = ["SessionError", "SessionExpiredError", "SessionFullError", "SessionNotFoundError"]


class SessionError(Exception):
    """Base class of every session-store error the caller should show rather than treat as a bug."""


class SessionNotFoundError(SessionError, LookupError):
    """No session with this id belongs to this owner (another owner's session is reported the same way)."""

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        # Deliberately the same text whether the id is unknown or someone else's: never confirm it exists.
        super().__init__(
            f"Chat session {session_id!r} was not found (it never existed, was deleted, or belongs to another "
            "user). List your sessions to pick another, or start a new session."
        )


class SessionExpiredError(SessionError):
    """The session exists but its time to live has run out; ``expired_at`` says when."""

    def __init__(self, session_id: str, expired_at: datetime) -> None:
        self.session_id = session_id
        self.expired_at = expired_at
        super().__init__(
            f"Chat session {session_id!r} expired at {expired_at.isoformat(timespec='seconds')} "
            "(no message within its time to live); start a new session."
        )


class SessionFullError(SessionError):
    """Recording more messages would pass the per-session cap; nothing was recorded."""

    def __init__(self, session_id: str, *, count: int, adding: int, limit: int) -> None:
        self.session_id = session_id
        self.count = count
        self.adding = adding
        self.limit = limit
        super().__init__(
            f"Chat session {session_id!r} is full: it holds {count} of at most {limit} messages and "
            f"{adding} more would not fit; start a new session to continue."
        )
