"""Fixtures of the metrics tests: an HTTP client pool (respx intercepts it) and a service factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from tools.prometheus import MetricsLimits, MetricsService
from tools.targets import BackendTarget, HttpClientPool


@pytest.fixture
async def pool() -> AsyncIterator[HttpClientPool]:
    """A client pool closed after the test (respx patches its transport)."""
    clients = HttpClientPool(timeout=5.0)
    yield clients
    await clients.aclose()


ServiceFactory = Callable[..., MetricsService]


@pytest.fixture
def make_service(pool: HttpClientPool) -> ServiceFactory:
    """Build a MetricsService with default limits, overridable per test."""

    def build(global_view: BackendTarget | None = None, **limits: Any) -> MetricsService:
        return MetricsService(pool, MetricsLimits(**limits), global_view=global_view)

    return build
