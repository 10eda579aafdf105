"""Probe a cluster's endpoints over HTTP and derive its state and capabilities.

:class:`Prober` checks every configured endpoint concurrently, each bounded by ``endpoint_timeout`` seconds:

- api: ``GET /readyz``, falling back to ``GET /version`` when ``/readyz`` answers 404 or 403;
- prometheus, thanos, alertmanager: ``GET /-/ready``; loki, tempo: ``GET /ready``.

All configured endpoints healthy → ONLINE, some → DEGRADED, none → OFFLINE, none configured → UNKNOWN. At the
same time it runs the capability query (:mod:`tools.fleet.capabilities`) on Prometheus (or on the Thanos
querier when the cluster has no Prometheus URL); when that fails, the outcome carries ``capabilities=None``
and the stored capabilities stay as they were. With an ``api_discovery`` (e.g.
``tools.kubernetes.discover_capabilities``) and an ``api`` endpoint, it also asks the Kubernetes API which
operators and stacks exist (:data:`~tools.fleet.models.API_CAPABILITIES`) and merges those flags in; a flag the
API could not tell keeps its previous value and the status message says so. Error texts never contain
credentials: secret values are scrubbed and user-info is removed from URLs.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from tools.errors import BackendError
from tools.fleet.capabilities import CapabilityDetectionError, detect
from tools.fleet.models import (
    API_CAPABILITIES,
    Capabilities,
    Cluster,
    ClusterState,
    ClusterStatus,
    Credentials,
    EndpointHealth,
)
from tools.fleet.targeting import build_target, secret_values
from tools.targets import BackendTarget, HttpClientPool, display_url, redact

__all__ = ["READINESS_PATHS", "ApiDiscovery", "ClusterProber", "ProbeOutcome", "Prober", "derive_state"]

# Capability flags the API determined (absent = unknown) and notes on what it could not tell; raises BackendError
# when the API cannot be asked at all.
ApiDiscovery = Callable[[httpx.AsyncClient, BackendTarget], Awaitable[tuple[Mapping[str, bool], list[str]]]]

# Paths tried in order; the next one only when the previous answered 404/403 (e.g. /readyz hidden by RBAC).
READINESS_PATHS: dict[str, tuple[str, ...]] = {
    "api": ("/readyz", "/version"),
    "prometheus": ("/-/ready",),
    "thanos": ("/-/ready",),
    "alertmanager": ("/-/ready",),
    "loki": ("/ready",),
    "tempo": ("/ready",),
}
_FALLBACK_STATUSES = {403, 404}
_BODY_EXCERPT = 200


@dataclass(frozen=True)
class ProbeOutcome:
    """What one probe found. ``capabilities`` is ``None`` when they could not be detected this time."""

    status: ClusterStatus
    capabilities: Capabilities | None


class ClusterProber(Protocol):
    """Anything that can probe a cluster (the HTTP :class:`Prober`, or a scripted fake in tests)."""

    async def probe(self, cluster: Cluster, credentials: Credentials | None) -> ProbeOutcome:
        """Check ``cluster``'s endpoints with ``credentials``."""
        ...


def derive_state(endpoints: dict[str, EndpointHealth]) -> tuple[ClusterState, str]:
    """The cluster state and a one-line explanation, from the health of its configured endpoints."""
    if not endpoints:
        return (
            ClusterState.UNKNOWN,
            "No endpoint is configured, so there is nothing to probe: add an api URL.",
        )
    down = [h for h in endpoints.values() if not h.healthy]
    reasons = "; ".join(f"{h.endpoint}: {h.error}" for h in down)
    if not down:
        return ClusterState.ONLINE, f"All {len(endpoints)} endpoint(s) healthy."
    if len(down) == len(endpoints):
        return ClusterState.OFFLINE, f"No endpoint is healthy ({reasons})."
    return (
        ClusterState.DEGRADED,
        f"{len(endpoints) - len(down)}/{len(endpoints)} endpoints healthy ({reasons}).",
    )


