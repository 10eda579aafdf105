"""Find the log streams of a service whatever the log collector calls its labels, then mine their errors.

Collectors label streams differently: promtail/alloy use ``namespace``, ``pod``, ``app``; OpenShift Logging
(Vector into LokiStack) uses ``kubernetes_namespace_name``, ``kubernetes_pod_name`` and ``k8s_app``-style labels.
Loki needs an exact matcher, so the label and value are discovered first: round 1 lists label names, round 2 the
values of the candidate labels that exist, round 3 runs ``logs_patterns`` and ``logs_query`` on the selector found.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agents.deterministic.model import CallOutcome, Plan, PlannedCall

__all__ = ["ERROR_FILTER", "NAMESPACE_LABELS", "POD_LABELS", "SERVICE_LABELS", "discovery_calls", "followup_for"]

SERVICE_LABELS = ("app", "service_name", "k8s_app", "app_kubernetes_io_name", "app_kubernetes_io_instance")
NAMESPACE_LABELS = ("namespace", "kubernetes_namespace_name")
POD_LABELS = ("pod", "kubernetes_pod_name")
ERROR_FILTER = '|~ "(?i)(error|fatal|panic|exception|fail|timeout)"'


def discovery_calls(
    service: str | None, namespace: str | None, window: str, scope: dict[str, Any]
) -> tuple[list[PlannedCall], list[str]]:
    """Round 1: the label names of the log streams (which labelling scheme the clusters use)."""
    notes = [] if (service or namespace) else ["Name a service or namespace to search its error logs."]
    return [
        PlannedCall("logs_labels", {"start": f"now-{window}", **scope}, "which labels the log streams carry")
    ], notes


def _result(outcomes: Sequence[CallOutcome], tool: str, label: str | None = None) -> dict[str, Any] | None:
    for o in outcomes:
        if o.call.tool == tool and o.ok and (label is None or o.call.arguments.get("label") == label):
            return o.structured
    return None


def _present(outcomes: Sequence[CallOutcome]) -> set[str]:
    names = (_result(outcomes, "logs_labels") or {}).get("names", [])
    return {str(n) for n in names}


def _values(outcomes: Sequence[CallOutcome], label: str) -> set[str]:
    return {str(v) for v in (_result(outcomes, "logs_label_values", label) or {}).get("values", [])}


def _selector(service: str | None, namespace: str | None, outcomes: Sequence[CallOutcome]) -> str | None:
    present = _present(outcomes)
    ns_labels = [n for n in NAMESPACE_LABELS if n in present]
    if service:
        for label in SERVICE_LABELS:
            if service in _values(outcomes, label):
                return f'{{{label}="{service}"}}'
        for label in ns_labels:
            if service in _values(outcomes, label):
                return f'{{{label}="{service}"}}'
    if namespace:
        for label in ns_labels:
            if namespace in _values(outcomes, label):
                pod = next((p for p in POD_LABELS if p in present), None)
                narrow = f' | {pod}=~"{service}.*"' if service and pod else ""
                return f'{{{label}="{namespace}"}}{narrow}'
    return None


def followup_for(plan: Plan, outcomes: Sequence[CallOutcome]) -> Plan | None:
    """The next round of calls of the error-logs plan given the outcomes so far, or ``None`` when done."""
    if plan.intent != "error_logs":
        return None
    asked = next((o.call.arguments["clusters"] for o in outcomes if "clusters" in o.call.arguments), None)
    scope: dict[str, Any] = {"clusters": asked} if asked else {}
    service, namespace = plan.entities.service, plan.entities.namespace
    done = {o.call.tool for o in outcomes}
    start = next((o.call.arguments["start"] for o in outcomes if "start" in o.call.arguments), "now-1h")
    if not (service or namespace) or "logs_labels" not in done or "logs_patterns" in done:
        return None
    present = _present(outcomes)
    if "logs_label_values" not in done:
        wanted = [n for n in NAMESPACE_LABELS if n in present]
        wanted += [n for n in SERVICE_LABELS if n in present] if service else []
        if not wanted:
            return Plan(plan.intent, plan.title, (), (f"No service or namespace label among: {sorted(present)}.",))
        calls = tuple(
            PlannedCall("logs_label_values", {"label": n, "start": start, "limit": 2000, **scope}, f"values of {n}")
            for n in wanted
        )
        return Plan(plan.intent, plan.title, calls)
    selector = _selector(service, namespace, outcomes)
    if selector is None:
        what = service or namespace
        note = f"No log stream is labelled {what!r} (looked at {', '.join(sorted(present & _candidates()))})."
        return Plan(plan.intent, plan.title, (), (note,))
    query = f"{selector} {ERROR_FILTER}"
    return Plan(
        plan.intent,
        plan.title,
        (
            PlannedCall("logs_patterns", {"query": query, "start": start, **scope}, "error templates and bursts"),
            PlannedCall("logs_query", {"query": query, "start": start, "limit": 20, **scope}, "latest error lines"),
        ),
    )


def _candidates() -> set[str]:
    return set(SERVICE_LABELS) | set(NAMESPACE_LABELS)
