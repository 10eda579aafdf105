"""Tables and headlines for the cnf_* tool results (shapes of tools.cnf.results, read as JSON)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from agents.deterministic.render_common import Section, fmt_num, fmt_unit, items, table

__all__ = ["render_cnf_dpdk_stats", "render_cnf_list_workloads", "render_cnf_ptp_status", "render_cnf_sriov_status"]


def _transitions(p: dict[str, Any]) -> str:
    return "; ".join(f"{t.get('from_state')}→{t.get('to_state')} at {t.get('time')}" for t in items(p, "transitions"))


def _offset_ok(flag: Any) -> str:
    return "-" if flag is None else ("ok" if flag else "out of bounds")


def render_cnf_ptp_status(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """PTP state per node, interface and process: state now and since, transitions, offsets, clock class."""
    procs = items(structured, "processes")
    rows = []
    for p in procs:
        offset = p.get("offset") or {}
        rows.append(
            [
                f"{p.get('cluster')}/{p.get('node')}",
                p.get("iface"),
                p.get("process"),
                p.get("state"),
                p.get("state_since") or "whole window",
                _transitions(p),
                fmt_unit(offset.get("max_abs_ns"), "ns") if offset else "-",
                _offset_ok(p.get("offset_ok")),
                p.get("clock_class"),
            ]
        )
    headers = ["Node", "Interface", "Process", "State", "Since", "Transitions", "Max |offset|", "Offset", "Class"]
    states = Counter(str(p.get("state")) for p in procs)
    headline = None
    if procs:
        counts = ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
        bad = [p for p in procs if p.get("state") != "LOCKED"]
        worst = "; ".join(
            f"{p.get('cluster')}/{p.get('node')} {p.get('process')} {p.get('state')}"
            + (f" since {p['state_since']}" if p.get("state_since") else "")
            for p in bad[:3]
        )
        headline = f"PTP processes: {counts}." + (f" Not locked: {worst}." if bad else " All locked.")
    return Section(table(headers, rows), headline)


def render_cnf_sriov_status(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """SR-IOV resources (allocatable / requested / free), node sync state, mismatches and pending pods."""
    resources = items(structured, "resources")
    rows = [
        [
            f"{r.get('cluster')}/{r.get('node')}",
            r.get("resource"),
            r.get("allocatable"),
            r.get("requested"),
            r.get("free"),
            "EXHAUSTED" if r.get("exhausted") else "ok",
        ]
        for r in resources
    ]
    lines = table(["Node", "Resource", "Allocatable VFs", "Requested", "Free", "State"], rows)
    node_rows = [
        [f"{n.get('cluster')}/{n.get('node')}", n.get("sync_status"), "; ".join(n.get("problems") or [])]
        for n in items(structured, "nodes")
        if n.get("problems") or n.get("sync_status") not in (None, "Succeeded")
    ]
    if node_rows:
        lines += ["", *table(["Node", "Sync", "Problems"], node_rows)]
    lines += [f"- Policy mismatch: {m}" for m in structured.get("mismatches", [])]
    lines += [f"- Pending pod: {p}" for p in structured.get("pending", [])]
    exhausted = [r for r in resources if r.get("exhausted")]
    headline = None
    if resources:
        named = ", ".join(f"{r.get('cluster')}/{r.get('node')} {r.get('resource')}" for r in exhausted[:3])
        headline = (
            f"{len(exhausted)} of {len(resources)} SR-IOV resources exhausted" + (f": {named}" if named else "") + "."
        )
    return Section(lines, headline)


def render_cnf_dpdk_stats(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """DPDK / OVS-DPDK families found, with their top series."""
    rows = [
        [f.get("metric"), f.get("meaning"), s.get("cluster"), ", ".join(f"{k}={v}" for k, v in s["labels"].items()),
         fmt_num(s.get("value"), 2)]
        for f in items(structured, "families")
        for s in items(f, "top")
    ]  # fmt: skip
    found = structured.get("found", [])
    headline = f"{len(found)} DPDK metric families found." if found else "No DPDK metrics found."
    return Section(table(["Metric", "Meaning", "Cluster", "Series", "Value (/s)"], rows), headline)


def render_cnf_list_workloads(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """Telco network functions with their pods, nodes, SR-IOV networks, hugepages and CPU profile."""
    workloads = items(structured, "workloads")
    rows = [
        [
            w.get("cluster"),
            f"{w.get('namespace')}/{w.get('name')}",
            w.get("function"),
            w.get("pods"),
            ", ".join(w.get("nodes") or []),
            ", ".join(w.get("sriov_networks") or []),
            ", ".join(f"{k}={v}" for k, v in (w.get("hugepages") or {}).items()),
            w.get("performance_profile"),
            "yes" if w.get("ptp") else "no",
        ]
        for w in workloads
    ]
    headers = ["Cluster", "Workload", "Function", "Pods", "Nodes", "SR-IOV", "Hugepages", "Profile", "PTP"]
    kinds = Counter(str(w.get("function")) for w in workloads)
    headline = ("CNF workloads: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + ".") if kinds else None
    return Section(table(headers, rows), headline)
