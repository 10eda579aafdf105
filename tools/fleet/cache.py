"""The fleet as this process last read it, kept in memory so a tool call costs no database query and no decryption.

:class:`FleetCache` holds a :class:`FleetView`: every cluster, its decrypted credentials and the
:class:`~tools.targets.BackendTarget` objects built from them (built once, on first use). Credentials are
decrypted when a token is first seen and then live only in this process's memory: never logged, never in a
``repr``.

Freshness:

- **Writes made by this process** are visible at once: ``add``, spec and credential updates and ``remove``
  drop the view (the next read reloads it; unchanged tokens are not decrypted again) and a probe result
  replaces its one cluster in place (:meth:`FleetCache.replace`).
- **Writes made by another process** on the same database (``aiops serve`` replicas on one Postgres, or the CLI
  beside a server on SQLite) are visible within ``refresh_after`` seconds (default 2 s): a read that finds the
  view older than that asks the store for its revision counter, one primary-key select (~0.1-0.5 ms), and
  reloads the fleet only when the counter moved. Every such write bumps the counter in its own transaction (see
  :mod:`tools.fleet.store`). A name the view does not know makes the next read check at once, so a cluster just
  added elsewhere is usable immediately.
- Probe results that conclude what the previous probe did (same state, endpoint health and capabilities) do not
  bump the counter, so another replica's view may show older probe times and latencies; each replica probes
  for itself, and ``max_age`` (default 60 s, applied at the next check, so at most ``refresh_after`` later)
  bounds that drift, and any write from a process that does not bump the counter, with an unconditional reload.

Why a counter rather than a plain TTL: a TTL reloads and re-validates the whole fleet on every expiry whether
anything changed or not (O(clusters) per replica per interval), so a short bound gets costly on a large fleet;
the counter costs O(1) per check, which allows a 2 s bound, and reloads only on a change. Why not
LISTEN/NOTIFY: it exists only on Postgres and needs a dedicated connection and task per process; the counter
works the same on SQLite and Postgres (one storage suite, one code path).

The check runs on the read path at most once per ``refresh_after`` (the call that finds the view due pays one
small query); reads in between return the in-memory view without awaiting anything. When the database cannot be
reached for a check or a reload, reads keep the last view (a warning is logged, the check is retried after
``refresh_after``): tool calls read the fleet, they need not fail because its database blinked. A process that
has never read the fleet, or has just written to it, has no view to keep and raises.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from tools.fleet.crypto import CredentialKeyError
from tools.fleet.models import Cluster, Credentials
from tools.fleet.storage import ClusterList, ClusterStore, StoredFleet
from tools.fleet.targeting import build_target
from tools.targets import BackendTarget

__all__ = ["DEFAULT_MAX_AGE_S", "DEFAULT_REFRESH_AFTER_S", "FleetCache", "FleetView"]

log = logging.getLogger(__name__)

DEFAULT_REFRESH_AFTER_S = 2.0
DEFAULT_MAX_AGE_S = 60.0


@dataclass
class FleetView:
    """One consistent reading of the fleet. ``clusters`` is sorted by name; treat every part as read-only."""

    stored: StoredFleet = field(repr=False)
    loaded_at: float  # monotonic seconds
    checked_at: float
    generation: int  # FleetCache generation it reflects
    by_name: dict[str, Cluster] = field(init=False, repr=False)
    _targets: dict[tuple[str, str], BackendTarget | None] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.by_name = {c.name: c for c in self.stored.clusters}

    @property
    def revision(self) -> int:
        """The store revision this view is at least as new as."""
        return self.stored.revision

    @property
    def clusters(self) -> ClusterList:
        """Every cluster, sorted by name."""
        return self.stored.clusters

    def credentials(self, name: str) -> Credentials | None:
        """The decrypted credentials of ``name``; ``None`` if it has none. :class:`CredentialKeyError` if they
        cannot be decrypted with this process's key."""
        error = self.stored.unreadable.get(name)
        if error is not None:
            raise CredentialKeyError(str(error))
        return self.stored.credentials.get(name)

    def with_cluster(self, cluster: Cluster, generation: int) -> FleetView:
        """This view with ``cluster``'s record replaced; its targets are kept (same endpoints and credentials)."""
        clusters = [cluster if c.name == cluster.name else c for c in self.clusters]
        view = FleetView(
            replace(self.stored, clusters=clusters),
            loaded_at=self.loaded_at,
            checked_at=self.checked_at,
            generation=generation,
        )
        view._targets.update(self._targets)
        return view

    def target(self, cluster: Cluster, backend: str) -> BackendTarget | None:
        """The target for ``backend`` of ``cluster`` (``None`` without such an endpoint), built once per view."""
        if self.by_name.get(cluster.name) is not cluster:
            # A record from another reading (or one this view no longer has): build it, do not keep it.
            return build_target(cluster, backend, self.credentials(cluster.name))
        key = (cluster.name, backend)
        if key not in self._targets:
            self._targets[key] = build_target(cluster, backend, self.credentials(cluster.name))
        return self._targets[key]


