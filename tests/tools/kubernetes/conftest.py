"""Fixtures of the Kubernetes adapter tests: a client pool respx intercepts, API targets and the service."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import respx

from tools.kubernetes import KubeLimits, KubernetesService
from tools.targets import BackendAuth, BackendTarget, HttpClientPool

TOKEN = "sha256~kube-token-abcdefghijklmnopqrstuvwxyz0123456789"


def api(cluster: str) -> str:
    """The API server URL of a test cluster."""
    return f"https://api.{cluster}.test:6443"


def target(cluster: str = "hub", token: str | None = TOKEN) -> BackendTarget:
    """The ``api`` target of a test cluster, with a bearer token."""
    return BackendTarget(cluster=cluster, backend="api", base_url=api(cluster), auth=BackendAuth(bearer_token=token))


@pytest.fixture
async def pool() -> AsyncIterator[HttpClientPool]:
    clients = HttpClientPool(timeout=5.0)
    yield clients
    await clients.aclose()


@pytest.fixture
def service(pool: HttpClientPool) -> KubernetesService:
    return KubernetesService(pool, KubeLimits(response_max_bytes=12_000, cluster_timeout_s=2.0))


@pytest.fixture
def router() -> Iterator[Any]:
    """respx router: every request must match a route (an unexpected request fails the test)."""
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        yield mock
