"""What every logs operation needs: the client pool, the limits, and a clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tools.loki.client import LokiClient
from tools.targets import BackendTarget, HttpClientPool

__all__ = ["LokiContext", "LokiLimits"]


@dataclass(frozen=True)
class LokiLimits:
    """Guardrails and budgets of the logs tools.

    ``max_line_chars`` shortens very long log lines in answers (the full line stays in Loki);
    ``pattern_sample_max`` bounds the lines fetched per cluster and window for pattern mining.
    """

    default_range_s: float = 3600.0
    max_range_s: float = 24 * 3600.0
    default_limit: int = 200
    max_limit: int = 5_000
    max_line_chars: int = 1_000
    max_series: int = 50
    pattern_sample_default: int = 2_000
    pattern_sample_max: int = 5_000
    response_max_bytes: int = 12_000
    query_timeout_s: float = 12.0
    cluster_timeout_s: float = 15.0
    concurrency: int = 32


@dataclass(frozen=True)
class LokiContext:
    """The pool, limits and clock shared by the operations of one :class:`~tools.loki.service.LogsService`."""

    pool: HttpClientPool
    limits: LokiLimits
    clock: Callable[[], float] = field(default=time.time)

    def client(self, target: BackendTarget, tenant: str | None) -> LokiClient:
        """A client for ``target``; its HTTP timeout never outlives the per-cluster fan-out deadline."""
        timeout = min(self.limits.query_timeout_s, self.limits.cluster_timeout_s)
        return LokiClient(self.pool.for_target(target), target, tenant=tenant, timeout=timeout)