class FleetCache:
    """The in-memory fleet of one process over a :class:`ClusterStore` (see the module docstring for freshness).

    ``monotonic`` is the clock of the refresh rule (tests drive it by hand).
    """

    def __init__(
        self,
        store: ClusterStore,
        *,
        refresh_after: float = DEFAULT_REFRESH_AFTER_S,
        max_age: float = DEFAULT_MAX_AGE_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._refresh_after = refresh_after
        self._max_age = max_age
        self._monotonic = monotonic
        self._view: FleetView | None = None
        # Bumped by every local write: a view loaded before a write (or by a reload racing it) is not current.
        self._generation = 0
        self._lock = asyncio.Lock()

    async def view(self, *, check: bool = False) -> FleetView:
        """The current view; ``check=True`` asks the store for its revision now, whatever the view's age."""
        view = self._view
        if view is not None and not check and self._fresh(view, self._monotonic()):
            return view
        async with self._lock:
            now = self._monotonic()
            view = self._view
            current = view is not None and view.generation == self._generation
            if view is None or not current:
                return await self._load(now)
            if not check and self._fresh(view, now):
                return view  # another caller refreshed it while this one waited
            try:
                unchanged = (
                    now - view.loaded_at < self._max_age
                    and await asyncio.to_thread(self._store.revision) == view.revision
                )
                if not unchanged:
                    return await self._load(now)
            except Exception as exc:  # the database is unreachable: keep answering from the last view
                log.warning(
                    "fleet registry: could not check for changes (%s); serving the fleet as read %.0f s ago",
                    type(exc).__name__,
                    now - view.loaded_at,
                )
            view.checked_at = now
            return view

    async def _load(self, now: float) -> FleetView:
        generation = self._generation
        stored = await asyncio.to_thread(self._store.snapshot)
        view = FleetView(stored, loaded_at=now, checked_at=now, generation=generation)
        self._view = view
        return view

    def invalidate(self) -> None:
        """Forget the view after a local write: the next read reloads it."""
        self._generation += 1
        self._view = None

    def replace(self, cluster: Cluster) -> None:
        """Put a cluster record this process just stored (a probe result) into the view, without a reload.

        Only for records whose endpoints, labels and credentials did not change (targets are kept).
        """
        self._generation += 1
        view = self._view
        if view is None or view.generation != self._generation - 1 or cluster.name not in view.by_name:
            self._view = None  # a reload is due or running: let it read the record from the store
            return
        self._view = view.with_cluster(cluster, self._generation)

    def _fresh(self, view: FleetView, now: float) -> bool:
        # max_age is applied when a check is due, so a reload comes at most refresh_after after it (and a failing
        # database is asked at most once per refresh_after, never on every call).
        return view.generation == self._generation and now - view.checked_at < self._refresh_after
