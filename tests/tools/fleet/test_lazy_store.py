"""LazyClusterStore: the registry database opens on the first store call, once, and says where it failed."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tools.fleet import ClusterStore, CredentialCipher, LazyClusterStore, SqlClusterStore, StoreUnavailableError
from tools.fleet.models import ClusterSpec, Endpoints


def test_nothing_opens_until_the_first_call_and_then_exactly_once(tmp_path: Path) -> None:
    opened: list[int] = []
    cipher = CredentialCipher(Fernet.generate_key())

    def open_store() -> ClusterStore:
        opened.append(1)
        return SqlClusterStore(f"sqlite:///{tmp_path / 'fleet.db'}", cipher)

    store = LazyClusterStore(open_store, where="sqlite test")
    assert not store.opened and opened == []
    threads = [threading.Thread(target=store.list) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.add(ClusterSpec(name="hub", endpoints=Endpoints(prometheus="http://prom.test")))
    assert [c.name for c in store.list()] == ["hub"]
    assert store.opened and opened == [1]
    store.close()
    assert not store.opened


def test_closing_a_store_never_opened_does_not_open_it() -> None:
    def refuse() -> ClusterStore:
        raise AssertionError("opened by close()")

    LazyClusterStore(refuse, where="nowhere").close()


def test_a_database_that_cannot_open_is_a_clear_error_naming_it_and_a_retry_is_possible() -> None:
    attempts: list[int] = []

    def broken() -> ClusterStore:
        attempts.append(1)
        raise OSError("connection refused")

    store = LazyClusterStore(broken, where="postgresql+psycopg://db.example:5432/fleet")
    with pytest.raises(StoreUnavailableError, match=r"db\.example:5432/fleet.*connection refused") as caught:
        store.revision()
    assert "AIOPS_DATABASE_URL" in str(caught.value)
    with pytest.raises(StoreUnavailableError):
        store.snapshot()
    assert len(attempts) == 2 and not store.opened
