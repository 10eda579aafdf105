"""The deterministic path end to end: questions answered through an in-memory MCP session on the simulated fleet.

Every number checked here is compared with what the tool itself returned in the same answer, never with a
constant: the simulator's live values move with time.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from mcp import ClientSession

from agents.deterministic import DeterministicAnswer, answer_question
from agents.deterministic.render_common import fmt_unit
from agents.deterministic.render_gpu import gpu_id
from servers.mcp import ToolDeps
from tests.servers.mcp.helpers import mcp_client

pytestmark = pytest.mark.integration

REASON = "no LLM configured"


async def ask(client: ClientSession, question: str) -> DeterministicAnswer:
    return await answer_question(
        client, question, persona="default", clusters=[], allowed=lambda tool: True, no_llm_reason=REASON
    )


def structured_of(answer: DeterministicAnswer, tool: str) -> dict[str, Any]:
    found = [o.structured for o in answer.outcomes if o.call.tool == tool and o.ok and o.structured is not None]
    assert found, f"{tool} not called or failed: {[(o.call.tool, o.error) for o in answer.outcomes]}"
    return found[0]


async def test_hot_gpu_is_named_with_the_temperature_gpu_list_nodes_reported(fleet_deps: ToolDeps) -> None:
    async with mcp_client(fleet_deps) as client:
        answer = await ask(client, "which GPUs are running hot?")
    nodes = structured_of(answer, "gpu_list_nodes")
    hottest = max((g for g in nodes["gpus"] if "temp_c" in g), key=lambda g: g["temp_c"])
    threshold = structured_of(answer, "gpu_health")["temp_threshold_c"]
    assert hottest["temp_c"] > threshold
    headline = answer.text.splitlines()[0]
    assert f"{gpu_id(hottest)} ({fmt_unit(hottest['temp_c'], '°C')})" in headline, answer.text[:2000]
    assert "thermal" in answer.text.lower()
    assert REASON in answer.text


async def test_ptp_question_on_telco_edge_reports_holdover_or_freerun(fleet_deps: ToolDeps) -> None:
    async with mcp_client(fleet_deps) as client:
        answer = await ask(client, "is PTP ok on telco-edge?")
    assert answer.intent == "ptp_status"
    assert "FREERUN" in answer.text or "HOLDOVER" in answer.text, answer.text[:2000]
    assert [c.arguments.get("clusters") for c in answer.citations] == [["telco-edge"]]
    assert answer.citations[0].clusters == ["telco-edge"]


async def test_firing_alerts_are_listed_by_the_names_alerts_list_returns(fleet_deps: ToolDeps) -> None:
    async with mcp_client(fleet_deps) as client:
        for _ in range(90):  # rules need their `for:` and Alertmanager its group wait; bounded, polled
            probe = await client.call_tool("alerts_list", {})
            if (probe.structuredContent or {}).get("alerts"):
                break
            await asyncio.sleep(2)
        answer = await ask(client, "what alerts are firing?")
    names = {a["alertname"] for a in structured_of(answer, "alerts_list")["alerts"]}
    assert names, answer.text[:2000]
    assert all(name in answer.text for name in names), (names, answer.text[:3000])


async def test_error_logs_of_payments_api_find_the_upstream_timeout_burst(fleet_deps: ToolDeps) -> None:
    async with mcp_client(fleet_deps) as client:
        answer = await ask(client, "errors in payments-api logs")
    patterns = structured_of(answer, "logs_patterns")
    assert any("upstream timeout" in b["template"] for b in patterns["bursts"]), answer.text[:3000]
    assert "upstream timeout" in answer.text.splitlines()[0], answer.text[:3000]


async def test_top_cpu_consumers_name_the_payments_pods(fleet_deps: ToolDeps) -> None:
    async with mcp_client(fleet_deps) as client:
        answer = await ask(client, "top CPU consumers")
    samples = structured_of(answer, "metrics_query")["samples"]
    hub_top = next(s for s in samples if s["cluster"] == "hub")
    assert hub_top["labels"]["pod"].startswith("payments-api-"), samples
    assert f"hub/payments/{hub_top['labels']['pod']}" in answer.text.splitlines()[0], answer.text[:3000]
    assert sum("| hub | payments/payments-api-" in line for line in answer.text.splitlines()) >= 2


async def test_an_unrecognised_question_gets_the_fleet_status_and_what_can_be_asked(fleet_deps: ToolDeps) -> None:
    async with mcp_client(fleet_deps) as client:
        answer = await ask(client, "tell me a joke")
    assert answer.intent == "fleet_status"
    assert "3 clusters" in answer.text.splitlines()[0]
    assert "Which GPUs are running hot?" in answer.text
