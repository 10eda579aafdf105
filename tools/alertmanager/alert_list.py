"""``alerts_list``: the alerts every selected cluster's Alertmanager holds, listed or grouped, most severe first.

The always-firing ``Watchdog`` heartbeat (OpenShift, severity ``none``) is counted per cluster rather than listed,
unless asked for; a fleet where some clusters show it and others do not gets a note naming the silent ones, because
on OpenShift a missing Watchdog means alerts are not reaching Alertmanager.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict
from typing import Any, Literal

from tools.alertmanager.client import AlertFlags
from tools.alertmanager.context import AlertsContext
from tools.alertmanager.filters import AlertQuery, check_limit
from tools.alertmanager.items import (
    WATCHDOG,
    alert_item,
    alert_order,
    group_item,
    group_order,
    severity_name,
    severity_rank,
    state_counts,
)
from tools.alertmanager.results import AlertGroupItem, AlertItem, AlertListResult
from tools.errors import ToolInputError
from tools.gather import Collected, collect
from tools.paging import fill_page, fingerprint, read_cursor
from tools.targets import BackendTarget

__all__ = ["GroupBy", "run_alerts"]

GroupBy = Literal["alertname", "namespace", "severity", "cluster", "alertmanager"]

_KEYS: dict[str, Callable[[AlertItem], str]] = {
    "alertname": lambda a: a.alertname,
    "namespace": lambda a: a.labels.get("namespace") or "(none)",
    "severity": lambda a: severity_name(a.severity),
    "cluster": lambda a: a.cluster,
}


def _describe(query: AlertQuery) -> str:
    flags = query.flags
    kinds = [name for name, on in asdict(flags).items() if on]
    text = "active, silenced, inhibited or unprocessed" if len(kinds) == 4 else " or ".join(kinds)
    matching = [*query.matchers, *([f"receiver=~{query.receiver}"] if query.receiver else [])]
    return text + (f" alerts matching {', '.join(matching)}" if matching else " alerts")


def _drop_one_annotation_set(result: AlertListResult) -> bool:
    for alert in reversed(result.alerts):
        if alert.annotations:
            alert.annotations = {}
            return True
    return False


def _drop_one_example_set(result: AlertListResult) -> bool:
    for group in reversed(result.groups):
        if group.examples:
            group.examples = []
            return True
    return False


def _watchdog_notes(counts: dict[str, int], answered: list[str], query: AlertQuery, listed: bool) -> list[str]:
    notes: list[str] = []
    if counts and not listed:
        notes.append(
            f"Watchdog heartbeat firing on {', '.join(sorted(counts))}: the alerting pipeline works there. It is "
            "counted in watchdog, not listed; pass include_watchdog=true to list it."
        )
    silent = [c for c in answered if c not in counts]
    if counts and silent and not query.narrowed:
        notes.append(
            f"No Watchdog alert from {', '.join(silent)}: on OpenShift it always fires, so alerts may not be "
            "reaching Alertmanager there (ignore for clusters without OpenShift monitoring)."
        )
    return notes


async def _fetch(
    ctx: AlertsContext, targets: Sequence[BackendTarget], query: AlertQuery, grouped: bool
) -> Collected[list[dict[str, Any]]]:
    def call(target: BackendTarget) -> Awaitable[list[dict[str, Any]]]:
        client = ctx.client(target)
        if grouped:
            return client.alert_groups(query.flags, query.matchers, query.receiver)
        return client.alerts(query.flags, query.matchers, query.receiver)

    return await collect(
        targets,
        call,
        backend="alertmanager",
        timeout=ctx.limits.cluster_timeout_s,
        concurrency=ctx.limits.concurrency,
        hints=ctx.hints,
        query=" ".join(query.matchers) or None,
    )


async def run_alerts(
    ctx: AlertsContext,
    targets: Sequence[BackendTarget],
    query: AlertQuery,
    *,
    group_by: GroupBy | None = None,
    include_watchdog: bool = False,
    limit: int = 50,
    cursor: str | None = None,
) -> AlertListResult:
    """Alerts (or groups of alerts) across ``targets``, most severe first, then oldest; paged and size-capped."""
    check_limit(limit)
    if group_by == "alertmanager" and query.flags == AlertFlags(False, False, False, True):
        raise ToolInputError(
            "Alertmanager's own groups never hold unprocessed alerts.", hint="Use another group_by or state."
        )
    clusters = sorted(t.cluster for t in targets)
    flags = asdict(query.flags)
    fp = fingerprint(
        "am-alerts", f=flags, m=query.matchers, r=query.receiver, g=group_by, w=include_watchdog, c=clusters
    )
    page = read_cursor(cursor, fp)
    collected = await _fetch(ctx, targets, query, grouped=group_by == "alertmanager")
    listed_watchdog = include_watchdog or query.names_alertname(WATCHDOG)

    unique: dict[tuple[str, str], AlertItem] = {}  # an alert routed to several receivers is in several groups
    am_groups: list[tuple[str, dict[str, Any], list[AlertItem]]] = []
    for cluster, payload in collected.values:
        for raw in payload:
            raw_alerts = raw.get("alerts") if group_by == "alertmanager" else [raw]
            alerts = [alert_item(cluster, a) for a in raw_alerts or [] if isinstance(a, dict)]
            for alert in alerts:
                unique.setdefault((cluster, alert.fingerprint or str(len(unique))), alert)
            if group_by == "alertmanager":
                am_groups.append((cluster, raw, alerts))

    watchdog = Counter(a.cluster for a in unique.values() if a.alertname == WATCHDOG)
    kept = sorted((a for a in unique.values() if listed_watchdog or a.alertname != WATCHDOG), key=alert_order)
    groups: list[AlertGroupItem] = []
    if group_by == "alertmanager":
        for cluster, raw, alerts in am_groups:
            shown = sorted((a for a in alerts if listed_watchdog or a.alertname != WATCHDOG), key=alert_order)
            if shown:
                receiver = raw.get("receiver")
                name = receiver.get("name") if isinstance(receiver, dict) else None
                labels = raw.get("labels")
                key = {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}
                groups.append(group_item(key, shown, cluster=cluster, receiver=str(name) if name else None))
    elif group_by is not None:
        buckets: dict[str, list[AlertItem]] = defaultdict(list)
        for alert in kept:
            buckets[_KEYS[group_by](alert)].append(alert)
        groups = [group_item({group_by: key}, members) for key, members in buckets.items()]
    groups.sort(key=group_order)

    items: list[Any] = kept if group_by is None else groups
    notes = list(collected.notes)
    notes += _watchdog_notes(dict(watchdog), collected.answered, query, listed_watchdog)
    if not kept:
        besides = " other than the Watchdog" if watchdog and not listed_watchdog else ""
        notes.append(f"No {_describe(query)}{besides} in the Alertmanager of {', '.join(collected.answered)}.")
    severities = Counter(severity_name(a.severity) for a in kept)
    result = AlertListResult(
        clusters=collected.outcomes,
        answered=collected.answered,
        notes=notes,
        view="alerts" if group_by is None else "groups",
        group_by=group_by,
        filters=query.matchers,
        states=state_counts(kept),
        severities=dict(sorted(severities.items(), key=lambda kv: (severity_rank(kv[0]), kv[0]))),
        watchdog=dict(sorted(watchdog.items())),
    )
    fill_page(
        result,
        "alerts" if group_by is None else "groups",
        items,
        fp=fp,
        page=page,
        limit=limit,
        cap=ctx.limits.response_max_bytes,
        details=[_drop_one_example_set, _drop_one_annotation_set],
    )
    return result
