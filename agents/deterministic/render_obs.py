"""Tables and headlines for logs_* and traces_* results (shapes of tools.loki.results and tools.tempo.results)."""

from __future__ import annotations

from typing import Any

from agents.deterministic.render_common import Section, fmt_num, fmt_unit, items, table

__all__ = [
    "render_logs_label_values",
    "render_logs_labels",
    "render_logs_patterns",
    "render_logs_query",
    "render_traces_compare",
    "render_traces_search",
]


def render_logs_labels(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """The stream label names, one line."""
    names = [str(n) for n in structured.get("names", [])]
    return Section([f"- Log stream labels: {', '.join(names) if names else 'none'}"])


def render_logs_label_values(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """How many values one label has, with the first few, one line."""
    values = [str(v) for v in structured.get("values", [])]
    shown = ", ".join(values[:10]) + (f", … {len(values) - 10} more" if len(values) > 10 else "")
    return Section([f"- Values of `{structured.get('label')}`: {shown or 'none'}"])


def _where(row: dict[str, Any]) -> str:
    labels = row.get("labels") or {}
    place = row.get("namespace") or labels.get("namespace") or labels.get("kubernetes_namespace_name")
    return f"{row.get('cluster')}/{place}" if place else str(row.get("cluster"))


def render_logs_patterns(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """Bursting templates first, then the most frequent templates per group."""
    bursts = items(structured, "bursts")
    burst_rows = [
        [
            _where(b),
            b.get("template"),
            b.get("count"),
            b.get("baseline_count"),
            fmt_num(b.get("rate_per_min"), 2),
            "new" if b.get("new") else f"x{fmt_num(b.get('ratio'))}",
            b.get("example"),
        ]
        for b in bursts
    ]
    lines = []
    if burst_rows:
        lines += ["Bursts against the previous window:", ""]
        lines += table(["Where", "Template", "Lines", "Baseline", "Per min", "Change", "Example"], burst_rows)
    template_rows = [
        [_where(g), t.get("template"), t.get("count"), fmt_unit(t.get("share"), "%"), t.get("first_seen"),
         t.get("last_seen")]
        for g in items(structured, "groups")
        for t in items(g, "templates")
    ]  # fmt: skip
    if template_rows:
        lines += ["", "Most frequent templates:", ""] if lines else ["Most frequent templates:", ""]
        lines += table(["Where", "Template", "Lines", "Share", "First seen", "Last seen"], template_rows)
    if bursts:
        top = bursts[0]
        change = "new" if top.get("new") else f"x{fmt_num(top.get('ratio'))} vs baseline"
        headline = f"Burst: “{top.get('template')}” — {top.get('count')} lines ({change}) in {_where(top)}."
    elif template_rows:
        group = max(items(structured, "groups"), key=lambda g: int(g.get("lines") or 0))
        first = items(group, "templates")[0] if items(group, "templates") else {}
        headline = (
            f"No burst against the previous window; most frequent: “{first.get('template')}” "
            f"({first.get('count')} lines in {_where(group)})."
        )
    else:
        headline = "No matching log lines in the window."
    return Section(lines, headline)


def render_logs_query(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """The newest lines across streams."""
    rows = []
    for s in items(structured, "streams"):
        labels = s.get("labels") or {}
        pod = labels.get("pod") or labels.get("kubernetes_pod_name")
        rows += [[ln.get("time"), s.get("cluster"), pod, ln.get("line")] for ln in items(s, "lines")]
    rows.sort(key=lambda r: str(r[0]), reverse=True)
    lines = ["Latest lines:", "", *table(["Time", "Cluster", "Pod", "Line"], rows)] if rows else []
    return Section(lines)


def _yes_no(flag: Any) -> str:
    return "-" if flag is None else ("yes" if flag else "no")


def render_traces_search(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """Traces found, slowest first."""
    traces = sorted(items(structured, "traces"), key=lambda t: float(t.get("duration_ms") or 0), reverse=True)
    rows = [
        [t.get("cluster"), t.get("trace_id"), t.get("root_service"), t.get("root_name"), t.get("start"),
         fmt_unit(t.get("duration_ms"), "ms"), t.get("span_count"), _yes_no(t.get("error"))]
        for t in traces
    ]  # fmt: skip
    headers = ["Cluster", "Trace", "Service", "Operation", "Start", "Duration", "Spans", "Error"]
    headline = None
    if traces:
        slowest = traces[0]
        headline = (
            f"{len(traces)} traces; slowest {fmt_unit(slowest.get('duration_ms'), 'ms')} "
            f"({slowest.get('cluster')}/{slowest.get('trace_id')})."
        )
    return Section(table(headers, rows), headline)


def render_traces_compare(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """Slow vs baseline latency of a service and the spans that account for the difference."""
    contributors = items(structured, "contributors")
    rows = [
        [c.get("service"), c.get("span_name"), fmt_unit(c.get("slow_self_ms"), "ms"),
         fmt_unit(c.get("baseline_self_ms"), "ms"), fmt_unit(c.get("delta_ms"), "ms"),
         fmt_unit(None if c.get("share") is None else float(c["share"]) * 100, "%"),
         f"{fmt_num(c.get('slow_calls'))} / {fmt_num(c.get('baseline_calls'))}"]
        for c in contributors
    ]  # fmt: skip
    service = structured.get("service")
    slow, base = structured.get("slow_mean_ms"), structured.get("baseline_mean_ms")
    lines = [
        f"- {service}: {structured.get('slow_traces')} slow traces (mean {fmt_unit(slow, 'ms')}) vs "
        f"{structured.get('baseline_traces')} baseline (mean {fmt_unit(base, 'ms')}).",
        "",
        *table(["Service", "Span", "Slow self", "Baseline self", "Delta", "Share", "Calls slow / base"], rows),
    ]
    headline = None
    if slow is not None and base is not None:
        headline = f"{service}: slow requests take {fmt_unit(slow, 'ms')} against {fmt_unit(base, 'ms')}"
        if contributors:
            top = contributors[0]
            delta = fmt_unit(top.get("delta_ms"), "ms")
            headline += f"; most of it in {top.get('service')} “{top.get('span_name')}” (+{delta})"
        headline += "."
    return Section(lines, headline)
