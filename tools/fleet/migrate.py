"""Bring a database's fleet registry schema up to date with Alembic, programmatically.

:class:`~tools.fleet.store.SqlClusterStore` calls :func:`upgrade` when it opens; the CLI may call it to
migrate ahead of a deploy. The Alembic config is built in code with ``script_location`` pointing at the
``migrations`` directory next to this file, so it works from a wheel, an editable install or a checkout, with
no ``alembic.ini`` and whatever the working directory.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

__all__ = ["MIGRATIONS_DIR", "VERSION_TABLE", "current_revision", "upgrade"]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "fleet_alembic_version"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(url: str | Engine, revision: str = "head") -> None:
    """Apply the fleet migrations up to ``revision`` on ``url`` (a SQLAlchemy URL or an engine)."""
    engine = sa.create_engine(url) if isinstance(url, str) else url
    try:
        with engine.begin() as connection:
            config = _config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        if isinstance(url, str):
            engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The fleet schema revision the database is at, or ``None`` before the first migration."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()
