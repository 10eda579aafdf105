"""Turn a question into a tool plan: the intent, then the MCP calls that answer it, scoped to the right clusters.

A plan only names tools the server offers; a missing tool is said in the plan's notes. The cluster scope is the
clusters the question names, kept inside the user's chosen cluster context when there is one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from agents.deterministic.entities import Entities, extract_entities, window_seconds
from agents.deterministic.intents import INTENTS, match_intent
from agents.deterministic.model import Plan, PlannedCall
from agents.deterministic.plans_logs import discovery_calls

__all__ = ["Plan", "PlannedCall", "capabilities_text", "plan_for", "scope_for"]

_MAX_LOG_WINDOW_S = 24 * 3600  # Loki and Tempo tools refuse windows over 24 h


def scope_for(named: Sequence[str], context: Sequence[str]) -> tuple[list[str], list[str]]:
    """The clusters to ask and notes: named ones inside the context, else the context, else all ([])."""
    if not named:
        return list(context), []
    if not context:
        return list(named), []
    inside = [c for c in named if c in context]
    outside = [c for c in named if c not in context]
    notes = []
    if outside:
        notes.append(f"{', '.join(outside)} is outside the selected cluster context ({', '.join(context)}); not asked.")
    return (inside or list(context)), notes


def _window(e: Entities, default: str, *, cap_s: int | None = None) -> tuple[str, list[str]]:
    if e.window is None:
        return default, []
    if cap_s is not None and window_seconds(e.window) > cap_s:
        return "24h", [f"The window was limited to 24h (asked: {e.window}): the log and trace tools go no further."]
    return e.window, []


Builder = Callable[[Entities, dict[str, Any]], tuple[list[PlannedCall], list[str]]]


def _fleet(e: Entities, scope: dict[str, Any]) -> tuple[list[PlannedCall], list[str]]:
    return [
        PlannedCall("fleet_list_clusters", {}, "registered clusters and their health"),
        PlannedCall("alerts_list", {"state": "active", "group_by": "cluster", **scope}, "active alerts per cluster"),
        PlannedCall("k8s_list_pods", {"problems_only": True, "limit": 50, **scope}, "pods with a problem"),
    ], []


def _gpu(tool: str, purpose: str, *, namespace: bool = False) -> Builder:
    def build(e: Entities, scope: dict[str, Any]) -> tuple[list[PlannedCall], list[str]]:
        window, notes = _window(e, "1h")
        args: dict[str, Any] = {"window": window, **scope}
        if namespace and e.namespace:
            args["namespace"] = e.namespace
        return [PlannedCall(tool, args, purpose)], notes

    return build


def _gpu_health(e: Entities, scope: dict[str, Any]) -> tuple[list[PlannedCall], list[str]]:
    window, notes = _window(e, "1h")
    nodes: dict[str, Any] = {"limit": 200, **scope} | ({"node": e.node} if e.node else {})
    return [
        PlannedCall("gpu_list_nodes", nodes, "current temperature, power and clocks of every GPU"),
        PlannedCall("gpu_health", {"window": window, **scope}, "XID, ECC, throttling and thermal findings"),
    ], notes


def _ptp(e: Entities, scope: dict[str, Any]) -> tuple[list[PlannedCall], list[str]]:
    window, notes = _window(e, "1h")
    args: dict[str, Any] = {"start": f"now-{window}", **scope} | ({"node": e.node} if e.node else {})
    return [PlannedCall("cnf_ptp_status", args, "PTP clock state, transitions and offsets")], notes


def _simple(tool: str, purpose: str, **extra: Any) -> Builder:
    def build(e: Entities, scope: dict[str, Any]) -> tuple[list[PlannedCall], list[str]]:
        return [PlannedCall(tool, {**extra, **scope}, purpose)], []

    return build


def _logs(e: Entities, scope: dict[str, Any]) -> tuple[list[PlannedCall], list[str]]:
    window, notes = _window(e, "1h", cap_s=_MAX_LOG_WINDOW_S)
    calls, more = discovery_calls(e.service, e.namespace, window, scope)
    return calls, notes + more


def _traces(e: Entities, scope: dict[str, Any]) -> tuple[list[PlannedCall], list[str]]:
    window, notes = _window(e, "1h", cap_s=_MAX_LOG_WINDOW_S)
    start = f"now-{window}"
    if not e.service:
        notes.append("No service named: showing the slowest traces over 1s; name a service to compare slow and normal.")
        slow = PlannedCall("traces_search", {"query": "{ duration > 1s }", "start": start, **scope}, "slow traces")
        return [slow], notes
    q = f'{{ resource.service.name = "{e.service}" }}'
    return [
        PlannedCall("traces_compare", {"service": e.service, "start": start, **scope}, "what makes slow traces slow"),
        PlannedCall("traces_search", {"query": q, "start": start, "limit": 20, **scope}, f"example {e.service} traces"),
    ], notes


def _top(metric: str, what: str, *, rate: bool) -> Builder:
    def build(e: Entities, scope: dict[str, Any]) -> tuple[list[PlannedCall], list[str]]:
        ns = f',namespace="{e.namespace}"' if e.namespace else ""
        selector = f'{metric}{{container!="",image!=""{ns}}}'
        if rate:
            inner = f"rate({selector}[{e.window or '5m'}])"
            query = f"topk(15, sum by (namespace, pod) ({inner}))"
        elif e.window:
            query = f"topk(15, max_over_time(sum by (namespace, pod) ({selector})[{e.window}:1m]))"
        else:
            query = f"topk(15, sum by (namespace, pod) ({selector}))"
        return [PlannedCall("metrics_query", {"query": query, "top_k": 15, **scope}, what)], []

    return build


def _pods(e: Entities, scope: dict[str, Any]) -> tuple[list[PlannedCall], list[str]]:
    ns: dict[str, Any] = {"namespace": e.namespace} if e.namespace else {}
    return [
        PlannedCall("k8s_list_pods", {"problems_only": True, **ns, **scope}, "pods with a problem"),
        PlannedCall("k8s_list_events", {"warnings_only": True, **ns, **scope}, "warning events"),
    ], []


def _events(e: Entities, scope: dict[str, Any]) -> tuple[list[PlannedCall], list[str]]:
    ns: dict[str, Any] = {"namespace": e.namespace} if e.namespace else {}
    return [PlannedCall("k8s_list_events", {"warnings_only": True, **ns, **scope}, "warning events")], []


def _alerts(e: Entities, scope: dict[str, Any]) -> tuple[list[PlannedCall], list[str]]:
    ns: dict[str, Any] = {"namespace": e.namespace} if e.namespace else {}
    return [PlannedCall("alerts_list", {"state": "active", **ns, **scope}, "alerts firing now")], []


_BUILDERS: dict[str, Builder] = {
    "fleet_status": _fleet,
    "gpu_utilisation": _gpu("gpu_fleet_summary", "GPU inventory, allocation and utilisation"),
    "gpu_health": _gpu_health,
    "gpu_idle": _gpu("gpu_workloads", "per-pod GPU use, idle-but-allocated GPUs", namespace=True),
    "gpu_mig": _gpu("gpu_mig_layout", "MIG instances per GPU and their use"),
    "ptp_status": _ptp,
    "sriov_status": _simple("cnf_sriov_status", "SR-IOV PFs, VF allocation and sync state"),
    "dpdk_stats": _simple("cnf_dpdk_stats", "DPDK / OVS-DPDK packet and drop rates"),
    "cnf_workloads": _simple("cnf_list_workloads", "telco network functions and their profiles"),
    "firing_alerts": _alerts,
    "error_logs": _logs,
    "slow_traces": _traces,
    "top_cpu": _top("container_cpu_usage_seconds_total", "CPU cores used per pod", rate=True),
    "top_memory": _top("container_memory_working_set_bytes", "memory working set per pod", rate=False),
    "failing_pods": _pods,
    "warning_events": _events,
}


def _reports(available: Collection[str], scope: dict[str, Any]) -> tuple[list[PlannedCall], list[str]]:
    listing = sorted(t for t in available if t.startswith("reports_") and "list" in t)
    if listing:
        return [PlannedCall(t, {}, "recent anomaly and RCA reports") for t in listing], []
    calls = [PlannedCall("alerts_list", {"state": "active", **scope}, "alerts firing now (nearest signal)")]
    note = (
        "Anomaly and RCA reports are not available: this server has no reports_* tools. "
        "Showing the alerts firing now instead."
    )
    return calls, [note]


def capabilities_text() -> str:
    """A short list of the kinds of questions answered without an LLM, with one example each."""
    return "\n".join(f"- {i.title}: “{i.example}”" for i in INTENTS)


def plan_for(
    question: str,
    *,
    persona: str,
    clusters: Sequence[str],
    known_clusters: Sequence[str],
    available_tools: Collection[str],
) -> Plan:
    """Plan the MCP calls answering ``question`` with the tools in ``available_tools`` only.

    ``clusters`` is the user's cluster context ([] = all), ``known_clusters`` the registered names used to spot
    clusters named in the question.
    """
    entities = extract_entities(question, known_clusters)
    match = match_intent(question, persona=persona, known_clusters=known_clusters)
    chosen, notes = scope_for(entities.clusters, clusters)
    scope: dict[str, Any] = {"clusters": chosen} if chosen else {}
    if match.intent.name == "anomalies_reports":
        calls, more = _reports(available_tools, scope)
    else:
        calls, more = _BUILDERS[match.intent.name](entities, scope)
    notes += more
    missing = sorted({c.tool for c in calls if c.tool not in available_tools})
    if missing:
        notes.append(f"Not available on this server, so not called: {', '.join(missing)}.")
    kept = tuple(c for c in calls if c.tool in available_tools)
    return Plan(match.intent.name, match.intent.title, kept, tuple(notes), match.fallback, entities)
