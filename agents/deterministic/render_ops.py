"""Tables and headlines for fleet, alert, Kubernetes and metrics results (shapes of their tools' result models)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from agents.deterministic.render_common import Section, fmt_bytes, fmt_num, items, plural, table

__all__ = [
    "render_alerts_list",
    "render_fleet_list_clusters",
    "render_k8s_list_events",
    "render_k8s_list_pods",
    "render_metrics_query",
]


def render_fleet_list_clusters(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """Registered clusters with role, environment, state, capabilities and failing endpoints."""
    clusters = items(structured, "items")
    rows = [
        [
            c.get("name"),
            c.get("type"),
            c.get("environment"),
            c.get("state"),
            ", ".join(c.get("capabilities") or []),
            ", ".join(c.get("unhealthy_endpoints") or []),
            c.get("last_probe"),
        ]
        for c in clusters
    ]
    headers = ["Cluster", "Type", "Environment", "State", "Capabilities", "Unhealthy endpoints", "Last probe"]
    states = Counter(str(c.get("state")) for c in clusters)
    headline = f"{plural(len(clusters), 'cluster')}: " + ", ".join(f"{n} {s}" for s, n in sorted(states.items())) + "."
    return Section(table(headers, rows), headline if clusters else "No cluster is registered.")


def _alert_rows(alerts: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            a.get("cluster"),
            a.get("alertname"),
            a.get("severity"),
            a.get("state"),
            a.get("starts_at"),
            (a.get("labels") or {}).get("namespace"),
            (a.get("annotations") or {}).get("summary") or (a.get("annotations") or {}).get("description"),
        ]
        for a in alerts
    ]


def render_alerts_list(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """Alerts (or alert groups) with severity, state and since when; Watchdog counted, not listed."""
    if structured.get("view") == "groups":
        groups = items(structured, "groups")
        rows = [
            [", ".join(f"{k}={v}" for k, v in (g.get("key") or {}).items()), g.get("count"), g.get("top_severity"),
             ", ".join(g.get("alertnames") or [])]
            for g in groups
        ]  # fmt: skip
        total = sum(int(g.get("count") or 0) for g in groups)
        return Section(
            table(["Group", "Alerts", "Top severity", "Alert names"], rows), f"{plural(total, 'active alert')}."
        )
    alerts = items(structured, "alerts")
    headers = ["Cluster", "Alert", "Severity", "State", "Since", "Namespace", "Summary"]
    lines = table(headers, _alert_rows(alerts))
    # The Watchdog heartbeat is counted, not listed; the tool's own note already says where it fires.
    if not alerts:
        return Section(lines, "No alert matches." if arguments.get("state") != "active" else "No alert is firing.")
    names = sorted({str(a.get("alertname")) for a in alerts})
    noun = "alert" if len(alerts) == 1 else "alerts"
    return Section(lines, f"{len(alerts)} {noun}: {', '.join(names)}.")


def render_k8s_list_pods(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """Pods with phase, readiness, restarts, problem and last termination."""
    pods = items(structured, "pods")
    rows = []
    for p in pods:
        term = p.get("last_termination") or {}
        ended = f"{term.get('reason')} (exit {term.get('exit_code')})" if term else None
        rows.append(
            [
                p.get("cluster"),
                f"{p.get('namespace')}/{p.get('name')}",
                p.get("phase"),
                p.get("ready"),
                p.get("restarts"),
                p.get("problem"),
                ended,
                p.get("node"),
            ]
        )
    headers = ["Cluster", "Pod", "Phase", "Ready", "Restarts", "Problem", "Last termination", "Node"]
    problems = [p for p in pods if p.get("problem")]
    named = ", ".join(f"{p.get('cluster')}/{p.get('namespace')}/{p.get('name')} ({p['problem']})" for p in problems[:3])
    headline = f"{plural(len(problems), 'pod')} with a problem" + (f": {named}" if named else "") + "."
    return Section(table(headers, rows), headline)


def render_k8s_list_events(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """Event groups: object, type, reason, count, last seen, latest message."""
    events = items(structured, "events")
    rows = [
        [
            e.get("cluster"),
            f"{e.get('namespace') or '-'}/{e.get('object_kind')}/{e.get('object_name')}",
            e.get("type"),
            e.get("reason"),
            e.get("count"),
            e.get("last_seen"),
            e.get("message"),
        ]
        for e in events
    ]
    reasons = Counter(str(e.get("reason")) for e in events if e.get("type") == "Warning")
    top = ", ".join(f"{r} x{n}" for r, n in reasons.most_common(4))
    headline = plural(int(structured.get("warnings") or 0), "warning event") + (f" ({top})" if top else "") + "."
    return Section(table(["Cluster", "Object", "Type", "Reason", "Count", "Last seen", "Message"], rows), headline)


def _value_text(query: str, value: Any) -> str:
    if "cpu_usage_seconds" in query:
        return f"{fmt_num(value, 3)} cores"
    if "bytes" in query:
        return fmt_bytes(value)
    return fmt_num(value, 3)


def render_metrics_query(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """Samples of an instant query, highest first, with units inferred from the metric name in the query."""
    query = str(structured.get("query") or arguments.get("query") or "")
    common = structured.get("common_labels") or {}
    samples = items(structured, "samples")

    def who(s: dict[str, Any]) -> str:
        labels = {**common, **(s.get("labels") or {})}
        if "pod" in labels:
            return f"{labels.get('namespace', '-')}/{labels['pod']}"
        return ", ".join(f"{k}={v}" for k, v in labels.items()) or "(no labels)"

    rows = [[s.get("cluster"), who(s), _value_text(query, s.get("value"))] for s in samples]
    # Samples come highest first; across several clusters the top one of each cluster reads better than a
    # fleet-wide top 3 that one busy cluster can fill.
    firsts: dict[str, dict[str, Any]] = {}
    for sample in samples:
        firsts.setdefault(str(sample.get("cluster")), sample)
    shown = list(firsts.values()) if len(firsts) > 1 else samples[:3]
    label = "Top per cluster" if len(firsts) > 1 else "Top"
    top = "; ".join(f"{s.get('cluster')}/{who(s)} ({_value_text(query, s.get('value'))})" for s in shown)
    headline = f"{label}: {top}." if samples else "The query returned no sample."
    return Section(table(["Cluster", "Series", "Value"], rows), headline)
