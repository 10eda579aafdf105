"""Programmatic migrations: no alembic.ini, any working directory, our own version table, Alembic only when
the database is behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tools.fleet.migrate import (
    HEAD_REVISION,
    MIGRATIONS_DIR,
    VERSION_TABLE,
    alembic_head,
    current_revision,
    ensure_schema,
    upgrade,
)
from tools.fleet.table import REVISION_ROW_ID


def test_upgrade_creates_the_table_from_any_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # nothing to find here: no alembic.ini, no migrations dir
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        upgrade(engine)  # idempotent
        tables = set(sa.inspect(engine).get_table_names())
        assert tables == {"clusters", "fleet_revision", VERSION_TABLE}
        assert current_revision(engine) == HEAD_REVISION
    finally:
        engine.dispose()


def test_upgrade_accepts_a_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    upgrade(url)
    engine = sa.create_engine(url)
    try:
        columns = {c["name"] for c in sa.inspect(engine).get_columns("clusters")}
    finally:
        engine.dispose()
    assert {"name", "labels", "status", "capabilities", "credentials_encrypted", "updated_at"} <= columns


def test_the_migration_scripts_live_inside_the_package() -> None:
    # Hatchling ships every file under tools/, so a wheel carries them as long as they stay in the package.
    assert MIGRATIONS_DIR.is_relative_to(Path(__file__).resolve().parents[3] / "tools")
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("0*.py")) == [
        "0001_create_clusters.py",
        "0002_fleet_revision.py",
    ]


def test_the_head_constant_is_the_head_alembic_computes() -> None:
    # Adding a revision without updating HEAD_REVISION would make every start-up run Alembic (or skip the new one).
    assert alembic_head() == HEAD_REVISION


def test_ensure_schema_runs_alembic_only_when_the_database_is_behind(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'e.db'}")
    try:
        upgrade(engine, "0001_create_clusters")
        assert ensure_schema(engine) is True  # behind: migrated
        assert current_revision(engine) == HEAD_REVISION
        with engine.connect() as conn:
            row = conn.exec_driver_sql("SELECT id, revision FROM fleet_revision").one()
        assert tuple(row) == (REVISION_ROW_ID, 0)
        assert ensure_schema(engine) is False  # at head: nothing to do
    finally:
        engine.dispose()


def test_opening_an_up_to_date_store_does_not_import_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    script = (
        "import sys\n"
        "from cryptography.fernet import Fernet\n"
        "from tools.fleet import CredentialCipher, SqlClusterStore\n"
        f"SqlClusterStore({url!r}, CredentialCipher(Fernet.generate_key())).close()\n"
        "print(sorted(m for m in sys.modules if m == 'alembic' or m.startswith('alembic.')))\n"
    )
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
