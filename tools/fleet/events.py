"""Fleet events (a cluster was added, removed, changed state or capabilities) and the bus that carries them.

The registry publishes; the web UI's SSE stream, Slack notifications and tests subscribe. :class:`EventBus` is
kept small so a Redis implementation can follow; :class:`InProcessEventBus` serves the embedded mode with
bounded per-subscriber queues: a slow subscriber loses its oldest events (counted) and never blocks the
publisher.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from typing import Literal, Protocol

from pydantic import BaseModel, Field

__all__ = ["EventBus", "EventType", "FleetEvent", "InProcessEventBus", "Subscription"]

EventType = Literal["CLUSTER_STATE_CHANGED", "CLUSTER_CAPABILITIES_CHANGED", "CLUSTER_ADDED", "CLUSTER_REMOVED"]


class FleetEvent(BaseModel):
    """Something that happened to one cluster.

    ``old``/``new`` are the state names for ``CLUSTER_STATE_CHANGED``, the sorted names of the capabilities
    that are present for ``CLUSTER_CAPABILITIES_CHANGED``, and ``None`` for additions and removals.
    """

    type: EventType
    cluster: str
    old: str | list[str] | None = None
    new: str | list[str] | None = None
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class Subscription:
    """One subscriber's bounded queue. Iterate it (``async for event in sub``) or call :meth:`get`."""

    def __init__(self, maxsize: int) -> None:
        self._queue: asyncio.Queue[FleetEvent] = asyncio.Queue(maxsize=maxsize)
        self.dropped = 0  # events discarded because this subscriber fell behind

    def offer(self, event: FleetEvent) -> None:
        """Enqueue ``event``, discarding the oldest queued event when full (never blocks)."""
        if self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
        self._queue.put_nowait(event)

    async def get(self) -> FleetEvent:
        """Wait for the next event."""
        return await self._queue.get()

    def pending(self) -> list[FleetEvent]:
        """Take every queued event without waiting."""
        events: list[FleetEvent] = []
        while not self._queue.empty():
            events.append(self._queue.get_nowait())
        return events

    def __aiter__(self) -> AsyncIterator[FleetEvent]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[FleetEvent]:
        while True:
            yield await self._queue.get()


class EventBus(Protocol):
    """Publish fleet events to every current subscriber."""

    async def publish(self, event: FleetEvent) -> None:
        """Deliver ``event`` to the subscribers; never blocks on a slow one."""
        ...

    def subscribe(self) -> AbstractAsyncContextManager[Subscription]:
        """``async with bus.subscribe() as sub``: receive events published while inside the block."""
        ...


class InProcessEventBus:
    """:class:`EventBus` within one process (asyncio queues of at most ``maxsize`` events per subscriber)."""

    def __init__(self, *, maxsize: int = 1000) -> None:
        self._maxsize = maxsize
        self._subscribers: set[Subscription] = set()

    async def publish(self, event: FleetEvent) -> None:
        """Deliver ``event`` to the subscribers; a full queue drops its oldest event."""
        for subscription in list(self._subscribers):
            subscription.offer(event)

    def subscribe(self) -> AbstractAsyncContextManager[Subscription]:
        """``async with bus.subscribe() as sub``: receive events published while inside the block."""
        return self._subscription()

    @asynccontextmanager
    async def _subscription(self) -> AsyncIterator[Subscription]:
        subscription = Subscription(self._maxsize)
        self._subscribers.add(subscription)
        try:
            yield subscription
        finally:
            self._subscribers.discard(subscription)

    @property
    def subscriber_count(self) -> int:
        """How many subscriptions are open."""
        return len(self._subscribers)
