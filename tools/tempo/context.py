"""What every trace operation needs: the client pool, the limits and a per-target client factory."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from tools.gather import Collected, collect
from tools.targets import BackendTarget, HttpClientPool
from tools.tempo.client import TempoClient

__all__ = ["TracesContext", "TracesLimits"]

T = TypeVar("T")


@dataclass(frozen=True)
class TracesLimits:
    """Guardrails and budgets of the trace tools.

    ``max_range_s`` bounds a search window (Tempo scans every block in it); ``trace_fetches`` bounds how many
    traces one cluster fetches at once when a tool samples traces (compare, service graph without metrics).
    """

    max_range_s: int = 24 * 3600
    response_max_bytes: int = 12_000
    resource_max_bytes: int = 1_000_000
    query_timeout_s: float = 12.0
    cluster_timeout_s: float = 15.0
    concurrency: int = 32
    trace_fetches: int = 4


@dataclass(frozen=True)
class TracesContext:
    """The pool and limits shared by the operations of one :class:`~tools.tempo.service.TracesService`."""

    pool: HttpClientPool
    limits: TracesLimits

    def client(self, target: BackendTarget) -> TempoClient:
        """A client for ``target``; its timeout stays inside the per-cluster fan-out deadline."""
        timeout = min(self.limits.query_timeout_s, self.limits.cluster_timeout_s * 0.9)
        return TempoClient(self.pool.for_target(target), target, timeout=timeout)

    async def each(
        self,
        targets: Sequence[BackendTarget],
        call: Callable[[TempoClient], Awaitable[T]],
        *,
        query: str | None = None,
        time_range: str | None = None,
        timeout_factor: float = 1.0,
    ) -> Collected[T]:
        """Run ``call`` with each target's client; per-cluster outcomes; Tempo's own error when all said 400."""
        return await collect(
            targets,
            lambda target: call(self.client(target)),
            backend="tempo",
            timeout=self.limits.cluster_timeout_s * timeout_factor,
            concurrency=self.limits.concurrency,
            query=query,
            time_range=time_range,
        )
