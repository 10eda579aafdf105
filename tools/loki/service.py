"""The logs service every logs MCP tool calls: :class:`LogsService`.

The caller (the MCP layer) resolves the cluster selection into one :class:`~tools.targets.BackendTarget` per cluster
(the cluster's registered ``loki`` endpoint); the service applies the guardrails, fans out through
:func:`tools.gather.collect`, merges, summarises and keeps every response under ``limits.response_max_bytes``.
Results say how each cluster answered; "no data" is a success with a note saying what was searched where; when no
cluster answered, a :class:`~tools.errors.BackendError` says why (Loki's own message verbatim for bad LogQL).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Literal

from tools.loki.context import LokiContext, LokiLimits
from tools.loki.labels import run_label_values, run_labels
from tools.loki.pattern_query import GroupBy, run_patterns
from tools.loki.query import run_query
from tools.loki.results import LabelNamesResult, LabelValuesResult, LogsQueryResult, PatternsResult
from tools.targets import BackendTarget, HttpClientPool

__all__ = ["LogsService"]

TimeArg = str | float | None


class LogsService:
    """Loki queries over a fleet, summarised for a model's context window. Build one per process."""

    def __init__(self, pool: HttpClientPool, limits: LokiLimits, *, clock: Callable[[], float] = time.time) -> None:
        self._ctx = LokiContext(pool, limits, clock)

    @property
    def limits(self) -> LokiLimits:
        """The guardrails and budgets in force."""
        return self._ctx.limits

    async def query(
        self,
        targets: Sequence[BackendTarget],
        logql: str,
        *,
        start: TimeArg = None,
        end: TimeArg = None,
        limit: int | None = None,
        step: str | float | None = None,
        instant: bool = False,
        tenant: str | None = None,
        cursor: str | None = None,
    ) -> LogsQueryResult:
        """Lines per stream (newest first) of a log query, or per-series summaries of a metric query."""
        return await run_query(
            self._ctx,
            targets,
            logql,
            start=start,
            end=end,
            limit=limit,
            step=step,
            instant=instant,
            tenant=tenant,
            cursor=cursor,
        )

    async def labels(
        self,
        targets: Sequence[BackendTarget],
        *,
        start: TimeArg = None,
        end: TimeArg = None,
        query: str | None = None,
        tenant: str | None = None,
        limit: int = 200,
        cursor: str | None = None,
    ) -> LabelNamesResult:
        """Label names in the window, merged across clusters."""
        return await run_labels(
            self._ctx, targets, start=start, end=end, query=query, tenant=tenant, limit=limit, cursor=cursor
        )

    async def label_values(
        self,
        targets: Sequence[BackendTarget],
        label: str,
        *,
        start: TimeArg = None,
        end: TimeArg = None,
        query: str | None = None,
        tenant: str | None = None,
        limit: int = 200,
        cursor: str | None = None,
    ) -> LabelValuesResult:
        """Values of ``label`` in the window, merged across clusters."""
        return await run_label_values(
            self._ctx, targets, label, start=start, end=end, query=query, tenant=tenant, limit=limit, cursor=cursor
        )

    async def patterns(
        self,
        targets: Sequence[BackendTarget],
        logql: str,
        *,
        start: TimeArg = None,
        end: TimeArg = None,
        baseline: Literal["previous", "none"] = "previous",
        group_by: GroupBy = "namespace",
        top_k: int = 10,
        sample_limit: int | None = None,
        min_count: int = 10,
        burst_ratio: float = 3.0,
        tenant: str | None = None,
    ) -> PatternsResult:
        """Top templates per group and the templates that burst against the baseline window."""
        return await run_patterns(
            self._ctx,
            targets,
            logql,
            start=start,
            end=end,
            baseline=baseline,
            group_by=group_by,
            top_k=top_k,
            sample_limit=sample_limit,
            min_count=min_count,
            burst_ratio=burst_ratio,
            tenant=tenant,
        )
