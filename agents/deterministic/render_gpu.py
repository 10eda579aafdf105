"""Tables and headlines for the gpu_* tool results (shapes of tools.gpu.results, read as JSON)."""

from __future__ import annotations

from typing import Any

from agents.deterministic.render_common import Section, fmt_num, fmt_unit, items, plural, table

__all__ = [
    "gpu_id",
    "hot_gpus_headline",
    "render_gpu_fleet_summary",
    "render_gpu_health",
    "render_gpu_list_nodes",
    "render_gpu_mig_layout",
    "render_gpu_workloads",
]


def gpu_id(row: dict[str, Any]) -> str:
    """'cluster/node GPU i' for a row carrying cluster, node and gpu."""
    return f"{row.get('cluster')}/{row.get('node')} GPU {row.get('gpu')}"


def _by_temp(structured: dict[str, Any]) -> list[dict[str, Any]]:
    gpus = [g for g in items(structured, "gpus") if g.get("temp_c") is not None]
    return sorted(gpus, key=lambda g: float(g["temp_c"]), reverse=True)


def hot_gpus_headline(nodes: dict[str, Any], threshold_c: float | None) -> str | None:
    """'2 GPUs above 85 °C: gpu-spoke/w0 GPU 3 (88 °C), …' from gpu_list_nodes and gpu_health's threshold."""
    ranked = _by_temp(nodes)
    if not ranked:
        return None
    if threshold_c is None:
        top = ", ".join(f"{gpu_id(g)} ({fmt_unit(g['temp_c'], '°C')})" for g in ranked[:3])
        return f"Hottest GPUs: {top}."
    hot = [g for g in ranked if float(g["temp_c"]) > threshold_c]
    limit = fmt_unit(threshold_c, "°C")
    if not hot:
        return f"No GPU above {limit}; the hottest is {gpu_id(ranked[0])} ({fmt_unit(ranked[0]['temp_c'], '°C')})."
    listed = ", ".join(f"{gpu_id(g)} ({fmt_unit(g['temp_c'], '°C')})" for g in hot[:5])
    more = f" and {len(hot) - 5} more" if len(hot) > 5 else ""
    return f"{plural(len(hot), 'GPU')} above {limit}: {listed}{more}."


def render_gpu_list_nodes(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """GPUs hottest first: temperature, utilisation, power, memory, pods."""
    gpus = _by_temp(structured) + [g for g in items(structured, "gpus") if g.get("temp_c") is None]
    rows = [
        [
            gpu_id(g),
            g.get("model"),
            fmt_unit(g.get("temp_c"), "°C"),
            fmt_unit(g.get("util_pct"), "%"),
            fmt_unit(g.get("power_w"), "W"),
            fmt_unit(g.get("sm_clock_mhz"), "MHz", 0),
            fmt_unit(g.get("fb_used_mib"), "MiB", 0),
            ", ".join(g.get("pods") or []),
        ]
        for g in gpus
    ]
    headers = ["GPU", "Model", "Temp", "Util", "Power", "SM clock", "FB used", "Pods"]
    return Section(table(headers, rows), hot_gpus_headline(structured, None))


def render_gpu_health(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """Health findings, most severe first, with when each started."""
    findings = items(structured, "findings")
    rows = [
        [
            f.get("severity"),
            gpu_id(f),
            str(f.get("kind")) + (f" {f['xid']}" if f.get("xid") is not None else ""),
            f.get("summary"),
            ", ".join(f.get("reasons") or []) or fmt_num(f.get("value")),
            f.get("started") or ("before the window" if f.get("since_before_window") else None),
            f.get("action"),
        ]
        for f in findings
    ]
    checked, healthy = structured.get("gpus_checked"), structured.get("healthy_gpus")
    headline = f"{plural(len(findings), 'GPU health finding')}; {healthy} of {checked} GPUs healthy."
    headers = ["Severity", "GPU", "Kind", "Finding", "Value / reasons", "Since", "Action"]
    return Section(table(headers, rows), headline)


def render_gpu_fleet_summary(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """GPU totals per cluster: inventory, allocation, utilisation, memory, power, health counts."""
    per = items(structured, "per_cluster")
    rows = [
        [
            c.get("cluster"),
            c.get("gpus"),
            ", ".join(f"{n}x {m}" for m, n in (c.get("models") or {}).items()),
            c.get("allocated"),
            c.get("used"),
            c.get("idle_allocated"),
            fmt_unit(c.get("util_mean_pct"), "%"),
            fmt_unit(c.get("util_peak_pct"), "%"),
            f"{fmt_num(c.get('fb_used_mib'), 0)} / {fmt_num(c.get('fb_total_mib'), 0)} MiB",
            fmt_unit(c.get("power_w"), "W"),
            f"{c.get('xid_gpus')} / {c.get('throttled_gpus')} / {c.get('hot_gpus')}",
        ]
        for c in per
    ]
    headers = ["Cluster", "GPUs", "Models", "Allocated", "Used", "Idle alloc.", "Util mean", "Util peak"]
    headers += ["Framebuffer", "Power", "XID / throttled / hot"]
    total = sum(int(c.get("gpus") or 0) for c in per)
    headline = None
    if per:
        used = sum(int(c.get("used") or 0) for c in per)
        window = structured.get("window")
        headline = f"{plural(total, 'GPU')} on {plural(len(per), 'cluster')}; {used} used in the last {window}."
    return Section(table(headers, rows), headline)


def render_gpu_workloads(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """Per-pod GPU use, idle-but-allocated and shared GPUs first."""
    rows = [
        [
            w.get("cluster"),
            f"{w.get('namespace')}/{w.get('pod')}",
            f"{w.get('node')} GPU {w.get('gpu')}" + (f" MIG {w['mig_instance']}" if w.get("mig_instance") else ""),
            fmt_unit(w.get("util_mean_pct"), "%"),
            fmt_unit(w.get("util_peak_pct"), "%"),
            fmt_unit(w.get("fb_used_mib"), "MiB", 0),
            "idle" if w.get("idle") else "in use",
            ", ".join(w.get("shares_gpu_with") or []),
        ]
        for w in items(structured, "workloads")
    ]
    headers = ["Cluster", "Pod", "GPU", "Util mean", "Util peak", "FB used", "State", "Shares GPU with"]
    idle, shared = structured.get("idle_allocated"), structured.get("oversubscribed_gpus")
    threshold = fmt_unit(structured.get("idle_threshold_pct"), "%")
    headline = (
        f"{plural(int(idle or 0), 'workload')} held a GPU below {threshold} for the last {structured.get('window')}; "
        f"{plural(int(shared or 0), 'GPU')} shared without MIG."
    )
    return Section(table(headers, rows), headline)


def render_gpu_mig_layout(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """MIG instances per GPU with their profile, activity and pod."""
    gpus = items(structured, "gpus")
    rows = [
        [
            gpu_id(g),
            g.get("model"),
            i.get("gpu_instance_id"),
            i.get("profile"),
            fmt_unit(i.get("gr_active_pct"), "%"),
            fmt_unit(i.get("gr_active_mean_pct"), "%"),
            fmt_unit(i.get("fb_used_mib"), "MiB", 0),
            i.get("pod"),
        ]
        for g in gpus
        for i in items(g, "instances")
    ]
    headers = ["GPU", "Model", "Instance", "Profile", "Active now", "Active mean", "FB used", "Pod"]
    headline = f"{plural(len(gpus), 'GPU')} in MIG mode with {plural(len(rows), 'instance')}." if gpus else None
    return Section(table(headers, rows), headline)
