"""The metrics service every metrics MCP tool calls: :class:`MetricsService`.

The caller (the MCP layer) resolves the cluster selection into one :class:`~tools.targets.BackendTarget` per
cluster through the fleet registry; the service fans out (or asks the global-view querier once), applies the
guardrails, summarises, pages and keeps every response under ``limits.response_max_bytes``. Results say how
each cluster answered; "no data" is a success with a note saying what was searched where; when no cluster
answered, a :class:`~tools.errors.BackendError` says why (Prometheus' own message verbatim for a bad query).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from tools.prometheus.catalog import run_metadata, run_series
from tools.prometheus.context import MetricsContext, MetricsLimits
from tools.prometheus.health import run_alerts, run_rules, run_targets_health
from tools.prometheus.health_results import AlertsResult, RulesResult, TargetsResult
from tools.prometheus.instant_query import run_query
from tools.prometheus.labels import run_label_names, run_label_values, run_list_names
from tools.prometheus.name_cache import NameCache
from tools.prometheus.range_query import run_query_range, run_raw_range
from tools.prometheus.results import (
    InstantQueryResult,
    LabelNamesResult,
    LabelValuesResult,
    MetadataResult,
    RangeQueryResult,
    RankBy,
    SeriesListResult,
)
from tools.targets import BackendTarget, HttpClientPool

__all__ = ["MetricsLimits", "MetricsService"]


class MetricsService:
    """Prometheus/Thanos queries over a fleet, summarised for a model's context window.

    ``global_view`` switches to Thanos/ACM mode: ONE querier answers for every cluster and series are
    attributed by their ``global_cluster_label``. Build one per process (in a lifespan) around a shared
    ``HttpClientPool``.
    """

    def __init__(
        self,
        pool: HttpClientPool,
        limits: MetricsLimits,
        *,
        global_view: BackendTarget | None = None,
        global_cluster_label: str = "cluster",
    ) -> None:
        self._ctx = MetricsContext(
            pool, limits, global_view, global_cluster_label, names=NameCache(ttl_s=limits.metric_names_cache_s)
        )

    @property
    def limits(self) -> MetricsLimits:
        """The guardrails and budgets in force."""
        return self._ctx.limits

    async def query(
        self,
        targets: Sequence[BackendTarget],
        promql: str,
        *,
        time: str | float | None = None,
        top_k: int = 20,
        cursor: str | None = None,
    ) -> InstantQueryResult:
        """Value of ``promql`` at ``time`` (default now): top-k samples by value across clusters."""
        return await run_query(self._ctx, targets, promql, time=time, top_k=top_k, cursor=cursor)

    async def query_range(
        self,
        targets: Sequence[BackendTarget],
        promql: str,
        *,
        start: str | float = "now-1h",
        end: str | float = "now",
        step: str | float | None = None,
        top_k: int = 10,
        rank_by: RankBy = "max",
        cursor: str | None = None,
    ) -> RangeQueryResult:
        """Per-series statistics of ``promql`` over ``[start, end]``, top-k series by ``rank_by``.

        The result's ``resource_uri`` (``metrics://range/{token}``) names the same query with absolute times;
        read it through :meth:`raw_range` for the unsummarised points.
        """
        return await run_query_range(
            self._ctx,
            targets,
            promql,
            start=start,
            end=end,
            step=step,
            top_k=top_k,
            rank_by=rank_by,
            cursor=cursor,
        )

    async def raw_range(
        self,
        targets: Sequence[BackendTarget],
        promql: str,
        *,
        start: str | float,
        end: str | float,
        step: str | float | None,
    ) -> dict[str, Any]:
        """The full matrix per cluster, capped at ``limits.resource_max_bytes`` (says when it capped)."""
        return await run_raw_range(self._ctx, targets, promql, start=start, end=end, step=step)

    async def list_names(
        self,
        targets: Sequence[BackendTarget],
        *,
        match: str | None = None,
        limit: int = 200,
        cursor: str | None = None,
    ) -> LabelValuesResult:
        """Metric names across clusters; ``match`` filters by case-insensitive substring, or regex if it has
        regex characters."""
        return await run_list_names(self._ctx, targets, match=match, limit=limit, cursor=cursor)

    async def label_names(
        self,
        targets: Sequence[BackendTarget],
        *,
        match: list[str] | None = None,
        limit: int = 200,
        cursor: str | None = None,
    ) -> LabelNamesResult:
        """Label names on series matching ``match`` selectors (all series when omitted)."""
        return await run_label_names(self._ctx, targets, match=match, limit=limit, cursor=cursor)

    async def label_values(
        self,
        targets: Sequence[BackendTarget],
        label: str,
        *,
        match: list[str] | None = None,
        limit: int = 200,
        cursor: str | None = None,
    ) -> LabelValuesResult:
        """Distinct values of ``label`` on series matching ``match`` selectors, merged across clusters."""
        return await run_label_values(self._ctx, targets, label, match=match, limit=limit, cursor=cursor)

    async def series(
        self,
        targets: Sequence[BackendTarget],
        match: list[str],
        *,
        start: str | float | None = None,
        end: str | float | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> SeriesListResult:
        """Label sets of the series matching ``match`` between ``start`` and ``end`` (default: the last hour)."""
        return await run_series(self._ctx, targets, match, start=start, end=end, limit=limit, cursor=cursor)

    async def metadata(
        self,
        targets: Sequence[BackendTarget],
        *,
        metric: str | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> MetadataResult:
        """Type, help and unit of ``metric`` (all metrics when omitted), merged across clusters."""
        return await run_metadata(self._ctx, targets, metric=metric, limit=limit, cursor=cursor)

    async def alerts(
        self,
        targets: Sequence[BackendTarget],
        *,
        state: Literal["firing", "pending", "any"] = "any",
        limit: int = 50,
        cursor: str | None = None,
    ) -> AlertsResult:
        """Active alerts across clusters: firing first, then by severity and age."""
        return await run_alerts(self._ctx, targets, state=state, limit=limit, cursor=cursor)

    async def rules(
        self,
        targets: Sequence[BackendTarget],
        *,
        rule_type: Literal["alert", "record"] | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> RulesResult:
        """Rule groups with each rule's health, last error and state; failing and firing rules first."""
        return await run_rules(self._ctx, targets, rule_type=rule_type, limit=limit, cursor=cursor)

    async def targets_health(
        self,
        targets: Sequence[BackendTarget],
        *,
        limit: int = 50,
        cursor: str | None = None,
    ) -> TargetsResult:
        """Scrape-target health counts per cluster and the down targets with their last error."""
        return await run_targets_health(self._ctx, targets, limit=limit, cursor=cursor)
