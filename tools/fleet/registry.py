"""The fleet registry as the rest of the product sees it: an async façade over a :class:`ClusterStore`.

MCP tools, the CLI and the probe scheduler use :class:`FleetRegistry` to register clusters, select them (by
names, labels, environment, types), resolve a selection into :class:`BackendTarget` objects carrying decrypted
credentials, summarise the fleet and probe a cluster. Reads are served from a :class:`~tools.fleet.cache.FleetCache`
(no database query, no decryption per call; its module docstring says how fresh it is); writes go to the store,
which is synchronous, in a worker thread (``asyncio.to_thread``) so a slow database never blocks the event loop,
and then refresh the cache. Changes are published on the event bus.
"""

from __future__ import annotations

import asyncio
import builtins
import time
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import ParamSpec, TypeVar

from tools.errors import ToolInputError, UnknownClusterError
from tools.fleet.cache import DEFAULT_MAX_AGE_S, DEFAULT_REFRESH_AFTER_S, FleetCache, FleetView
from tools.fleet.events import EventBus, FleetEvent
from tools.fleet.models import Capabilities, Cluster, ClusterSpec, ClusterType, Credentials, Environment
from tools.fleet.probe import ClusterProber
from tools.fleet.storage import ClusterList, ClusterStore
from tools.fleet.summary import FleetSummary, summarise
from tools.fleet.targeting import BACKENDS, Backend
from tools.targets import BackendTarget

__all__ = ["FleetRegistry", "enabled_capabilities"]

E = TypeVar("E", bound=StrEnum)
P = ParamSpec("P")
R = TypeVar("R")


def enabled_capabilities(capabilities: Capabilities) -> list[str]:
    """Sorted names of the capabilities that are present (what a capability event reports)."""
    return sorted(name for name, value in capabilities.model_dump().items() if value is True)


def _parse_enum(kind: type[E], value: str, what: str) -> E:
    try:
        return kind(value.upper().replace("-", "_"))
    except ValueError:
        valid = ", ".join(m.value for m in kind)
        raise ToolInputError(f"Unknown {what} {value!r}.", hint=f"Valid values: {valid}.") from None


