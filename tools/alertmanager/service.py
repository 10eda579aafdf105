"""The alerts service every ``alerts_*`` MCP tool calls: :class:`AlertsService`.

The caller (the MCP layer) resolves the cluster selection into one Alertmanager
:class:`~tools.targets.BackendTarget` per cluster; the service fans out with :func:`tools.gather.collect`, orders,
groups, pages and keeps every response under ``limits.response_max_bytes``. Results say how each cluster answered;
"no alerts" is a success with a note saying what was looked for where; when no cluster answered, a
:class:`~tools.errors.BackendError` says why (Alertmanager's own message verbatim for a bad matcher).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tools.alertmanager.alert_list import GroupBy, run_alerts
from tools.alertmanager.context import AlertsContext, AlertsLimits
from tools.alertmanager.filters import AlertQuery, AlertState, SilenceState
from tools.alertmanager.results import AlertListResult, SilenceListResult
from tools.alertmanager.silence_list import run_silences
from tools.targets import BackendTarget, HttpClientPool

__all__ = ["AlertsService"]


class AlertsService:
    """Read-only Alertmanager views over a fleet. Build one per process around a shared ``HttpClientPool``."""

    def __init__(self, pool: HttpClientPool, limits: AlertsLimits | None = None) -> None:
        self._ctx = AlertsContext(pool, limits or AlertsLimits())

    @property
    def limits(self) -> AlertsLimits:
        """The budgets in force."""
        return self._ctx.limits

    async def list_alerts(
        self,
        targets: Sequence[BackendTarget],
        *,
        state: AlertState = "active",
        silenced: bool | None = None,
        inhibited: bool | None = None,
        severity: str | None = None,
        alertname: str | None = None,
        namespace: str | None = None,
        receiver: str | None = None,
        label_matchers: Mapping[str, str] | None = None,
        filters: Sequence[str] = (),
        group_by: GroupBy | None = None,
        include_watchdog: bool = False,
        limit: int = 50,
        cursor: str | None = None,
    ) -> AlertListResult:
        """Alerts matching every filter (exact values quoted, raw ``filters`` verbatim), listed or grouped."""
        query = AlertQuery.build(
            state=state,
            silenced=silenced,
            inhibited=inhibited,
            severity=severity,
            alertname=alertname,
            namespace=namespace,
            receiver=receiver,
            label_matchers=label_matchers,
            filters=filters,
        )
        return await run_alerts(
            self._ctx, targets, query, group_by=group_by, include_watchdog=include_watchdog, limit=limit, cursor=cursor
        )

    async def list_silences(
        self,
        targets: Sequence[BackendTarget],
        *,
        state: SilenceState = "current",
        label_matchers: Mapping[str, str] | None = None,
        filters: Sequence[str] = (),
        created_by: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> SilenceListResult:
        """Silences in ``state`` (current = active and pending), newest first."""
        return await run_silences(
            self._ctx,
            targets,
            state=state,
            label_matchers=label_matchers,
            filters=filters,
            created_by=created_by,
            limit=limit,
            cursor=cursor,
        )
