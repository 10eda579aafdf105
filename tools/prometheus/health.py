"""The monitoring stack's own view: active alerts, rule health and scrape-target health, across clusters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from tools.errors import ToolInputError
from tools.paging import fill_page, fingerprint, read_cursor
from tools.prometheus.context import MetricsContext
from tools.prometheus.fanout_query import gather
from tools.prometheus.health_results import (
    AlertItem,
    AlertsResult,
    DownTarget,
    RuleGroupItem,
    RuleItem,
    RulesResult,
    TargetCounts,
    TargetsResult,
)
from tools.targets import BackendTarget

__all__ = ["run_alerts", "run_rules", "run_targets_health"]

_SEVERITY_ORDER = {"critical": 0, "error": 1, "major": 1, "warning": 2, "minor": 3, "info": 4, "none": 5}
_ANNOTATION_LIMIT = 240
_QUERY_LIMIT = 300


def _trim(text: Any, limit: int) -> str:
    value = str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= 1_000:
        raise ToolInputError(f"limit must be between 1 and 1000, got {limit}.", hint="Use the default and page.")


def _drop_one_annotation_set(result: AlertsResult) -> bool:
    for alert in reversed(result.alerts):
        if alert.annotations:
            alert.annotations = {}
            return True
    return False


async def run_alerts(
    ctx: MetricsContext,
    targets: Sequence[BackendTarget],
    *,
    state: Literal["firing", "pending", "any"],
    limit: int,
    cursor: str | None,
) -> AlertsResult:
    """Active alerts, firing first, then by severity (critical first) and age (oldest first)."""
    _check_limit(limit)
    clusters = sorted(t.cluster for t in targets)
    fp = fingerprint("alerts", s=state, c=clusters)
    page = read_cursor(cursor, fp)
    gathered = await gather(ctx, targets, lambda c: c.alerts())
    raw = [(cluster, alert) for cluster, alerts in gathered.values for alert in alerts]
    attributed = gathered.attribute(
        [(c, {str(k): str(v) for k, v in (a.get("labels") or {}).items()}) for c, a in raw],
        keep_unlabelled=True,
        what="alerts",
    )
    items: list[AlertItem] = []
    for kept, (_, alert) in zip(attributed, raw, strict=True):
        if kept is None:
            continue
        cluster, labels = kept
        alert_state = str(alert.get("state", "unknown"))
        if state != "any" and alert_state != state:
            continue
        items.append(
            AlertItem(
                cluster=cluster,
                alertname=labels.pop("alertname", "?"),
                state=alert_state,
                severity=labels.pop("severity", None),
                labels=labels,
                annotations={str(k): _trim(v, _ANNOTATION_LIMIT) for k, v in (alert.get("annotations") or {}).items()},
                active_at=alert.get("activeAt"),
                value=str(alert["value"]) if alert.get("value") is not None else None,
            )
        )
    items.sort(
        key=lambda a: (
            a.state != "firing",
            _SEVERITY_ORDER.get((a.severity or "none").lower(), 6),
            a.active_at or "",
            a.alertname,
            a.cluster,
        )
    )
    notes = list(gathered.notes)
    if not items:
        notes.append(f"No {'active' if state == 'any' else state} alerts on {', '.join(gathered.answered)}.")
    result = AlertsResult(
        clusters=gathered.outcomes,
        answered=gathered.answered,
        notes=notes,
        state=state,
        firing=sum(a.state == "firing" for a in items),
        pending=sum(a.state == "pending" for a in items),
    )
    cap = ctx.limits.response_max_bytes
    fill_page(result, "alerts", items, fp=fp, page=page, limit=limit, cap=cap, details=[_drop_one_annotation_set])
    return result


def _rule_item(rule: dict[str, Any]) -> RuleItem:
    alerting = rule.get("type") == "alerting"
    return RuleItem(
        name=str(rule.get("name", "?")),
        type=str(rule.get("type", "unknown")),
        query=_trim(rule.get("query", ""), _QUERY_LIMIT),
        health=rule.get("health"),
        last_error=rule.get("lastError") or None,
        state=rule.get("state") if alerting else None,
        active_alerts=len(rule.get("alerts") or []) if alerting else None,
    )


def _rule_priority(rule: RuleItem) -> tuple[int, int]:
    return (0 if rule.health == "err" else 1, {"firing": 0, "pending": 1}.get(rule.state or "", 2))


def _drop_quiet_rules(result: RulesResult) -> bool:
    """Remove healthy, inactive rules from the lowest-ranked group that still lists some."""
    for group in reversed(result.groups):
        quiet = [r for r in group.rules if _rule_priority(r) == (1, 2)]
        if quiet:
            group.rules = [r for r in group.rules if _rule_priority(r) != (1, 2)]
            result.notes.append(f"{len(quiet)} healthy inactive rules of group {group.name!r} left out to fit.")
            return True
    return False


async def run_rules(
    ctx: MetricsContext,
    targets: Sequence[BackendTarget],
    *,
    rule_type: Literal["alert", "record"] | None,
    limit: int,
    cursor: str | None,
) -> RulesResult:
    """Rule groups per cluster, groups with failing or firing rules first (in global view: the querier's)."""
    _check_limit(limit)
    clusters = sorted(t.cluster for t in targets)
    fp = fingerprint("rules", t=rule_type, c=clusters)
    page = read_cursor(cursor, fp)
    gathered = await gather(ctx, targets, lambda c: c.rules(rule_type))
    groups: list[RuleGroupItem] = []
    for cluster, raw_groups in gathered.values:
        for group in raw_groups:
            rules = sorted((_rule_item(r) for r in group.get("rules") or []), key=_rule_priority)
            groups.append(
                RuleGroupItem(cluster=cluster, name=str(group.get("name", "?")), file=group.get("file"), rules=rules)
            )
    groups.sort(key=lambda g: (min((_rule_priority(r) for r in g.rules), default=(1, 2)), g.cluster, g.name))
    notes = list(gathered.notes)
    if ctx.global_view is not None:
        notes.append(f"Global view: rules are those the querier {gathered.global_cluster!r} reports for the fleet.")
    if not groups:
        notes.append(f"No {rule_type or ''} rules loaded on {', '.join(gathered.answered)}.".replace("  ", " "))
    result = RulesResult(
        clusters=gathered.outcomes,
        answered=gathered.answered,
        notes=notes,
        rule_type=rule_type,
        unhealthy_rules=sum(r.health == "err" for g in groups for r in g.rules),
    )
    cap = ctx.limits.response_max_bytes
    fill_page(result, "groups", groups, fp=fp, page=page, limit=limit, cap=cap, details=[_drop_quiet_rules])
    return result


async def run_targets_health(
    ctx: MetricsContext, targets: Sequence[BackendTarget], *, limit: int, cursor: str | None
) -> TargetsResult:
    """Scrape-target counts by health per cluster, and the down targets with their last error."""
    _check_limit(limit)
    clusters = sorted(t.cluster for t in targets)
    fp = fingerprint("targets", c=clusters)
    page = read_cursor(cursor, fp)
    gathered = await gather(ctx, targets, lambda c: c.targets("active"))
    raw = [(cluster, t) for cluster, data in gathered.values for t in data.get("activeTargets") or []]
    attributed = gathered.attribute(
        [(c, {str(k): str(v) for k, v in (t.get("labels") or {}).items()}) for c, t in raw],
        keep_unlabelled=True,
        what="targets",
    )
    counts: dict[str, TargetCounts] = {}
    down: list[DownTarget] = []
    for kept, (_, target) in zip(attributed, raw, strict=True):
        if kept is None:
            continue
        cluster, labels = kept
        tally = counts.setdefault(cluster, TargetCounts(cluster=cluster))
        health = target.get("health")
        if health == "up":
            tally.up += 1
        elif health == "down":
            tally.down += 1
            down.append(
                DownTarget(
                    cluster=cluster,
                    job=labels.get("job"),
                    instance=labels.get("instance"),
                    scrape_pool=target.get("scrapePool"),
                    scrape_url=target.get("scrapeUrl"),
                    last_error=_trim(target.get("lastError") or "", _ANNOTATION_LIMIT) or None,
                    last_scrape=target.get("lastScrape"),
                )
            )
        else:
            tally.unknown += 1
    for cluster in gathered.answered:
        if ctx.global_view is None:
            counts.setdefault(cluster, TargetCounts(cluster=cluster))
    down.sort(key=lambda t: (t.cluster, t.job or "", t.instance or ""))
    notes = list(gathered.notes)
    if not raw:
        notes.append(f"No active scrape targets on {', '.join(gathered.answered)}.")
    elif not down:
        notes.append(f"All active scrape targets are up on {', '.join(gathered.answered)}.")
    result = TargetsResult(
        clusters=gathered.outcomes,
        answered=gathered.answered,
        notes=notes,
        per_cluster=sorted(counts.values(), key=lambda c: (-c.down, c.cluster)),
    )
    cap = ctx.limits.response_max_bytes
    fill_page(result, "down_targets", down, fp=fp, page=page, limit=limit, cap=cap)
    return result
