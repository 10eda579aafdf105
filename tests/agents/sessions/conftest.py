"""Fixtures of the chat-session tests: a settable clock, and one database URL per backend.

``db_url`` runs each test on SQLite (a file under a not-yet-existing directory) and on Postgres when
``AIOPS_TEST_POSTGRES_URL`` is set (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``). Each Postgres test
gets a private schema through ``search_path`` (as the fleet suite does), dropped afterwards, so runs never meet.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agents.sessions import SessionStore
from tests.fixtures.postgres import POSTGRES_URL as _POSTGRES_URL
from tests.fixtures.postgres import POSTGRES_URL_ENV

START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class FakeClock:
    """A clock that only moves when the test says so."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward and return the new time."""
        self.now += timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'aiops.db'}"


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgres",
            marks=[
                pytest.mark.integration,
                pytest.mark.skipif(
                    _POSTGRES_URL is None,
                    reason=f"{POSTGRES_URL_ENV} is not set: the Postgres half of the chat-session suite did not "
                    "run (CI sets it, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)",
                ),
            ],
        ),
    ]
)
def db_url(request: pytest.FixtureRequest) -> str:
    """The database URL of the backend under test (the store and the checkpointer share it)."""
    backend: str = request.param
    url: str = request.getfixturevalue(f"{backend}_url")
    return url


@pytest.fixture
def store(db_url: str, clock: FakeClock) -> Iterator[SessionStore]:
    opened = SessionStore(db_url, clock=clock)
    try:
        yield opened
    finally:
        opened.close()
