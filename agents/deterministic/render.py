"""Render each call outcome as a markdown section and choose the answer's one-line headline.

A known tool gets its own table; an unknown one (e.g. a future reports_* tool) gets a generic table of its first
list of objects. Failed calls show the tool's message verbatim; clusters that did not answer are listed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from agents.deterministic.model import CallOutcome, Plan
from agents.deterministic.render_cnf import (
    render_cnf_dpdk_stats,
    render_cnf_list_workloads,
    render_cnf_ptp_status,
    render_cnf_sriov_status,
)
from agents.deterministic.render_common import Section, cluster_failures, table, tool_notes
from agents.deterministic.render_gpu import (
    hot_gpus_headline,
    render_gpu_fleet_summary,
    render_gpu_health,
    render_gpu_list_nodes,
    render_gpu_mig_layout,
    render_gpu_workloads,
)
from agents.deterministic.render_obs import (
    render_logs_label_values,
    render_logs_labels,
    render_logs_patterns,
    render_logs_query,
    render_traces_compare,
    render_traces_search,
)
from agents.deterministic.render_ops import (
    render_alerts_list,
    render_fleet_list_clusters,
    render_k8s_list_events,
    render_k8s_list_pods,
    render_metrics_query,
)

__all__ = ["RENDERERS", "headline_for", "render_generic", "render_outcome"]

Renderer = Callable[[dict[str, Any], dict[str, Any]], Section]

RENDERERS: dict[str, Renderer] = {
    "fleet_list_clusters": render_fleet_list_clusters,
    "alerts_list": render_alerts_list,
    "k8s_list_pods": render_k8s_list_pods,
    "k8s_list_events": render_k8s_list_events,
    "metrics_query": render_metrics_query,
    "gpu_fleet_summary": render_gpu_fleet_summary,
    "gpu_list_nodes": render_gpu_list_nodes,
    "gpu_health": render_gpu_health,
    "gpu_workloads": render_gpu_workloads,
    "gpu_mig_layout": render_gpu_mig_layout,
    "cnf_ptp_status": render_cnf_ptp_status,
    "cnf_sriov_status": render_cnf_sriov_status,
    "cnf_dpdk_stats": render_cnf_dpdk_stats,
    "cnf_list_workloads": render_cnf_list_workloads,
    "logs_labels": render_logs_labels,
    "logs_label_values": render_logs_label_values,
    "logs_patterns": render_logs_patterns,
    "logs_query": render_logs_query,
    "traces_search": render_traces_search,
    "traces_compare": render_traces_compare,
}

_CONTRACT_KEYS = {"clusters", "answered", "notes"}


def render_generic(structured: dict[str, Any], arguments: dict[str, Any]) -> Section:
    """The first list of objects in a result as a table of its scalar fields (tools without a renderer)."""
    for key, value in structured.items():
        if key in _CONTRACT_KEYS or not isinstance(value, list) or not value or not isinstance(value[0], dict):
            continue
        columns = [k for k, v in value[0].items() if not isinstance(v, dict | list)][:7]
        rows = [[row.get(c) for c in columns] for row in value if isinstance(row, dict)]
        return Section(table(columns, rows), f"{len(rows)} {key}.")
    return Section(["- The result holds no items."])


def render_outcome(outcome: CallOutcome) -> Section:
    """One call's section: a heading, its table (or its error, verbatim), failed clusters and the tool's notes."""
    call = outcome.call
    heading = f"### {call.purpose[:1].upper()}{call.purpose[1:]} (`{call.tool}`)"
    if not outcome.ok or outcome.structured is None:
        return Section([heading, "", f"- ❌ {call.tool} failed: {outcome.error}"])
    renderer = RENDERERS.get(call.tool, render_generic)
    body = renderer(outcome.structured, call.arguments)
    lines = [heading, "", *body.lines] if body.lines else [heading]
    extra = cluster_failures(outcome.structured) + tool_notes(outcome.structured)
    if extra:
        lines += ["", *extra]
    return Section(lines, body.headline)


def _structured(outcomes: Sequence[CallOutcome], tool: str) -> dict[str, Any] | None:
    return next((o.structured for o in outcomes if o.call.tool == tool and o.ok), None)


def headline_for(plan: Plan, outcomes: Sequence[CallOutcome], sections: Sequence[Section]) -> str:
    """The answer's first line: intent-specific where several results combine, else the first section's."""
    if plan.intent == "gpu_health":
        nodes, health = _structured(outcomes, "gpu_list_nodes"), _structured(outcomes, "gpu_health")
        threshold = health.get("temp_threshold_c") if health else None
        if nodes is not None:
            hot = hot_gpus_headline(nodes, None if threshold is None else float(threshold))
            if hot:
                return hot
    if plan.intent == "error_logs":
        # The discovery rounds are plumbing: the patterns' burst is the answer.
        preferred = [s for o, s in zip(outcomes, sections, strict=True) if o.call.tool == "logs_patterns"]
        sections = preferred + list(sections)
    for section in sections:
        if section.headline:
            return section.headline
    failed = [o for o in outcomes if not o.ok]
    if failed:
        return f"{len(failed)} of {len(outcomes)} tool calls failed; see below."
    return "The tools returned nothing to report." if outcomes else "No tool could be called for this question."
