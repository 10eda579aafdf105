"""Fan one async call out to many clusters with a concurrency cap and a per-cluster timeout.

One dead or slow cluster never sinks the answer: each cluster yields a :class:`FanoutResult` with status
``ok``/``error``/``timeout``, its latency and either a value or a message.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import httpx

from tools.contract import ClusterOutcome, ClusterStatusValue
from tools.errors import BackendError, BackendTimeoutError

__all__ = ["DEFAULT_CONCURRENCY", "FanoutResult", "fan_out"]

T = TypeVar("T")
K = TypeVar("K")

DEFAULT_CONCURRENCY = 32


@dataclass
class FanoutResult(Generic[K, T]):
    """The outcome of one cluster's call."""

    key: K
    cluster: str
    status: ClusterStatusValue
    value: T | None = None
    message: str | None = None
    error: BaseException | None = None
    latency_ms: float = 0.0

    def outcome(self) -> ClusterOutcome:
        """The per-cluster status line of the result contract."""
        return ClusterOutcome(
            cluster=self.cluster,
            status=self.status,
            message=self.message,
            latency_ms=round(self.latency_ms, 1),
        )


def _classify(exc: BaseException, timeout: float) -> tuple[ClusterStatusValue, str]:
    """Status and message for a failed call: anything that is "no answer in time" reports ``timeout``."""
    if isinstance(exc, BackendTimeoutError):
        return "timeout", str(exc)
    if isinstance(exc, BackendError):
        return "error", str(exc)
    if isinstance(exc, httpx.TimeoutException):
        return "timeout", f"{type(exc).__name__}: {exc or 'no answer'}"
    if isinstance(exc, TimeoutError):  # asyncio.wait_for's deadline (TimeoutError is also an OSError: check first)
        return "timeout", f"no answer within {timeout:g}s"
    return "error", f"{type(exc).__name__}: {exc}"


async def fan_out(
    keys: Sequence[K],
    call: Callable[[K], Awaitable[T]],
    *,
    cluster_of: Callable[[K], str],
    timeout: float,  # noqa: ASYNC109  # a per-call deadline applied to each key, not to fan_out itself
    concurrency: int = DEFAULT_CONCURRENCY,
) -> list[FanoutResult[K, T]]:
    """Run ``call(key)`` for every key, at most ``concurrency`` at once, each bounded by ``timeout`` seconds.

    The timeout starts when a call starts (not while it waits for a slot). Results come back in the order of
    ``keys``. ``BackendTimeoutError``, ``httpx.TimeoutException`` and the deadline itself become ``timeout``
    results; other ``BackendError``, ``httpx`` and OS-level failures become ``error`` results; anything else
    is a bug and raises.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    semaphore = asyncio.Semaphore(concurrency)

    async def run_one(key: K) -> FanoutResult[K, T]:
        cluster = cluster_of(key)
        async with semaphore:
            started = time.perf_counter()
            try:
                value = await asyncio.wait_for(call(key), timeout=timeout)
            # One cluster's failure must not sink the rest (TimeoutError is an OSError: the deadline lands here too).
            except (BackendError, httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
                status, message = _classify(exc, timeout)
                return FanoutResult(
                    key,
                    cluster,
                    status,
                    message=message,
                    error=exc,
                    latency_ms=(time.perf_counter() - started) * 1000,
                )
            return FanoutResult(key, cluster, "ok", value=value, latency_ms=(time.perf_counter() - started) * 1000)

    return list(await asyncio.gather(*(run_one(k) for k in keys)))
