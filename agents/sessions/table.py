"""The ``chat_sessions`` table (sqlmodel), shared by SQLite and Postgres, on a metadata of its own.

:class:`SessionsBase` carries a private SQLAlchemy registry, so ``SessionsBase.metadata`` holds this table only:
creating it never creates (or is confused with) the fleet registry's tables living in the same database.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

__all__ = ["SessionRow", "SessionsBase", "utc"]


def utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime (SQLite hands timestamps back without a zone)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class SessionsBase(SQLModel, registry=registry()):
    """Base of the session tables: its own registry and so its own ``metadata``."""


class SessionRow(SessionsBase, table=True):
    """One chat session as stored. Times are written as UTC (SQLite keeps no zone: UTC makes them comparable)."""

    __tablename__ = "chat_sessions"
    __table_args__ = (sa.Index("ix_chat_sessions_owner_updated", "owner", "updated_at"),)

    id: str = Field(primary_key=True, max_length=32)
    owner: str = Field(max_length=255)
    title: str = Field(max_length=80)
    persona: str | None = Field(default=None, max_length=128)
    clusters: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True), nullable=False)
    updated_at: datetime = Field(sa_type=sa.DateTime(timezone=True), nullable=False)
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True), nullable=False, index=True)
    message_count: int = Field(default=0, nullable=False)
    ttl_s: int = Field(nullable=False)
