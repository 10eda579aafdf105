"""Background health probes: each cluster is probed every ``PROBE_INTERVAL_SECONDS[type]`` seconds.

An entry point starts ``ProbeScheduler(registry).run(stop)`` as a task in its lifespan and sets ``stop`` on
shutdown. Every tick it reads the registered clusters, starts a probe for each one that is due (at most
``concurrency`` at a time, never two for the same cluster) and goes back to waiting. A failing probe is logged
and retried at the next interval; it never stops the loop. :func:`due_clusters` is the pure scheduling rule.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Collection, Mapping
from typing import Protocol

from tools.fleet.models import PROBE_INTERVAL_SECONDS, Cluster, ClusterType
from tools.fleet.storage import ClusterList

__all__ = ["ProbeScheduler", "ProbeTarget", "due_clusters"]

log = logging.getLogger(__name__)


class ProbeTarget(Protocol):
    """What the scheduler needs from the registry (``FleetRegistry`` satisfies it)."""

    async def list(self) -> ClusterList:
        """Every registered cluster."""
        ...

    async def probe(self, name: str) -> Cluster:
        """Probe one cluster and record the result."""
        ...


def due_clusters(
    types: Mapping[str, ClusterType],
    last_started: Mapping[str, float],
    now: float,
    *,
    running: Collection[str] = (),
) -> list[str]:
    """Names (sorted) of the clusters whose next probe is due at monotonic time ``now``.

    A cluster is due when it was never probed, or when its type's interval has passed since its last probe
    started; a cluster whose probe is still ``running`` is never due.
    """
    due = []
    for name, cluster_type in sorted(types.items()):
        if name in running:
            continue
        last = last_started.get(name)
        if last is None or now - last >= PROBE_INTERVAL_SECONDS[cluster_type]:
            due.append(name)
    return due


class ProbeScheduler:
    """Probe every registered cluster at its type's interval until told to stop."""

    def __init__(
        self,
        registry: ProbeTarget,
        *,
        now: Callable[[], float] = time.monotonic,
        concurrency: int = 8,
        tick_seconds: float = 1.0,
    ) -> None:
        self._registry = registry
        self._now = now
        self._semaphore = asyncio.Semaphore(concurrency)
        self._tick = tick_seconds
        self._types: dict[str, ClusterType] = {}
        self._last_started: dict[str, float] = {}
        self._running: dict[str, asyncio.Task[None]] = {}

    def due(self, now: float) -> list[str]:
        """The clusters due for a probe at ``now``, as of the last fleet listing."""
        return due_clusters(self._types, self._last_started, now, running=self._running.keys())

    async def run(self, stop: asyncio.Event) -> None:
        """Loop until ``stop`` is set, then wait for the probes in flight to finish."""
        try:
            while not stop.is_set():
                await self.tick()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self._tick)
        finally:
            await self.drain()

    async def drain(self) -> None:
        """Wait for the probes in flight to finish."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def tick(self) -> list[str]:
        """Refresh the fleet listing and start the probes that are due; returns the names started."""
        try:
            clusters = await self._registry.list()
        except Exception:  # the database may be briefly unreachable: try again next tick
            log.exception("probe scheduler: could not list the fleet")
            return []
        self._types = {c.name: c.type for c in clusters}
        # Forget clusters that were removed, so a re-added one is probed at once.
        for name in set(self._last_started) - set(self._types):
            del self._last_started[name]
        now = self._now()
        started = self.due(now)
        for name in started:
            self._last_started[name] = now
            task = asyncio.create_task(self._probe(name), name=f"probe:{name}")
            self._running[name] = task
            task.add_done_callback(self._forget)
        return started

    def _forget(self, task: asyncio.Task[None]) -> None:
        self._running.pop(task.get_name().removeprefix("probe:"), None)

    async def _probe(self, name: str) -> None:
        async with self._semaphore:
            try:
                await self._registry.probe(name)
            except Exception:  # one cluster's failure must never stop the others' probes
                log.warning("probe of cluster %s failed", name, exc_info=True)
