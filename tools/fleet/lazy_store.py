"""A :class:`~tools.fleet.storage.ClusterStore` opened on first use.

``aiops mcp`` is spawned by a client that first asks for ``tools/list`` and only later calls a tool; opening the
database (importing SQLAlchemy, connecting, checking the schema revision) costs about a third of a second that the
listing does not need. :class:`LazyClusterStore` defers it to the first store call, and says clearly which database
could not be opened when that fails (an error on a tool call reaches the user; a crash at spawn shows as a
disconnected server). Servers that should fail fast at start-up (``aiops serve``) open the store directly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from tools.errors import BackendError
from tools.fleet.models import Capabilities, Cluster, ClusterSpec, ClusterStatus, Credentials
from tools.fleet.storage import ClusterList, ClusterStore, StoredFleet

__all__ = ["LazyClusterStore", "StoreUnavailableError"]


class StoreUnavailableError(BackendError):
    """The registry database could not be opened (wrong URL, unreachable server, unreadable file)."""


class LazyClusterStore:
    """Delegates to the store ``open_store`` builds, calling it once, on the first method call (thread-safe)."""

    def __init__(self, open_store: Callable[[], ClusterStore], *, where: str) -> None:
        self._open_store = open_store
        self._where = where
        self._store: ClusterStore | None = None
        self._lock = threading.Lock()

    @property
    def opened(self) -> bool:
        """True once the underlying store has been opened."""
        return self._store is not None

    def _target(self) -> ClusterStore:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    try:
                        self._store = self._open_store()
                    except Exception as exc:  # any driver error: say where, keep the cause for the log
                        raise StoreUnavailableError(
                            f"The fleet registry database ({self._where}) could not be opened: "
                            f"{type(exc).__name__}: {str(exc)[:300]}",
                            backend="registry database",
                            hint="Check AIOPS_DATABASE_URL (or AIOPS_DATA_DIR) and that the database is reachable.",
                        ) from exc
        return self._store

    def add(self, spec: ClusterSpec, credentials: Credentials | None = None) -> Cluster:
        """See :meth:`ClusterStore.add`."""
        return self._target().add(spec, credentials)

    def get(self, name: str) -> Cluster | None:
        """See :meth:`ClusterStore.get`."""
        return self._target().get(name)

    def list(self) -> ClusterList:
        """See :meth:`ClusterStore.list`."""
        return self._target().list()

    def update_spec(self, spec: ClusterSpec) -> Cluster:
        """See :meth:`ClusterStore.update_spec`."""
        return self._target().update_spec(spec)

    def set_credentials(self, name: str, credentials: Credentials | None) -> Cluster:
        """See :meth:`ClusterStore.set_credentials`."""
        return self._target().set_credentials(name, credentials)

    def get_credentials(self, name: str) -> Credentials | None:
        """See :meth:`ClusterStore.get_credentials`."""
        return self._target().get_credentials(name)

    def remove(self, name: str) -> bool:
        """See :meth:`ClusterStore.remove`."""
        return self._target().remove(name)

    def record_probe(self, name: str, status: ClusterStatus, capabilities: Capabilities | None) -> Cluster:
        """See :meth:`ClusterStore.record_probe`."""
        return self._target().record_probe(name, status, capabilities)

    def revision(self) -> int:
        """See :meth:`ClusterStore.revision`."""
        return self._target().revision()

    def snapshot(self) -> StoredFleet:
        """See :meth:`ClusterStore.snapshot`."""
        return self._target().snapshot()

    def close(self) -> None:
        """Close the underlying store if it was ever opened (closing never opens it)."""
        with self._lock:
            store, self._store = self._store, None
        if store is not None:
            store.close()
