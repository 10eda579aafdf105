"""Rendering hand-built results whose shapes come from the tools' own pydantic models (a shape change breaks these)."""

from __future__ import annotations

from typing import Any

from agents.deterministic.answer import render_answer
from agents.deterministic.model import CallOutcome, Plan, PlannedCall
from agents.deterministic.render_common import MAX_ROWS, fmt_bytes, fmt_num, table
from tools.alertmanager.results import AlertItem, AlertListResult
from tools.cnf.results import PtpProcessStatus, PtpStatusResult, PtpTransition
from tools.contract import ClusterOutcome, to_payload
from tools.gpu.results import GpuFinding, GpuHealthResult, GpuNodesResult, GpuStatus
from tools.prometheus.results import InstantQueryResult, Sample

REASON = "LLM at http://llm:8000 failed: timeout"
WINDOW: dict[str, Any] = {"time": "2026-11-26T12:00:00Z", "window": "1h"}


def outcome(tool: str, structured: dict[str, Any] | None, args: dict[str, Any] | None = None) -> CallOutcome:
    error = None if structured is not None else "boom"
    return CallOutcome(PlannedCall(tool, args or {}, f"{tool} purpose"), structured is not None, structured, error, 3.0)


def gpu(node: str, index: str, temp: float) -> GpuStatus:
    return GpuStatus(cluster="gpu-spoke", node=node, gpu=index, model="A100", temp_c=temp, util_pct=90.0)


def hot_plan() -> Plan:
    calls = (PlannedCall("gpu_list_nodes", {}, "list"), PlannedCall("gpu_health", {"window": "1h"}, "health"))
    return Plan("gpu_health", "GPU health", calls)


def test_hot_gpus_headline_names_each_gpu_above_the_tools_threshold_with_its_temperature() -> None:
    nodes = GpuNodesResult(**WINDOW, gpus=[gpu("w0", "2", 88.4), gpu("w0", "3", 56.0), gpu("w1", "0", 86.0)])
    finding = GpuFinding(
        cluster="gpu-spoke", node="w0", gpu="2", kind="thermal", severity="warning", summary="Temperature above 85 °C"
    )
    health = GpuHealthResult(**WINDOW, temp_threshold_c=85.0, gpus_checked=3, healthy_gpus=1, findings=[finding])
    outcomes = [outcome("gpu_list_nodes", to_payload(nodes)), outcome("gpu_health", to_payload(health))]
    answer = render_answer("which GPUs are running hot?", hot_plan(), outcomes, no_llm_reason=REASON)
    headline = answer.text.splitlines()[0]
    assert headline == "**2 GPUs above 85 °C: gpu-spoke/w0 GPU 2 (88.4 °C), gpu-spoke/w1 GPU 0 (86 °C).**"
    assert "Temperature above 85 °C" in answer.text
    assert REASON in answer.text and "No LLM was used" in answer.text


def test_the_threshold_in_the_headline_is_the_one_the_tool_reported() -> None:
    nodes = GpuNodesResult(**WINDOW, gpus=[gpu("w0", "2", 88.0)])
    health = GpuHealthResult(**WINDOW, temp_threshold_c=90.0, gpus_checked=1, healthy_gpus=1)
    outcomes = [outcome("gpu_list_nodes", to_payload(nodes)), outcome("gpu_health", to_payload(health))]
    answer = render_answer("hot?", hot_plan(), outcomes, no_llm_reason=REASON)
    assert answer.text.splitlines()[0] == "**No GPU above 90 °C; the hottest is gpu-spoke/w0 GPU 2 (88 °C).**"


def test_a_failed_call_shows_the_tools_message_verbatim_and_does_not_hide_the_others() -> None:
    message = "Error executing tool gpu_health: bad window '9y' (use 1m to 7d)"
    nodes = GpuNodesResult(**WINDOW, gpus=[gpu("w0", "2", 70.0)])
    failed = CallOutcome(PlannedCall("gpu_health", {"window": "9y"}, "health"), False, None, message, 2.0)
    answer = render_answer(
        "hot?", hot_plan(), [outcome("gpu_list_nodes", to_payload(nodes)), failed], no_llm_reason=REASON
    )
    assert message in answer.text
    assert "| gpu-spoke/w0 GPU 2 | A100 | 70 °C |" in answer.text
    assert answer.citations[1].error == message


