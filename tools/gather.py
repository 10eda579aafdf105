"""Fan one backend call out to the selected clusters and collate it for the result contract.

:func:`collect` is what every non-Prometheus adapter (Loki, Tempo, Alertmanager, Kubernetes) uses: it runs the call
per :class:`~tools.targets.BackendTarget` through :func:`tools.fanout.fan_out`, turns each cluster's outcome into a
:class:`~tools.contract.ClusterOutcome`, and raises a :class:`~tools.errors.BackendError` when no cluster answered —
the backend's own error verbatim when every failure was the caller's mistake (a bad LogQL/TraceQL query), so the model
can fix it, otherwise one line per cluster and a hint.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from tools.contract import ClusterOutcome
from tools.errors import BackendError, ToolInputError
from tools.fanout import DEFAULT_CONCURRENCY, FanoutResult, LatencyHints, fan_out
from tools.targets import BackendTarget

__all__ = ["Collected", "collect", "is_user_error"]

T = TypeVar("T")
_MESSAGE_LIMIT = 300


@dataclass
class Collected(Generic[T]):
    """The answers of the clusters that answered, every cluster's outcome, and notes for the result."""

    values: list[tuple[str, T]]
    outcomes: list[ClusterOutcome]
    answered: list[str]
    notes: list[str] = field(default_factory=list)


def is_user_error(exc: BaseException | None) -> bool:
    """True for a backend's 400/422 answer: the request itself is wrong wherever it is sent."""
    return isinstance(exc, BackendError) and exc.status in (400, 422)


def _concise(result: FanoutResult[BackendTarget, T]) -> str | None:
    exc = result.error
    if isinstance(exc, BackendError):
        parts = [str(exc).split(" | ", 1)[0]]
        if exc.status is not None:
            parts.append(f"HTTP {exc.status}")
        if exc.body:
            parts.append(exc.body)
        text = "; ".join(parts)
        return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"
    return result.message


async def collect(
    targets: Sequence[BackendTarget],
    call: Callable[[BackendTarget], Awaitable[T]],
    *,
    backend: str,
    timeout: float,  # noqa: ASYNC109  # per-cluster deadline handed to fan_out
    concurrency: int = DEFAULT_CONCURRENCY,
    hints: LatencyHints | None = None,
    query: str | None = None,
    time_range: str | None = None,
) -> Collected[T]:
    """Run ``call`` on every target; collate; raise :class:`BackendError` when no cluster answered."""
    if not targets:
        raise ToolInputError("No cluster selected.", hint="Select one or more clusters of the fleet.")
    results = await fan_out(
        list(targets), call, cluster_of=lambda t: t.cluster, timeout=timeout, concurrency=concurrency, hints=hints
    )
    ok = [r for r in results if r.status == "ok"]
    if not ok:
        _raise_all_failed(results, backend=backend, query=query, time_range=time_range)
    outcomes = [
        ClusterOutcome(cluster=r.cluster, status=r.status, message=_concise(r), latency_ms=round(r.latency_ms, 1))
        for r in results
    ]
    collected = Collected([(r.cluster, r.value) for r in ok if r.value is not None], outcomes, [r.cluster for r in ok])
    failed = [r.cluster for r in results if r.status != "ok"]
    if failed:
        collected.notes.append(
            f"Partial result: {len(ok)} of {len(results)} clusters answered; failed: {', '.join(failed[:20])}"
            f"{' …' if len(failed) > 20 else ''} (details in clusters)."
        )
    return collected


def _raise_all_failed(
    results: Sequence[FanoutResult[BackendTarget, T]], *, backend: str, query: str | None, time_range: str | None
) -> None:
    user_errors = [r.error for r in results if is_user_error(r.error)]
    if user_errors and isinstance(user_errors[0], BackendError):
        # The request itself is wrong: the backend's own words are what lets the caller fix it.
        raise user_errors[0]
    lines = [f"{r.cluster}: {r.status} ({_concise(r)})" for r in results[:20]]
    more = f"; and {len(results) - 20} more" if len(results) > 20 else ""
    raise BackendError(
        f"No answer from any of the {len(results)} clusters: " + "; ".join(lines) + more,
        backend=backend,
        query=query,
        time_range=time_range,
        hint=f"Check the clusters' {backend} endpoints and credentials (fleet_get_cluster), retry, or select others.",
    )
