"""Fixtures of the trace tests: a client pool (respx intercepts it) and a service factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from tools.prometheus import MetricsLimits, MetricsService
from tools.targets import HttpClientPool
from tools.tempo import TracesLimits, TracesService


@pytest.fixture
async def pool() -> AsyncIterator[HttpClientPool]:
    clients = HttpClientPool(timeout=5.0)
    yield clients
    await clients.aclose()


ServiceFactory = Callable[..., TracesService]


@pytest.fixture
def make_service(pool: HttpClientPool) -> ServiceFactory:
    """A TracesService with default limits (overridable), wired to a MetricsService on the same pool."""

    def build(**limits: Any) -> TracesService:
        metrics = MetricsService(pool, MetricsLimits(cluster_timeout_s=2.0, query_timeout_s=1.0))
        return TracesService(pool, TracesLimits(cluster_timeout_s=2.0, query_timeout_s=1.0, **limits), metrics=metrics)

    return build
