"""Planning: intent → calls, only with available tools, inside the cluster context; log-selector discovery."""

from __future__ import annotations

from typing import Any

from agents.deterministic.model import CallOutcome, Plan, PlannedCall
from agents.deterministic.plans import plan_for, scope_for
from agents.deterministic.plans_logs import followup_for
from tools.contract import to_payload
from tools.loki.results import LabelNamesResult, LabelValuesResult

KNOWN = ["hub", "gpu-spoke", "telco-edge"]
ALL_TOOLS = {
    "fleet_list_clusters", "alerts_list", "k8s_list_pods", "k8s_list_events", "metrics_query", "gpu_fleet_summary",
    "gpu_list_nodes", "gpu_health", "gpu_workloads", "gpu_mig_layout", "cnf_ptp_status", "cnf_sriov_status",
    "cnf_dpdk_stats", "cnf_list_workloads", "logs_labels", "logs_label_values", "logs_patterns", "logs_query",
    "traces_search", "traces_compare",
}  # fmt: skip


def plan(question: str, *, clusters: list[str] | None = None, tools: set[str] | None = None) -> Plan:
    return plan_for(
        question,
        persona="default",
        clusters=clusters or [],
        known_clusters=KNOWN,
        available_tools=ALL_TOOLS if tools is None else tools,
    )


def test_hot_gpus_plan_lists_gpus_and_their_health() -> None:
    p = plan("which GPUs are running hot?")
    assert [c.tool for c in p.calls] == ["gpu_list_nodes", "gpu_health"]
    assert "clusters" not in p.calls[0].arguments  # no context, none named: every cluster


def test_a_cluster_named_in_the_question_scopes_every_call() -> None:
    p = plan("is PTP ok on telco-edge in the last 2 hours?")
    assert p.calls == (
        PlannedCall(
            "cnf_ptp_status",
            {"start": "now-2h", "clusters": ["telco-edge"]},
            "PTP clock state, transitions and offsets",
        ),
    )


def test_the_cluster_context_applies_when_the_question_names_none() -> None:
    p = plan("what alerts are firing?", clusters=["hub"])
    assert [c.arguments.get("clusters") for c in p.calls] == [["hub"]]


def test_a_named_cluster_outside_the_context_is_not_asked_and_is_said() -> None:
    p = plan("what alerts are firing on telco-edge?", clusters=["hub"])
    assert [c.arguments.get("clusters") for c in p.calls] == [["hub"]]
    assert any("telco-edge is outside the selected cluster context" in n for n in p.notes)


def test_scope_keeps_named_clusters_inside_the_context() -> None:
    assert scope_for(["hub", "telco-edge"], ["hub", "gpu-spoke"]) == (
        ["hub"],
        ["telco-edge is outside the selected cluster context (hub, gpu-spoke); not asked."],
    )
    assert scope_for([], []) == ([], [])


def test_only_available_tools_are_planned_and_missing_ones_are_named() -> None:
    p = plan("which GPUs are running hot?", tools={"gpu_health"})
    assert [c.tool for c in p.calls] == ["gpu_health"]
    assert p.notes == ("Not available on this server, so not called: gpu_list_nodes.",)


def test_anomaly_questions_say_plainly_that_reports_tools_are_absent() -> None:
    p = plan("what anomalies were detected recently?")
    assert p.intent == "anomalies_reports"
    assert any("no reports_* tools" in n for n in p.notes)
    assert [c.tool for c in p.calls] == ["alerts_list"]


def test_anomaly_questions_use_reports_tools_when_the_server_has_them() -> None:
    p = plan("show me the latest RCA report", tools=ALL_TOOLS | {"reports_list", "reports_get"})
    assert [c.tool for c in p.calls] == ["reports_list"]
    assert p.notes == ()


