"""Normalise core/v1 and events.k8s.io/v1 Events into one shape and group them by involved object and reason.

core/v1 ``Event``: ``involvedObject``, ``type``, ``reason``, ``message``, ``count``, ``firstTimestamp``,
``lastTimestamp``, ``eventTime``, ``series {count, lastObservedTime}``, ``source.component``/``reportingComponent``.
events.k8s.io/v1 ``Event``: ``regarding``, ``type``, ``reason``, ``note``, ``eventTime``,
``series {count, lastObservedTime}``, ``deprecatedCount``/``deprecatedFirstTimestamp``/``deprecatedLastTimestamp``,
``reportingController``. A series' count includes the first occurrence; otherwise ``count``/``deprecatedCount``
(default 1) is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tools.kubernetes.fields import as_dict, as_int, meta, trim
from tools.kubernetes.results import EventGroup

__all__ = ["NormalEvent", "event_sort_key", "group_events", "normalise_event"]


@dataclass(frozen=True)
class NormalEvent:
    """One event, whichever API it came from."""

    namespace: str | None
    kind: str | None
    name: str | None
    type: str
    reason: str | None
    message: str | None
    count: int
    first: str | None
    last: str | None
    source: str | None


def normalise_event(obj: dict[str, Any]) -> NormalEvent:
    """Read either Event shape (``regarding`` marks events.k8s.io/v1)."""
    new_api = "regarding" in obj or "note" in obj or "deprecatedCount" in obj
    ref = as_dict(obj.get("regarding") if new_api else obj.get("involvedObject"))
    series = as_dict(obj.get("series"))
    if new_api:
        count = as_int(series.get("count")) or as_int(obj.get("deprecatedCount")) or 1
        first = obj.get("deprecatedFirstTimestamp") or obj.get("eventTime")
        last = series.get("lastObservedTime") or obj.get("deprecatedLastTimestamp") or obj.get("eventTime")
        message = obj.get("note")
        source = obj.get("reportingController") or as_dict(obj.get("deprecatedSource")).get("component")
    else:
        count = as_int(series.get("count")) or as_int(obj.get("count")) or 1
        first = obj.get("firstTimestamp") or obj.get("eventTime")
        last = series.get("lastObservedTime") or obj.get("lastTimestamp") or obj.get("eventTime")
        message = obj.get("message")
        source = as_dict(obj.get("source")).get("component") or obj.get("reportingComponent")
    first = first or meta(obj).get("creationTimestamp")
    return NormalEvent(
        namespace=ref.get("namespace") or meta(obj).get("namespace"),
        kind=ref.get("kind"),
        name=ref.get("name"),
        type=str(obj.get("type") or "Normal"),
        reason=obj.get("reason"),
        message=trim(message),
        count=count,
        first=str(first) if first else None,
        last=str(last or first) if (last or first) else None,
        source=str(source) if source else None,
    )


def _earlier(a: str | None, b: str | None) -> bool:
    """True when timestamp ``a`` is before ``b`` (a missing ``b`` counts as later than anything)."""
    ea, eb = _epoch(a), _epoch(b)
    return ea is not None and (eb is None or ea < eb)


def group_events(cluster: str, raw: list[dict[str, Any]]) -> list[EventGroup]:
    """Collapse events about the same object with the same type and reason; counts add up, times widen."""
    groups: dict[tuple[Any, ...], EventGroup] = {}
    for obj in raw:
        e = normalise_event(obj)
        key = (e.namespace, e.kind, e.name, e.type, e.reason)
        group = groups.get(key)
        if group is None:
            groups[key] = EventGroup(
                cluster=cluster,
                namespace=e.namespace,
                object_kind=e.kind,
                object_name=e.name,
                type=e.type,
                reason=e.reason,
                message=e.message,
                count=e.count,
                first_seen=e.first,
                last_seen=e.last,
                source=e.source,
            )
            continue
        group.count += e.count
        if _earlier(e.first, group.first_seen):
            group.first_seen = e.first
        if e.last and (group.last_seen is None or not _earlier(e.last, group.last_seen)):
            group.last_seen, group.message = e.last, e.message or group.message
    return list(groups.values())


def _epoch(timestamp: str | None) -> float | None:
    if not timestamp:
        return None
    try:
        return datetime.fromisoformat(timestamp).timestamp()
    except ValueError:
        return None


def event_sort_key(group: EventGroup) -> tuple[int, int, float, int, str, str, str]:
    """Warnings first, then most recently seen (undated last), then most frequent, then by place."""
    last = _epoch(group.last_seen)
    return (
        0 if group.type == "Warning" else 1,
        0 if last is not None else 1,
        -(last or 0.0),
        -group.count,
        group.cluster,
        group.namespace or "",
        f"{group.object_kind}/{group.object_name}/{group.reason}",
    )
