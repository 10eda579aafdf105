"""Fixtures of the Alertmanager tests: an HTTP client pool (respx intercepts it) and a service factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from tools.alertmanager import AlertsLimits, AlertsService
from tools.targets import HttpClientPool

ServiceFactory = Callable[..., AlertsService]


@pytest.fixture
async def pool() -> AsyncIterator[HttpClientPool]:
    """A client pool closed after the test (respx patches its transport)."""
    clients = HttpClientPool(timeout=5.0)
    yield clients
    await clients.aclose()


@pytest.fixture
def make_service(pool: HttpClientPool) -> ServiceFactory:
    """Build an AlertsService with default limits, overridable per test."""

    def build(**limits: Any) -> AlertsService:
        return AlertsService(pool, AlertsLimits(**limits))

    return build