def test_top_cpu_plan_ranks_pods_by_cpu_rate_over_the_asked_window() -> None:
    (call,) = plan("top CPU consumers in namespace payments over the last 30 minutes").calls
    assert call.tool == "metrics_query"
    assert "topk(15, sum by (namespace, pod) (rate(container_cpu_usage_seconds_total" in call.arguments["query"]
    assert 'namespace="payments"' in call.arguments["query"] and "[30m]" in call.arguments["query"]


def test_log_and_trace_windows_are_capped_at_a_day() -> None:
    p = plan("errors in payments-api logs in the last 3 days")
    assert p.calls[0].arguments["start"] == "now-24h"
    assert any("limited to 24h" in n for n in p.notes)


def test_a_question_matching_nothing_plans_the_fleet_status() -> None:
    p = plan("tell me a joke")
    assert p.fallback and p.intent == "fleet_status"
    assert [c.tool for c in p.calls] == ["fleet_list_clusters", "alerts_list", "k8s_list_pods"]


def ok(call: PlannedCall, structured: dict[str, Any]) -> CallOutcome:
    return CallOutcome(call, True, structured, None, 1.0)


def names(*labels: str) -> dict[str, Any]:
    return to_payload(LabelNamesResult(start="s", end="e", names=list(labels), answered=["hub"]))


def values(label: str, *vals: str) -> dict[str, Any]:
    return to_payload(LabelValuesResult(label=label, start="s", end="e", values=list(vals), answered=["hub"]))


def run_rounds(p: Plan, answers: dict[tuple[str, str | None], dict[str, Any]]) -> list[CallOutcome]:
    """Play the follow-up rounds, answering each call from ``answers`` keyed by (tool, label)."""
    outcomes = [ok(c, answers[(c.tool, c.arguments.get("label"))]) for c in p.calls]
    for _ in range(3):
        nxt = followup_for(p, outcomes)
        if nxt is None or not nxt.calls:
            break
        outcomes += [ok(c, answers.get((c.tool, c.arguments.get("label")), {})) for c in nxt.calls]
    return outcomes


def test_error_logs_select_the_service_by_the_promtail_app_label() -> None:
    p = plan("errors in payments-api logs", clusters=["hub"])
    answers = {
        ("logs_labels", None): names("app", "namespace", "pod"),
        ("logs_label_values", "namespace"): values("namespace", "payments"),
        ("logs_label_values", "app"): values("app", "payments-api", "storefront-web"),
    }
    outcomes = run_rounds(p, answers)
    final = [o.call for o in outcomes if o.call.tool in ("logs_patterns", "logs_query")]
    assert [c.arguments["query"].split(" ")[0] for c in final] == ['{app="payments-api"}'] * 2
    assert all(c.arguments["clusters"] == ["hub"] for c in final)


def test_error_logs_use_openshift_logging_labels_when_those_are_the_ones_present() -> None:
    p = plan("errors in the payments namespace logs")
    answers = {
        ("logs_labels", None): names("kubernetes_namespace_name", "kubernetes_pod_name", "log_type"),
        ("logs_label_values", "kubernetes_namespace_name"): values("kubernetes_namespace_name", "payments"),
    }
    outcomes = run_rounds(p, answers)
    asked = [o.call.arguments.get("label") for o in outcomes if o.call.tool == "logs_label_values"]
    assert asked == ["kubernetes_namespace_name"]
    patterns = next(o.call for o in outcomes if o.call.tool == "logs_patterns")
    assert patterns.arguments["query"].startswith('{kubernetes_namespace_name="payments"}')


def test_error_logs_say_so_when_no_stream_carries_the_service() -> None:
    p = plan("errors in checkout logs")
    answers = {
        ("logs_labels", None): names("app", "namespace"),
        ("logs_label_values", "namespace"): values("namespace", "payments"),
        ("logs_label_values", "app"): values("app", "payments-api"),
    }
    outcomes = run_rounds(p, answers)
    nxt = followup_for(p, outcomes)
    assert nxt is not None and nxt.calls == ()
    assert "No log stream is labelled 'checkout'" in nxt.notes[0]
    assert not any(o.call.tool == "logs_patterns" for o in outcomes)
