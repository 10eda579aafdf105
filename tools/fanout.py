"""Fan one async call out to many clusters with a concurrency cap and a per-cluster timeout.

One dead or slow cluster never sinks the answer: each cluster yields a :class:`FanoutResult` with status
``ok``/``error``/``timeout``, its latency and either a value or a message.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from tools.contract import ClusterOutcome, ClusterStatusValue
from tools.errors import BackendError, BackendTimeoutError

__all__ = ["DEFAULT_CONCURRENCY", "FanoutResult", "LatencyHints", "fan_out"]

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
    hints: LatencyHints | None = None,
) -> list[FanoutResult[K, T]]:
    """Run ``call(key)`` for every key, at most ``concurrency`` at once, each bounded by ``timeout`` seconds.

    The timeout starts when a call starts (not while it waits for a slot). Results come back in the order of
    ``keys``. With ``hints``, calls start slowest-expected first and the hints learn from this run.
    ``BackendTimeoutError``, ``httpx.TimeoutException`` and the deadline itself become ``timeout`` results;
    other ``BackendError``, ``httpx`` and OS-level failures become ``error`` results; anything else is a bug
    and raises.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    semaphore = asyncio.Semaphore(concurrency)

    async def run_one(key: K) -> FanoutResult[K, T]:
        cluster = cluster_of(key)
        async with semaphore:
            started = time.perf_counter()
            try:
                # asyncio.timeout, not wait_for: wait_for (3.11) runs the call in a task of its own (~40 us a call).
                async with asyncio.timeout(timeout):
                    value = await call(key)
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

    # Longest-expected first: a cluster that timed out last time then waits out its deadline while the fast ones
    # fill the other slots, instead of starting last and adding its whole timeout to the wall time.
    order = sorted(range(len(keys)), key=lambda i: -hints.expected(cluster_of(keys[i]))) if hints else range(len(keys))
    if len(keys) == 1:  # one cluster: no task to spawn and join (~50 us of the per-call path)
        started = [await run_one(keys[0])]
    else:
        started = await asyncio.gather(*(run_one(keys[i]) for i in order))
    results: list[FanoutResult[K, T]] = [started[0]] * len(keys) if started else []
    for position, result in zip(order, started, strict=True):
        results[position] = result
    if hints is not None:
        hints.record(results)
    return results


class LatencyHints:
    """Per-cluster expected call duration (an exponential moving average, seconds), learnt from fan-outs.

    Only the start order of a fan-out uses it; every result and status still comes from the call itself.
    """

    def __init__(self, *, weight: float = 0.5, max_clusters: int = 100_000) -> None:
        self._weight = weight
        self._max_clusters = max_clusters
        self._expected: dict[str, float] = {}

    def expected(self, cluster: str) -> float:
        """Expected duration of the next call to ``cluster`` (0 when never seen)."""
        return self._expected.get(cluster, 0.0)

    def record(self, results: Sequence[FanoutResult[Any, Any]]) -> None:
        """Fold one fan-out's latencies (a timeout counts as its full duration) into the averages."""
        if len(self._expected) > self._max_clusters:  # bounded memory whatever the fleet churn
            self._expected.clear()
        for result in results:
            seconds = result.latency_ms / 1000
            previous = self._expected.get(result.cluster)
            self._expected[result.cluster] = (
                seconds if previous is None else self._weight * seconds + (1 - self._weight) * previous
            )
