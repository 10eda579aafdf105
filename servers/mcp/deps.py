"""What the MCP tools need at run time, built once per entry point from :class:`~servers.settings.Settings`.

``ToolDeps.create`` opens the registry (running migrations), the HTTP client pool and the metrics service; ``aclose``
releases them. With ``lazy_store`` the registry database is opened on the first tool call instead (``aiops mcp``:
a spawned server answers ``tools/list`` without loading SQLAlchemy). Tests build a ``ToolDeps`` with
``transport=httpx.MockTransport(...)`` or against real servers.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from servers.settings import Settings
from tools.fleet import (
    ClusterStore,
    CredentialCipher,
    FleetRegistry,
    InProcessEventBus,
    KeyInfo,
    LazyClusterStore,
    Prober,
    load_or_create_key,
)
from tools.kubernetes import discover_capabilities
from tools.prometheus import MetricsLimits, MetricsService
from tools.targets import BackendAuth, BackendTarget, HttpClientPool

__all__ = ["ToolDeps", "open_deps"]


@dataclass
class ToolDeps:
    """Long-lived resources shared by every tool of one server process."""

    registry: FleetRegistry
    store: ClusterStore
    metrics: MetricsService
    pool: HttpClientPool
    events: InProcessEventBus
    key_info: KeyInfo
    global_view: BackendTarget | None = None

    @classmethod
    def create(
        cls, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None, lazy_store: bool = False
    ) -> ToolDeps:
        """Open the registry (on first use with ``lazy_store``) and build the services described by ``settings``."""
        url = settings.resolved_database_url()
        if settings.encryption_key is None and not url.startswith("sqlite"):
            # A key file per host would let each replica encrypt with its own key and fail to read the others'.
            raise ValueError(
                "A shared database (AIOPS_DATABASE_URL) needs AIOPS_ENCRYPTION_KEY, the same on every host, so "
                "credentials stored by one can be read by all. Generate one with: python -c 'from "
                "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
            )
        key_info = load_or_create_key(
            settings.data_dir, settings.encryption_key.get_secret_value() if settings.encryption_key else None
        )
        cipher = CredentialCipher(key_info.key)

        def open_store() -> ClusterStore:
            from tools.fleet import SqlClusterStore  # SQLAlchemy: loaded here, when the store opens

            return SqlClusterStore(url, cipher)

        # The URL may carry a password: the error names the database without it.
        store = LazyClusterStore(open_store, where=re.sub(r"//[^/@]*@", "//", url)) if lazy_store else open_store()
        pool = HttpClientPool(
            transport=transport,
            timeout=max(settings.query_timeout_s, settings.cluster_timeout_s) + 5,
            max_connections_per_origin=settings.fanout_concurrency,
        )
        events = InProcessEventBus()
        registry = FleetRegistry(store, prober=Prober(pool, api_discovery=discover_capabilities), events=events)
        global_view = None
        if settings.metrics_mode == "global":
            if not settings.global_querier_url:
                store.close()
                raise ValueError("AIOPS_METRICS_MODE=global needs AIOPS_GLOBAL_QUERIER_URL (a Thanos/ACM querier).")
            global_view = BackendTarget(
                cluster="global",
                backend="thanos",
                base_url=settings.global_querier_url,
                auth=BackendAuth(
                    bearer_token=settings.global_querier_token.get_secret_value()
                    if settings.global_querier_token
                    else None
                ),
            )
        limits = MetricsLimits(
            max_range_s=settings.max_range_s,
            max_points_per_series=settings.max_points_per_series,
            max_series=settings.max_series,
            response_max_bytes=settings.response_max_bytes,
            query_timeout_s=settings.query_timeout_s,
            cluster_timeout_s=settings.cluster_timeout_s,
            concurrency=settings.fanout_concurrency,
            metric_names_cache_s=settings.metric_names_cache_s,
        )
        metrics = MetricsService(
            pool, limits, global_view=global_view, global_cluster_label=settings.global_cluster_label
        )
        return cls(
            registry=registry,
            store=store,
            metrics=metrics,
            pool=pool,
            events=events,
            key_info=key_info,
            global_view=global_view,
        )

    async def aclose(self) -> None:
        """Close HTTP clients and the database engine."""
        await self.pool.aclose()
        self.store.close()


@asynccontextmanager
async def open_deps(
    settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None, lazy_store: bool = False
) -> AsyncIterator[ToolDeps]:
    """``ToolDeps.create`` as an async context manager that always closes what it opened."""
    deps = ToolDeps.create(settings, transport=transport, lazy_store=lazy_store)
    try:
        yield deps
    finally:
        await deps.aclose()
