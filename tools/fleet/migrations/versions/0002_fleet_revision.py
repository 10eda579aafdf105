"""Add the fleet change counter (one row), so replicas sharing the database notice each other's changes.

Revision ID: 0002_fleet_revision
Revises: 0001_create_clusters
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_fleet_revision"
down_revision: str | None = "0001_create_clusters"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create ``fleet_revision`` with its single row at 0 (see tools/fleet/table.py)."""
    table = op.create_table(
        "fleet_revision",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
    )
    op.bulk_insert(table, [{"id": 1, "revision": 0}])


def downgrade() -> None:
    """Drop ``fleet_revision``."""
    op.drop_table("fleet_revision")
