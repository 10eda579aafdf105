"""What every metrics operation needs: the client pool, the limits and the optional global-view querier."""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.fanout import LatencyHints
from tools.prometheus.client import PrometheusClient
from tools.prometheus.name_cache import NameCache
from tools.targets import BackendTarget, HttpClientPool

__all__ = ["MetricsContext", "MetricsLimits"]


@dataclass(frozen=True)
class MetricsLimits:
    """Guardrails and budgets of the metrics tools (defaults match :class:`servers.settings.Settings`).

    ``resource_max_bytes`` caps the unsummarised data served through a ``metrics://range/...`` resource.
    """

    max_range_s: int = 7 * 24 * 3600
    max_points_per_series: int = 11_000
    max_series: int = 1_000
    response_max_bytes: int = 12_000
    query_timeout_s: float = 12.0
    cluster_timeout_s: float = 15.0
    concurrency: int = 32
    resource_max_bytes: int = 1_000_000
    metric_names_cache_s: float = 60.0


@dataclass(frozen=True)
class MetricsContext:
    """The pool, limits and global-view settings shared by the operations of one :class:`MetricsService`."""

    pool: HttpClientPool
    limits: MetricsLimits
    global_view: BackendTarget | None = None
    cluster_label: str = "cluster"
    hints: LatencyHints = field(default_factory=LatencyHints)
    names: NameCache = field(default_factory=NameCache)

    def client(self, target: BackendTarget) -> PrometheusClient:
        """A client for ``target``; Prometheus' own timeout never outlives the per-cluster fan-out timeout."""
        # 90% of the cluster deadline: Prometheus' own "query timed out" (which names the query) should win the race.
        timeout = min(self.limits.query_timeout_s, self.limits.cluster_timeout_s * 0.9)
        return PrometheusClient(self.pool.for_target(target), target, timeout=timeout)
