"""Removing sessions everywhere they live: the session table and the checkpointer's conversation threads.

The row goes first: once it is gone no request can use the session, so deleting its thread cannot race a new
turn. If the process dies in between, an orphan thread is left (harmless; no row points to it).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from langgraph.checkpoint.base import BaseCheckpointSaver

from agents.sessions.checkpointer import delete_thread
from agents.sessions.store import SessionStore

__all__ = ["delete_session", "purge_sessions"]


async def delete_session(store: SessionStore, saver: BaseCheckpointSaver[str], session_id: str, owner: str) -> None:
    """Delete ``owner``'s session ``session_id`` and its conversation; SessionNotFoundError if not theirs."""
    await asyncio.to_thread(store.delete, session_id, owner)
    await delete_thread(saver, session_id)


async def purge_sessions(store: SessionStore, saver: BaseCheckpointSaver[str], now: datetime | None = None) -> int:
    """Delete every session expired at ``now`` (default: the store's clock) and its conversation; return how many.

    Meant for a periodic job (the scheduler) on one replica; running it on several at once is safe.
    """
    purged = await asyncio.to_thread(store.delete_expired, now)
    for session_id in purged:
        await delete_thread(saver, session_id)
    return len(purged)
