"""What every Alertmanager operation needs: the client pool, the budgets and the fan-out latency hints."""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.alertmanager.client import AlertmanagerClient
from tools.fanout import DEFAULT_CONCURRENCY, LatencyHints
from tools.targets import BackendTarget, HttpClientPool

__all__ = ["AlertsContext", "AlertsLimits"]


@dataclass(frozen=True)
class AlertsLimits:
    """Budgets of the alert tools: response byte cap, per-request and per-cluster timeouts, fan-out width."""

    response_max_bytes: int = 12_000
    request_timeout_s: float = 12.0
    cluster_timeout_s: float = 15.0
    concurrency: int = DEFAULT_CONCURRENCY


@dataclass(frozen=True)
class AlertsContext:
    """The pool, limits and hints shared by the operations of one :class:`~tools.alertmanager.AlertsService`."""

    pool: HttpClientPool
    limits: AlertsLimits
    hints: LatencyHints = field(default_factory=LatencyHints)

    def client(self, target: BackendTarget) -> AlertmanagerClient:
        """A client for ``target``; its own timeout fires before the fan-out deadline so the error names the URL."""
        timeout = min(self.limits.request_timeout_s, self.limits.cluster_timeout_s * 0.9)
        return AlertmanagerClient(self.pool.for_target(target), target, timeout=timeout)