class Prober:
    """HTTP :class:`ClusterProber` using the shared client pool (one client per TLS configuration)."""

    def __init__(
        self,
        pool: HttpClientPool,
        *,
        endpoint_timeout: float = 5.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        api_discovery: ApiDiscovery | None = None,
    ) -> None:
        self._pool = pool
        self._timeout = endpoint_timeout
        self._clock = clock
        self._api_discovery = api_discovery

    async def probe(self, cluster: Cluster, credentials: Credentials | None) -> ProbeOutcome:
        """Check every configured endpoint of ``cluster`` and detect its capabilities, concurrently."""
        now = self._clock()
        targets = [t for name in cluster.endpoints.configured() if (t := build_target(cluster, name, credentials))]
        if not targets:
            state, message = derive_state({})
            return ProbeOutcome(ClusterStatus(state=state, last_probe=now, message=message), None)
        # Passwords embedded in URLs are secrets too, should an error message quote the URL.
        secrets = secret_values(credentials) + [p for t in targets if (p := urlsplit(t.base_url).password)]
        by_name = {t.backend: t for t in targets}
        query_target = by_name.get("prometheus") or by_name.get("thanos")
        api_target = by_name.get("api") if self._api_discovery is not None else None
        results, detected, discovered = await asyncio.gather(
            asyncio.gather(*(self._check(t, secrets, now) for t in targets)),
            self._detect(query_target, secrets, now) if query_target else _nothing(),
            self._discover(api_target, secrets) if api_target else _nothing(),
        )
        endpoints = {h.endpoint: h for h in results}
        state, message = derive_state(endpoints)
        capabilities: Capabilities | None = None
        if isinstance(detected, Capabilities):
            thanos = endpoints.get("thanos")
            capabilities = detected.model_copy(update={"thanos": thanos is not None and thanos.healthy})
            # The metrics know nothing of the API-detected flags: keep what the API said last time.
            capabilities = capabilities.model_copy(
                update={k: getattr(cluster.capabilities, k) for k in API_CAPABILITIES}
            )
        elif isinstance(detected, str):
            message += f" Capabilities not refreshed: {detected}."
        if isinstance(discovered, tuple):
            flags, notes = discovered
            base = capabilities or cluster.capabilities
            known = {k: bool(v) for k, v in flags.items() if k in API_CAPABILITIES}
            capabilities = base.model_copy(update={**known, "detected_at": now})
            if notes:
                message += f" API capabilities kept as they were where unknown: {'; '.join(notes)}."
        elif isinstance(discovered, str):
            message += f" API capabilities not refreshed: {discovered}."
        return ProbeOutcome(
            ClusterStatus(state=state, last_probe=now, endpoints=endpoints, message=message), capabilities
        )

    async def _check(self, target: BackendTarget, secrets: list[str], now: datetime) -> EndpointHealth:
        started = time.perf_counter()
        status_code: int | None = None
        error: str | None = None
        try:
            client = self._pool.for_target(target)
            # asyncio.timeout bounds the whole check; httpx's timeout alone is per phase (connect, each read).
            async with asyncio.timeout(self._timeout):
                path, response = await self._ready(client, target)
            status_code = response.status_code
            if not response.is_success:
                error = f"HTTP {status_code} from {path}: {response.text[:_BODY_EXCERPT].strip()}"
                if status_code in (401, 403):
                    error += " (check the cluster's credentials)"
        except TimeoutError:
            error = f"no answer within {self._timeout:g} s"
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            error = f"{type(exc).__name__}: {exc}".rstrip(": ")
        except (ssl.SSLError, ValueError) as exc:  # bad CA/cert material, or the server refused the handshake
            error = f"TLS failure: {exc}"
        return EndpointHealth(
            endpoint=target.backend,
            url=display_url(target.base_url),
            healthy=error is None,
            status_code=status_code,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            error=redact(error, secrets) if error else None,
            checked_at=now,
        )

    async def _ready(self, client: httpx.AsyncClient, target: BackendTarget) -> tuple[str, httpx.Response]:
        # Returns the path that gave the final answer, so an error can say which one failed.
        *fallible, last = READINESS_PATHS[target.backend]
        for path in fallible:
            response = await self._get(client, target, path)
            if response.status_code not in _FALLBACK_STATUSES:
                return path, response
        return last, await self._get(client, target, last)

    async def _get(self, client: httpx.AsyncClient, target: BackendTarget, path: str) -> httpx.Response:
        return await client.get(
            target.url(path),
            headers=target.auth.headers(),
            auth=target.auth.httpx_auth(),
            timeout=self._timeout,
        )

    async def _detect(self, target: BackendTarget, secrets: list[str], now: datetime) -> Capabilities | str:
        # Returns the reason as text instead of raising, so gather() keeps the endpoint results.
        try:
            client = self._pool.for_target(target)
            async with asyncio.timeout(self._timeout):
                return await detect(client, target, detected_at=now)
        except TimeoutError:
            return f"capability query got no answer within {self._timeout:g} s"
        except CapabilityDetectionError as exc:
            return redact(str(exc), secrets)
        except (ssl.SSLError, ValueError) as exc:
            return redact(f"TLS failure: {exc}", secrets)

    async def _discover(self, target: BackendTarget, secrets: list[str]) -> tuple[Mapping[str, bool], list[str]] | str:
        # Like _detect: the reason as text, so a failed discovery never costs the endpoint results.
        assert self._api_discovery is not None  # only called when configured
        try:
            client = self._pool.for_target(target)
            async with asyncio.timeout(self._timeout):
                flags, notes = await self._api_discovery(client, target)
        except TimeoutError:
            return f"API discovery got no answer within {self._timeout:g} s"
        except (BackendError, httpx.HTTPError, httpx.InvalidURL) as exc:
            return redact(str(exc).split(" | ")[0], secrets)
        except (ssl.SSLError, ValueError) as exc:
            return redact(f"TLS failure: {exc}", secrets)
        return flags, [redact(n, secrets) for n in notes]


async def _nothing() -> None:
    return None
