"""A short-lived cache of each Prometheus' metric names.

Models call ``metrics_list_names`` again and again while they write PromQL for an unfamiliar exporter, and the
answer (every ``__name__`` a Prometheus holds) changes only when an exporter is added or removed. Each endpoint's
list is kept for ``ttl_s`` seconds (60 by default, ``AIOPS_METRIC_NAMES_CACHE_S``; 0 turns it off), and an answer
served from it says how old it is. Only the unfiltered list is cached: filters run on it in process.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

__all__ = ["NameCache"]


@dataclass
class NameCache:
    """Metric names per endpoint (``cluster``, base URL), each with the monotonic time it was fetched."""

    ttl_s: float = 60.0
    max_entries: int = 4096
    clock: Callable[[], float] = time.monotonic
    _entries: OrderedDict[tuple[str, str], tuple[float, list[str]]] = field(default_factory=OrderedDict, repr=False)

    def __len__(self) -> int:
        return len(self._entries)

    async def names(self, key: tuple[str, str], fetch: Callable[[], Awaitable[list[str]]]) -> tuple[list[str], float]:
        """The names for ``key`` and their age in seconds (0 when just fetched); ``fetch`` runs on a miss."""
        now = self.clock()
        hit = self._entries.get(key)
        if hit is not None and now - hit[0] < self.ttl_s:
            return hit[1], now - hit[0]
        values = await fetch()
        if self.ttl_s > 0:
            self._entries[key] = (self.clock(), values)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return values, 0.0
