"""Programmatic migrations: no alembic.ini, any working directory, our own version table."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tools.fleet.migrate import MIGRATIONS_DIR, VERSION_TABLE, current_revision, upgrade


def test_upgrade_creates_the_table_from_any_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # nothing to find here: no alembic.ini, no migrations dir
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        upgrade(engine)  # idempotent
        tables = set(sa.inspect(engine).get_table_names())
        assert tables == {"clusters", VERSION_TABLE}
        assert current_revision(engine) == "0001_create_clusters"
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
    assert sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("0*.py")) == ["0001_create_clusters.py"]