class FleetRegistry:
    """Async access to the registered clusters.

    ``prober`` is needed only by :meth:`probe`; ``events`` (optional) receives additions, removals, changes.
    Changes made by other processes on the same database show within ``refresh_after`` seconds (``max_age``
    bounds probe times that did not change a conclusion); ``monotonic`` is the clock of that rule.
    Records returned by reads are shared with the cache: treat them as read-only.
    """

    def __init__(
        self,
        store: ClusterStore,
        *,
        prober: ClusterProber | None = None,
        events: EventBus | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        refresh_after: float = DEFAULT_REFRESH_AFTER_S,
        max_age: float = DEFAULT_MAX_AGE_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        # Annotations below say ``builtins.list``: inside this class, plain ``list`` names the method.
        self._store = store
        self._prober = prober
        self._events = events
        self._clock = clock
        self._cache = FleetCache(store, refresh_after=refresh_after, max_age=max_age, monotonic=monotonic)

    async def add(self, spec: ClusterSpec, credentials: Credentials | None = None) -> Cluster:
        """Register a cluster (``ClusterExistsError`` if the name is taken) and announce it."""
        cluster = await self._write(self._store.add, spec, credentials)
        await self._publish(FleetEvent(type="CLUSTER_ADDED", cluster=cluster.name, at=self._clock()))
        return cluster

    async def get(self, name: str) -> Cluster:
        """The cluster called ``name``; :class:`UnknownClusterError` (listing the known names) if none."""
        view = await self._view_knowing([name])
        cluster = view.by_name.get(name)
        if cluster is None:
            raise UnknownClusterError([name], sorted(view.by_name))
        return cluster

    async def list(self) -> ClusterList:
        """Every registered cluster, sorted by name."""
        return builtins.list((await self._cache.view()).clusters)

    async def update_spec(self, spec: ClusterSpec) -> Cluster:
        """Replace the registered fields of ``spec.name``; status, capabilities and credentials are kept."""
        return await self._write(self._store.update_spec, spec)

    async def set_credentials(self, name: str, credentials: Credentials | None) -> Cluster:
        """Replace (or with ``None`` delete) the credentials of ``name``."""
        return await self._write(self._store.set_credentials, name, credentials)

    async def remove(self, name: str) -> bool:
        """Unregister ``name``; ``False`` if it was not registered."""
        removed = await self._write(self._store.remove, name)
        if removed:
            await self._publish(FleetEvent(type="CLUSTER_REMOVED", cluster=name, at=self._clock()))
        return removed

    async def select(
        self,
        names: builtins.list[str] | None = None,
        labels: dict[str, str] | None = None,
        environment: str | None = None,
        types: builtins.list[str] | None = None,
    ) -> ClusterList:
        """The clusters matching every given filter (all clusters when none is given), sorted by name.

        ``names``: exact cluster names, each must exist (else :class:`UnknownClusterError`); ``labels``: every
        key=value pair must match; ``environment``/``types``: enum values, case-insensitive.
        """
        env = _parse_enum(Environment, environment, "environment") if environment else None
        wanted_types = {_parse_enum(ClusterType, t, "cluster type") for t in types} if types else None
        view = await self._view_knowing(names or [])
        clusters = view.clusters
        if names:
            unknown = [n for n in dict.fromkeys(names) if n not in view.by_name]
            if unknown:
                raise UnknownClusterError(unknown, sorted(view.by_name))
            wanted = set(names)
            clusters = [c for c in clusters if c.name in wanted]
        return [
            c
            for c in clusters
            if all(c.labels.get(k) == v for k, v in (labels or {}).items())
            and (env is None or c.environment == env)
            and (wanted_types is None or c.type in wanted_types)
        ]

    async def targets(
        self, clusters: ClusterList, backend: Backend
    ) -> tuple[builtins.list[BackendTarget], builtins.list[str]]:
        """Targets for ``backend`` of each of ``clusters`` with decrypted credentials, and the names of the
        clusters that have no such endpoint (so a fan-out can report them rather than skip them silently)."""
        if backend not in BACKENDS:
            raise ToolInputError(f"Unknown backend {backend!r}.", hint=f"Valid backends: {', '.join(BACKENDS)}.")
        view = await self._cache.view()
        targets: builtins.list[BackendTarget] = []
        missing: builtins.list[str] = []
        for cluster in clusters:
            target = view.target(cluster, backend)
            if target is None:
                missing.append(cluster.name)
            else:
                targets.append(target)
        return targets, missing

    async def summary(self) -> FleetSummary:
        """Counts by state, type, environment, platform and capability, from the stored records."""
        return summarise(await self.list(), now=self._clock())

    async def probe(self, name: str) -> Cluster:
        """Probe ``name`` now, store the result, and publish an event if its state or capabilities changed."""
        if self._prober is None:
            raise RuntimeError("FleetRegistry was built without a prober; pass prober=Prober(pool).")
        before = await self.get(name)
        credentials = (await self._cache.view()).credentials(name)
        outcome = await self._prober.probe(before, credentials)
        try:
            after = await asyncio.to_thread(self._store.record_probe, name, outcome.status, outcome.capabilities)
        except BaseException:
            self._cache.invalidate()  # e.g. removed meanwhile
            raise
        self._cache.replace(after)
        at = self._clock()
        if after.status.state != before.status.state:
            await self._publish(
                FleetEvent(
                    type="CLUSTER_STATE_CHANGED",
                    cluster=name,
                    old=before.status.state.value,
                    new=after.status.state.value,
                    at=at,
                )
            )
        old_caps, new_caps = (
            enabled_capabilities(before.capabilities),
            enabled_capabilities(after.capabilities),
        )
        if outcome.capabilities is not None and old_caps != new_caps:
            await self._publish(
                FleetEvent(type="CLUSTER_CAPABILITIES_CHANGED", cluster=name, old=old_caps, new=new_caps, at=at)
            )
        return after

    async def _write(self, call: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run a store write in a worker thread and drop the cached view whatever happened: a failed write may mean
        another process changed the same cluster (e.g. registered the name first), so reload either way."""
        try:
            return await asyncio.to_thread(call, *args, **kwargs)
        finally:
            self._cache.invalidate()

    async def _view_knowing(self, names: builtins.list[str]) -> FleetView:
        # A name this process has not seen may have been registered by another one a moment ago: check now.
        view = await self._cache.view()
        if any(n not in view.by_name for n in names):
            view = await self._cache.view(check=True)
        return view

    async def _publish(self, event: FleetEvent) -> None:
        if self._events is not None:
            await self._events.publish(event)
