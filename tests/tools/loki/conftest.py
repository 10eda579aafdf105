"""Fixtures of the logs tests: an HTTP client pool (respx intercepts it) and a service factory on a fixed clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from tests.tools.loki.builders import T0
from tools.loki import LogsService, LokiLimits
from tools.targets import HttpClientPool


@pytest.fixture
async def pool() -> AsyncIterator[HttpClientPool]:
    """A client pool closed after the test (respx patches its transport)."""
    clients = HttpClientPool(timeout=5.0)
    yield clients
    await clients.aclose()


ServiceFactory = Callable[..., LogsService]


@pytest.fixture
def make_service(pool: HttpClientPool) -> ServiceFactory:
    """Build a LogsService with default limits (overridable per test) whose clock reads T0."""

    def build(**limits: Any) -> LogsService:
        return LogsService(pool, LokiLimits(**limits), clock=lambda: T0)

    return build
