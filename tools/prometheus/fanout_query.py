"""Run one Prometheus call for every selected cluster (or once against the global querier) and collate
outcomes.

Direct mode fans out with :func:`tools.fanout.fan_out`. Global-view mode (Thanos/ACM) sends ONE call to the
querier; callers then attribute each returned item to a cluster by its ``cluster`` label with
:meth:`Gathered.attribute`. If no cluster answered, :func:`gather` raises a
:class:`~tools.errors.BackendError`: Prometheus' own message verbatim when every cluster rejected the request
the same way (the model can fix its PromQL), otherwise a per-cluster summary and a hint.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from tools.contract import ClusterOutcome
from tools.errors import BackendError, ToolInputError
from tools.fanout import FanoutResult, fan_out
from tools.prometheus.client import PrometheusAPIError, PrometheusClient
from tools.prometheus.context import MetricsContext
from tools.targets import BackendTarget

__all__ = ["Gathered", "gather"]

T = TypeVar("T")
_MESSAGE_LIMIT = 300


@dataclass
class Gathered(Generic[T]):
    """Answers of the clusters that answered, the per-cluster outcomes and notes for the result.

    In global-view mode ``values`` holds the querier's single answer under ``global_cluster`` and every
    selected cluster shares the querier's outcome.
    """

    values: list[tuple[str, T]]
    outcomes: list[ClusterOutcome]
    answered: list[str]
    selected: list[str]
    notes: list[str] = field(default_factory=list)
    global_cluster: str | None = None
    cluster_label: str = "cluster"

    def attribute(
        self,
        entries: Sequence[tuple[str, dict[str, str]]],
        *,
        keep_unlabelled: bool = False,
        what: str = "series",
    ) -> list[tuple[str, dict[str, str]] | None]:
        """Final ``(cluster, labels)`` of each ``(source_cluster, labels)`` entry, or ``None`` to drop it.

        Direct mode keeps entries as they are. Global-view mode reads the cluster from the cluster label
        (removing it from the labels), drops entries of clusters that were not selected, and either drops or
        keeps (under the querier's name) entries without the label. Notes name selected clusters with nothing
        and unlabelled drops.
        """
        if self.global_cluster is None:
            return list(entries)
        wanted = set(self.selected)
        out: list[tuple[str, dict[str, str]] | None] = []
        seen: set[str] = set()
        unlabelled = 0
        for source, labels in entries:
            cluster = labels.get(self.cluster_label)
            rest = {k: v for k, v in labels.items() if k != self.cluster_label}
            if cluster is None:
                unlabelled += 1
                out.append((source, rest) if keep_unlabelled else None)
            elif cluster in wanted:
                seen.add(cluster)
                out.append((cluster, rest))
            else:
                out.append(None)
        if unlabelled and not keep_unlabelled:
            self.notes.append(
                f"{unlabelled} {what} had no '{self.cluster_label}' label and were left out (global view cannot tell "
                f"their cluster); keep the label, e.g. sum by ({self.cluster_label}, ...) (...)."
            )
        elif unlabelled:
            self.notes.append(
                f"{unlabelled} {what} had no '{self.cluster_label}' label; shown under '{self.global_cluster}'."
            )
        missing = [c for c in self.selected if c not in seen]
        if missing and entries:
            self.notes.append(f"No {what} for selected cluster(s) in the global view: {', '.join(missing)}.")
        return out


def _concise(result: FanoutResult[BackendTarget, T]) -> str | None:
    """A short per-cluster message: the error's first clause, HTTP status and backend body, without the query."""
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


async def gather(
    ctx: MetricsContext,
    targets: Sequence[BackendTarget],
    call: Callable[[PrometheusClient], Awaitable[T]],
    *,
    query: str | None = None,
    time_range: str | None = None,
) -> Gathered[T]:
    """Run ``call`` per target (or once on the global querier) and collate; raise when nobody answered."""
    selected = [t.cluster for t in targets]
    if not selected:
        raise ToolInputError("No cluster selected.", hint="Select one or more clusters of the fleet.")
    keys = [ctx.global_view] if ctx.global_view is not None else list(targets)
    results = await fan_out(
        keys,
        lambda target: call(ctx.client(target)),
        cluster_of=lambda target: target.cluster,
        timeout=ctx.limits.cluster_timeout_s,
        concurrency=ctx.limits.concurrency,
        hints=ctx.hints,
    )
    ok = [r for r in results if r.status == "ok"]
    if not ok:
        _raise_all_failed(results, query=query, time_range=time_range, global_view=ctx.global_view is not None)
    values = [(r.cluster, r.value) for r in ok if r.value is not None]
    if ctx.global_view is not None:
        querier = results[0]
        outcomes = [ClusterOutcome(cluster=c, status="ok", latency_ms=round(querier.latency_ms, 1)) for c in selected]
        return Gathered(
            values,
            outcomes,
            selected,
            selected,
            global_cluster=querier.cluster,
            cluster_label=ctx.cluster_label,
        )
    outcomes = [
        ClusterOutcome(cluster=r.cluster, status=r.status, message=_concise(r), latency_ms=round(r.latency_ms, 1))
        for r in results
    ]
    gathered = Gathered(values, outcomes, [r.cluster for r in ok], selected)
    failed = [r.cluster for r in results if r.status != "ok"]
    if failed:
        gathered.notes.append(
            f"Partial result: {len(ok)} of {len(results)} clusters answered; failed: {', '.join(failed)} "
            "(details in clusters)."
        )
    return gathered


def _raise_all_failed(
    results: Sequence[FanoutResult[BackendTarget, T]],
    *,
    query: str | None,
    time_range: str | None,
    global_view: bool,
) -> None:
    user_errors = [e for e in (r.error for r in results) if isinstance(e, PrometheusAPIError) and e.is_user_error]
    if user_errors:
        # Nobody answered and at least one Prometheus said the request itself is wrong: fixing the query is the next
        # step wherever it runs, so lead with Prometheus' own words and only name the clusters that failed otherwise.
        first = user_errors[0]
        if len(results) == 1:
            raise first
        others = sorted({e.error or "" for e in user_errors} - {first.error or ""})[:2]
        said = f" Other clusters said: {' / '.join(others)}" if others else ""
        failed_otherwise = [r.cluster for r in results if not any(r.error is e for e in user_errors)]
        rejected = "all" if not failed_otherwise else f"{len(user_errors)} of"
        unanswered = f"; failed otherwise: {', '.join(failed_otherwise[:10])}" if failed_otherwise else ""
        raise PrometheusAPIError(
            f"Prometheus rejected the request on {rejected} {len(results)} clusters ({first.error_type}){unanswered}",
            error_type=first.error_type,
            error=first.error,
            query=query,
            time_range=time_range,
            status=first.status,
            hint=f"{first.hint}{said}",
        )
    lines = [f"{r.cluster}: {r.status} ({_concise(r)})" for r in results[:20]]
    more = f"; and {len(results) - 20} more" if len(results) > 20 else ""
    where = "the global-view querier" if global_view else f"any of the {len(results)} clusters"
    raise BackendError(
        f"No answer from {where}: " + "; ".join(lines) + more,
        backend="prometheus",
        query=query,
        time_range=time_range,
        hint=(
            "Check the clusters' health and credentials in the fleet registry, retry later, or select other clusters."
        ),
    )
