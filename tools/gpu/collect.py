"""Run the GPU tools' PromQL through :class:`~tools.prometheus.MetricsService` and merge per-cluster outcomes.

A GPU answer combines several queries; a cluster's status is the worst it had in any of them. Instant answers are
read page by page (the metrics service caps each page) so every GPU is seen; optional metrics (power limit,
kube-state-metrics) that fail everywhere leave a note instead of sinking the answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tools.contract import ClusterOutcome
from tools.errors import BackendError
from tools.prometheus import MetricsService
from tools.targets import BackendTarget

__all__ = ["Collector", "GpuKey", "Row", "Series", "gpu_key"]

_PAGE = 500
_MAX_PAGES = 40
_RANK = {"ok": 0, "timeout": 1, "error": 2}

GpuKey = tuple[str, str, str]  # (cluster, node, gpu index)


@dataclass(frozen=True)
class Row:
    """One instant sample: its cluster, full labels and value."""

    cluster: str
    labels: dict[str, str]
    value: float


@dataclass(frozen=True)
class Series:
    """One range series: its cluster, labels and ``(unix seconds, value)`` points."""

    cluster: str
    labels: dict[str, str]
    points: list[tuple[float, float]]


def gpu_key(cluster: str, labels: dict[str, str]) -> GpuKey:
    """The identity of the GPU a sample belongs to."""
    return cluster, labels.get("Hostname", ""), labels.get("gpu", "")


@dataclass
class Collector:
    """Query helper bound to one call's targets and evaluation time; accumulates outcomes and notes."""

    metrics: MetricsService
    targets: Sequence[BackendTarget]
    at: float
    outcomes: dict[str, ClusterOutcome] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def _merge(self, outcomes: Sequence[ClusterOutcome]) -> None:
        for outcome in outcomes:
            known = self.outcomes.get(outcome.cluster)
            if known is None or _RANK[outcome.status] > _RANK[known.status]:
                self.outcomes[outcome.cluster] = outcome.model_copy()

    @property
    def answered(self) -> list[str]:
        """Clusters that answered every query that reached them."""
        return sorted(c for c, o in self.outcomes.items() if o.status == "ok")

    async def instant(self, promql: str, *, optional: bool = False) -> list[Row]:
        """Every sample of ``promql`` at ``at`` (finite values only)."""
        rows: list[Row] = []
        cursor: str | None = None
        try:
            for _ in range(_MAX_PAGES):
                result = await self.metrics.query(self.targets, promql, time=self.at, top_k=_PAGE, cursor=cursor)
                self._merge(result.clusters)
                for sample in result.samples:
                    value = _number(sample.value)
                    if value is not None:
                        rows.append(Row(sample.cluster, {**result.common_labels, **sample.labels}, value))
                cursor = result.next_cursor
                if cursor is None:
                    return rows
        except BackendError as exc:
            if not optional:
                raise
            self.notes.append(f"Optional query failed everywhere and was skipped: {promql} ({str(exc)[:160]})")
            return rows
        self.notes.append(f"Stopped reading {promql!r} after {_MAX_PAGES * _PAGE} samples; narrow the selection.")
        return rows

    async def matrix(self, promql: str, *, start: float, step: float) -> list[Series]:
        """Every series of ``promql`` over ``[start, at]`` at ``step`` (size-capped by the metrics service)."""
        raw: dict[str, Any] = await self.metrics.raw_range(self.targets, promql, start=start, end=self.at, step=step)
        self._merge([ClusterOutcome.model_validate(c) for c in raw.get("clusters", [])])
        if raw.get("truncated"):
            self.notes.append(f"Some series of {promql!r} were left out by the size cap; narrow the selection.")
        out: list[Series] = []
        for item in raw.get("series", []):
            points = [(float(ts), v) for ts, text in item["values"] if (v := _number(text)) is not None]
            out.append(Series(str(item["cluster"]), dict(item["metric"]), points))
        return out


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
