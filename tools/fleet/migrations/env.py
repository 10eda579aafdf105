"""Alembic environment for the fleet registry, driven only by :func:`tools.fleet.migrate.upgrade`.

There is no ``alembic.ini``: the caller builds the Alembic config in code and hands over an open connection in
``config.attributes["connection"]``. Revisions are explicit (no autogenerate), so no metadata is bound here.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from tools.fleet.migrate import VERSION_TABLE

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("Run fleet migrations through tools.fleet.migrate.upgrade(), which supplies a connection.")

context.configure(
    connection=connection,
    # Our own version table, so other components may keep their own Alembic history in the same database.
    version_table=VERSION_TABLE,
    # Batch mode lets later ALTERs work on SQLite (copy-and-move); it is a no-op on Postgres.
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
