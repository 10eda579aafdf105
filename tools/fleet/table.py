"""The ``clusters`` table of the fleet registry (sqlmodel), shared by SQLite and Postgres.

Structured parts of a cluster (labels, endpoints, status, capabilities) are JSON columns: they are read and
written whole, never queried inside the database. Secrets live only in ``credentials_encrypted`` (a Fernet
token); ``credential_kinds`` says which kinds are stored so listing the fleet never needs the key.

``fleet_revision`` holds one row whose counter every write that other replicas must see bumps in the same
transaction (see :mod:`tools.fleet.cache`).

The schema is created by the Alembic revisions in ``tools/fleet/migrations``; keep both in step.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

__all__ = ["REVISION_ROW_ID", "ClusterRow", "FleetRevisionRow", "utc"]

# The single row of ``fleet_revision``.
REVISION_ROW_ID = 1


def utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime (SQLite hands timestamps back without a zone)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ClusterRow(SQLModel, table=True):
    """One registered cluster as stored."""

    __tablename__ = "clusters"

    name: str = Field(primary_key=True, max_length=63)
    type: str = Field(max_length=16)
    platform: str = Field(max_length=16)
    environment: str = Field(max_length=16)
    region: str | None = Field(default=None, max_length=128)
    labels: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON, nullable=False)
    endpoints: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON, nullable=False)
    status: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON, nullable=False)
    capabilities: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON, nullable=False)
    credential_kinds: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    credentials_encrypted: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True), nullable=False)
    updated_at: datetime = Field(sa_type=sa.DateTime(timezone=True), nullable=False)


class FleetRevisionRow(SQLModel, table=True):
    """The fleet's change counter: one row (``id`` = :data:`REVISION_ROW_ID`), bumped by every visible change."""

    __tablename__ = "fleet_revision"

    id: int = Field(primary_key=True)
    revision: int = Field(sa_type=sa.BigInteger, nullable=False)
