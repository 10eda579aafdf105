"""Bring a database's fleet registry schema up to date with Alembic, programmatically, and only when needed.

:class:`~tools.fleet.store.SqlClusterStore` calls :func:`ensure_schema` when it opens: it reads the stored
revision with plain SQLAlchemy and imports and runs Alembic only when the database is not at
:data:`HEAD_REVISION` (importing Alembic costs ~150 ms of every start-up otherwise). The CLI may call
:func:`upgrade` to migrate ahead of a deploy. The Alembic config is built in code with ``script_location``
pointing at the ``migrations`` directory next to this file, so it works from a wheel, an editable install or a
checkout, with no ``alembic.ini`` and whatever the working directory.

Adding a revision means updating :data:`HEAD_REVISION`; a test compares it with the head Alembic computes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "HEAD_REVISION",
    "MIGRATIONS_DIR",
    "VERSION_TABLE",
    "alembic_head",
    "current_revision",
    "ensure_schema",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "fleet_alembic_version"
# The newest revision in migrations/versions (checked against Alembic's own computation by the tests).
HEAD_REVISION = "0002_fleet_revision"


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def alembic_head() -> str | None:
    """The head revision as Alembic computes it from the scripts (imports Alembic; for checks and tests)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def upgrade(url: str | Engine, revision: str = "head") -> None:
    """Apply the fleet migrations up to ``revision`` on ``url`` (a SQLAlchemy URL or an engine)."""
    from alembic import command

    engine = sa.create_engine(url) if isinstance(url, str) else url
    try:
        with engine.begin() as connection:
            config = _config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        if isinstance(url, str):
            engine.dispose()


def _stored_revisions(connection: Connection) -> list[str]:
    if not sa.inspect(connection).has_table(VERSION_TABLE):
        return []
    query = sa.select(sa.column("version_num", sa.String)).select_from(sa.table(VERSION_TABLE))
    return sorted(connection.execute(query).scalars())


def current_revision(engine: Engine) -> str | None:
    """The fleet schema revision the database is at, or ``None`` before the first migration."""
    with engine.connect() as connection:
        revisions = _stored_revisions(connection)
    if len(revisions) > 1:  # the history is linear: more than one means someone branched it by hand
        raise RuntimeError(f"The fleet schema is at several revisions at once: {', '.join(revisions)}.")
    return revisions[0] if revisions else None


def ensure_schema(engine: Engine) -> bool:
    """Migrate ``engine``'s database to :data:`HEAD_REVISION` unless it is there already; ``True`` if it ran
    Alembic. The check is one catalog query and one select, without importing Alembic."""
    if current_revision(engine) == HEAD_REVISION:
        return False
    upgrade(engine)
    return True
