"""Alertmanager's v2 objects read into result items, and the orders they are listed in.

Severity ranks critical > warning > info > none > anything else (unknown or absent), whatever the case; times are
compared as instants, not strings (Alertmanager writes a variable number of fraction digits).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tools.alertmanager.filters import quote_value
from tools.alertmanager.results import AlertGroupItem, AlertItem, SilenceItem, StateCounts

__all__ = [
    "UNKNOWN_SEVERITY",
    "WATCHDOG",
    "alert_item",
    "alert_order",
    "group_item",
    "group_order",
    "matcher_text",
    "severity_name",
    "severity_rank",
    "silence_item",
    "state_counts",
    "timestamp",
]

WATCHDOG = "Watchdog"
UNKNOWN_SEVERITY = "unknown"
_SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2, "none": 3}
_ANNOTATION_LIMIT = 240
_COMMENT_LIMIT = 300
_EXAMPLES = 3
_ALERTNAMES = 10


def _trim(text: Any, limit: int) -> str:
    value = str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _str_map(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def severity_rank(severity: str | None) -> int:
    """0 for critical … 3 for none, 4 for an unknown or absent severity."""
    return _SEVERITY_RANK.get((severity or "").lower(), len(_SEVERITY_RANK))


def severity_name(severity: str | None) -> str:
    """The severity as counted: its label value, or ``unknown`` when absent or empty."""
    return severity or UNKNOWN_SEVERITY


def timestamp(value: str | None) -> float:
    """Unix seconds of an RFC3339 time; ``inf`` when absent or unreadable (such items sort last)."""
    if not value:
        return math.inf
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return math.inf


def alert_item(cluster: str, raw: dict[str, Any]) -> AlertItem:
    """An :class:`AlertItem` from one gettableAlert (tolerating missing optional fields)."""
    labels = _str_map(raw.get("labels"))
    status = _dict(raw.get("status"))
    receivers = _list(raw.get("receivers"))
    return AlertItem(
        cluster=cluster,
        alertname=labels.pop("alertname", "?"),
        severity=labels.pop("severity", None) or None,
        state=str(status.get("state") or "unknown"),
        fingerprint=str(raw.get("fingerprint") or ""),
        starts_at=str(raw["startsAt"]) if raw.get("startsAt") else None,
        labels=labels,
        annotations={k: _trim(v, _ANNOTATION_LIMIT) for k, v in _str_map(raw.get("annotations")).items()},
        receivers=[str(r.get("name")) for r in receivers if isinstance(r, dict) and r.get("name")],
        silenced_by=_str_list(status.get("silencedBy")),
        inhibited_by=_str_list(status.get("inhibitedBy")),
    )


def alert_order(alert: AlertItem) -> tuple[int, float, str, str, str]:
    """Most severe first, then longest firing, then name, cluster and fingerprint (a stable order for paging)."""
    return (
        severity_rank(alert.severity),
        timestamp(alert.starts_at),
        alert.alertname,
        alert.cluster,
        alert.fingerprint,
    )


def state_counts(alerts: Iterable[AlertItem]) -> StateCounts:
    """Alerts per state; a suppressed alert counts as silenced and/or inhibited, as Alertmanager says why."""
    counts = StateCounts()
    for alert in alerts:
        counts.active += alert.state == "active"
        counts.unprocessed += alert.state == "unprocessed"
        counts.silenced += bool(alert.silenced_by)
        counts.inhibited += bool(alert.inhibited_by)
    return counts


def group_item(
    key: dict[str, str], alerts: list[AlertItem], *, cluster: str | None = None, receiver: str | None = None
) -> AlertGroupItem:
    """Summarise ``alerts`` (already in :func:`alert_order`) as one group."""
    severities = Counter(severity_name(a.severity) for a in alerts)
    names = list(dict.fromkeys(a.alertname for a in alerts))
    starts = [a.starts_at for a in alerts if a.starts_at]
    return AlertGroupItem(
        key=key,
        cluster=cluster,
        receiver=receiver,
        count=len(alerts),
        top_severity=severity_name(alerts[0].severity) if alerts else UNKNOWN_SEVERITY,
        severities=dict(sorted(severities.items(), key=lambda kv: (severity_rank(kv[0]), kv[0]))),
        states=state_counts(alerts),
        clusters=sorted({a.cluster for a in alerts}),
        alertnames=names[:_ALERTNAMES] + ([f"…{len(names) - _ALERTNAMES} more"] if len(names) > _ALERTNAMES else []),
        oldest_starts_at=min(starts, key=timestamp) if starts else None,
        examples=alerts[:_EXAMPLES],
    )


def group_order(group: AlertGroupItem) -> tuple[int, int, float, str]:
    """Groups holding the most severe alert first, then the largest, then the oldest."""
    return (
        severity_rank(group.top_severity),
        -group.count,
        timestamp(group.oldest_starts_at),
        json.dumps([group.cluster, group.receiver, sorted(group.key.items())]),
    )


def matcher_text(raw: Any) -> str:
    """One silence matcher as Alertmanager writes it: ``name="v"``, ``name!="v"``, ``name=~"r"``, ``name!~"r"``."""
    if not isinstance(raw, dict):
        return str(raw)
    equal = raw.get("isEqual", True) is not False  # absent in Alertmanager < 0.22: equality
    op = ("=~" if equal else "!~") if raw.get("isRegex") else ("=" if equal else "!=")
    return f"{raw.get('name', '?')}{op}{quote_value(str(raw.get('value', '')))}"


def silence_item(cluster: str, raw: dict[str, Any]) -> SilenceItem:
    """A :class:`SilenceItem` from one gettableSilence."""
    status = _dict(raw.get("status"))
    matchers = _list(raw.get("matchers"))
    comment = raw.get("comment")
    return SilenceItem(
        cluster=cluster,
        id=str(raw.get("id") or ""),
        state=str(status.get("state") or "unknown"),
        matchers=[matcher_text(m) for m in matchers],
        created_by=str(raw["createdBy"]) if raw.get("createdBy") else None,
        comment=_trim(comment, _COMMENT_LIMIT) if comment else None,
        starts_at=str(raw["startsAt"]) if raw.get("startsAt") else None,
        ends_at=str(raw["endsAt"]) if raw.get("endsAt") else None,
        updated_at=str(raw["updatedAt"]) if raw.get("updatedAt") else None,
    )
