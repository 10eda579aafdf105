"""What every Kubernetes operation shares: the HTTP client pool, the budgets and the fan-out latency hints."""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.fanout import LatencyHints
from tools.kubernetes.client import KubeClient
from tools.targets import BackendTarget, HttpClientPool

__all__ = ["KubeContext", "KubeLimits"]


@dataclass(frozen=True)
class KubeLimits:
    """Budgets of the Kubernetes tools (the MCP layer builds them from the server settings).

    ``log_fetch_bytes`` is what the API may send per pod log (its ``limitBytes``); what is returned is then cut to
    the response cap, newest lines kept.
    """

    response_max_bytes: int = 12_000
    cluster_timeout_s: float = 15.0
    concurrency: int = 32
    log_fetch_bytes: int = 256_000


@dataclass
class KubeContext:
    """The pool, limits and latency hints shared by the operations of one :class:`KubernetesService`."""

    pool: HttpClientPool
    limits: KubeLimits = field(default_factory=KubeLimits)
    hints: LatencyHints = field(default_factory=LatencyHints)

    def client(self, target: BackendTarget) -> KubeClient:
        """A client for ``target``; its HTTP timeout stays inside the per-cluster fan-out deadline."""
        return KubeClient(self.pool.for_target(target), target, timeout=self.limits.cluster_timeout_s * 0.9)