def test_an_empty_result_says_so_with_the_tools_own_notes() -> None:
    note = "no GPU telemetry found (searched DCGM_FI_DEV_GPU_UTIL on hub)"
    empty = GpuNodesResult(**WINDOW, notes=[note], answered=["hub"])
    plan = Plan("gpu_health", "GPU health", (PlannedCall("gpu_list_nodes", {}, "list"),))
    answer = render_answer("hot?", plan, [outcome("gpu_list_nodes", to_payload(empty))], no_llm_reason=REASON)
    assert note in answer.text
    assert answer.text.splitlines()[0] == "**The tools returned nothing to report.**"


def test_per_cluster_failures_are_listed() -> None:
    result = AlertListResult(
        view="alerts",
        clusters=[
            ClusterOutcome(cluster="hub", status="ok"),
            ClusterOutcome(cluster="telco-edge", status="timeout", message="no answer within 15 s"),
        ],
        answered=["hub"],
        alerts=[AlertItem(cluster="hub", alertname="KubePodCrashLooping", state="active", fingerprint="f1")],
    )
    plan = Plan("firing_alerts", "Firing alerts", (PlannedCall("alerts_list", {"state": "active"}, "alerts"),))
    answer = render_answer("alerts?", plan, [outcome("alerts_list", to_payload(result))], no_llm_reason=REASON)
    assert "telco-edge: timeout — no answer within 15 s" in answer.text
    assert answer.text.splitlines()[0] == "**1 alert: KubePodCrashLooping.**"
    assert answer.citations[0].clusters == ["hub"]


def test_ptp_rows_show_state_since_and_transitions() -> None:
    proc = PtpProcessStatus(
        cluster="telco-edge",
        node="du-1",
        iface="ens2f0",
        process="ptp4l",
        state="FREERUN",
        state_since="2026-11-26T11:52:00Z",
        in_state_s=480,
        transitions=[
            PtpTransition(time="2026-11-26T11:40:00Z", from_state="LOCKED", to_state="HOLDOVER"),
            PtpTransition(time="2026-11-26T11:52:00Z", from_state="HOLDOVER", to_state="FREERUN"),
        ],
    )
    result = PtpStatusResult(start="a", end="b", step_s=15, threshold_ns=100, processes=[proc], answered=["telco-edge"])
    plan = Plan("ptp_status", "PTP", (PlannedCall("cnf_ptp_status", {}, "ptp"),))
    text = render_answer("ptp?", plan, [outcome("cnf_ptp_status", to_payload(result))], no_llm_reason=REASON).text
    assert "Not locked: telco-edge/du-1 ptp4l FREERUN since 2026-11-26T11:52:00Z" in text
    assert "LOCKED→HOLDOVER at 2026-11-26T11:40:00Z; HOLDOVER→FREERUN at 2026-11-26T11:52:00Z" in text


def test_long_tables_stop_at_the_row_cap_and_say_how_many_more() -> None:
    samples = [Sample(cluster="hub", labels={"namespace": "ns", "pod": f"p{i}"}, value=float(i)) for i in range(20)]
    result = InstantQueryResult(
        query="topk(20, container_memory_working_set_bytes)", time="t", result_type="vector", top_k=20, samples=samples
    )
    plan = Plan("top_memory", "Top memory", (PlannedCall("metrics_query", {"query": result.query}, "memory"),))
    text = render_answer("memory?", plan, [outcome("metrics_query", to_payload(result))], no_llm_reason=REASON).text
    assert f"… {20 - MAX_ROWS} more" in text
    assert "| hub | ns/p0 | 0 B |" in text and "ns/p19" not in text


def test_the_fallback_answer_lists_what_can_be_asked_without_an_llm() -> None:
    plan = Plan("fleet_status", "Fleet status", (), fallback=True)
    text = render_answer("tell me a joke", plan, [], no_llm_reason="no LLM configured").text
    assert "I did not recognise a specific question" in text
    assert "Which GPUs are running hot?" in text and "Is PTP ok on telco-edge?" in text


def test_numbers_keep_their_units_and_drop_useless_decimals() -> None:
    assert (fmt_num(88.0), fmt_num(3.456, 2), fmt_num(None)) == ("88", "3.46", "-")
    assert (fmt_bytes(1536), fmt_bytes(3 * 1024**3)) == ("1.5 KiB", "3 GiB")
    assert table(["a"], []) == []
