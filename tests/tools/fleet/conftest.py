"""Fixtures of the fleet registry tests: a key, a cipher, and the store on every database backend.

The ``store_case`` fixture runs each storage test on SQLite (a temporary file) and on Postgres when
``AIOPS_TEST_POSTGRES_URL`` is set (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``). Each Postgres
test gets its own schema (``search_path``), dropped afterwards, so runs on a shared database never meet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import respx
import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url

from tests.fixtures.postgres import POSTGRES_URL as _POSTGRES_URL
from tests.fixtures.postgres import POSTGRES_URL_ENV
from tools.fleet.crypto import CredentialCipher
from tools.fleet.store import SqlClusterStore


@dataclass
class StoreCase:
    """A store under test, plus raw access to what the database holds."""

    backend: str
    url: str
    store: SqlClusterStore
    raw_dump: Callable[[], bytes]  # everything the database stored, as bytes, for at-rest checks


@pytest.fixture
def key() -> bytes:
    return Fernet.generate_key()


@pytest.fixture
def cipher(key: bytes) -> CredentialCipher:
    return CredentialCipher(key)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'aiops.db'}"


def _sqlite_dump(url: str) -> Callable[[], bytes]:
    path = Path(str(make_url(url).database))

    def dump() -> bytes:
        # The main file plus any journal/WAL file: committed data may sit in either.
        return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))

    return dump


def _postgres_dump(engine: sa.Engine) -> Callable[[], bytes]:
    def dump() -> bytes:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT row_to_json(c)::text FROM clusters c").all()
        return "\n".join(r[0] for r in rows).encode()

    return dump


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgres",
            marks=[
                pytest.mark.integration,
                pytest.mark.skipif(
                    _POSTGRES_URL is None,
                    reason=f"{POSTGRES_URL_ENV} is not set: the Postgres half of the storage suite did not "
                    "run (CI sets it, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)",
                ),
            ],
        ),
    ]
)
def store_case(request: pytest.FixtureRequest, tmp_path: Path, cipher: CredentialCipher) -> Iterator[StoreCase]:
    backend: str = request.param
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_url")
    store = SqlClusterStore(url, cipher)
    dump = _sqlite_dump(url) if backend == "sqlite" else _postgres_dump(store.engine)
    try:
        yield StoreCase(backend=backend, url=url, store=store, raw_dump=dump)
    finally:
        store.close()


@pytest.fixture
def sqlite_store(sqlite_url: str, cipher: CredentialCipher) -> Iterator[SqlClusterStore]:
    store = SqlClusterStore(sqlite_url, cipher)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def router() -> Iterator[Any]:
    """respx router: every request must match a route; routes need not all be called."""
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        yield mock
