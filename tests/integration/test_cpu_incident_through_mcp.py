"""The hub's CPU-saturation incident, seen through the MCP tools against the simulated fleet.

The product only talks HTTP to the simulator's Kubernetes API, Loki, Tempo and (real) Alertmanager, exactly as it
would to a real cluster. For the one incident the tools must surface: the OOMKilled pod and its warning events, the
error-log template burst, the slow traces and where their time goes, and the firing alert.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from mcp import ClientSession

from servers.mcp import ToolDeps
from servers.sim.fleet import SimCluster
from tests.servers.mcp.helpers import mcp_client

pytestmark = pytest.mark.integration


def alert_names(result: dict[str, Any]) -> set[str]:
    return {str(a.get("alertname")) for a in result.get("alerts", [])}


async def call(client: ClientSession, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, args)
    assert not result.isError, f"{tool} failed: {result.content}"
    assert result.structuredContent is not None
    return result.structuredContent


async def test_the_incident_shows_in_pods_events_logs_traces_and_alerts(
    fleet_deps: ToolDeps, sim_fleet: list[SimCluster]
) -> None:
    hub = {"clusters": ["hub"]}
    async with mcp_client(fleet_deps) as client:
        pods = await call(client, "k8s_list_pods", {**hub, "namespace": "payments"})
        events = await call(client, "k8s_list_events", {**hub, "namespace": "payments", "warnings_only": True})
        # Window: the 30 minutes after saturation began (anchor-60m) against the 30 minutes before it.
        patterns = await call(
            client,
            "logs_patterns",
            {**hub, "query": '{namespace="payments"}', "start": "now-60m", "end": "now-30m"},
        )
        compare = await call(client, "traces_compare", {**hub, "service": "payments-api", "start": "now-30m"})
        alerts: dict[str, Any] = {}
        for _ in range(90):  # the rule's for: 1m, then Alertmanager's group wait; bounded, polled
            alerts = await call(client, "alerts_list", hub)
            if "ContainerCPUSaturation" in alert_names(alerts):
                break
            await asyncio.sleep(2)

    pods_text = json.dumps(pods)
    assert "OOMKilled" in pods_text, pods_text[:2000]
    events_text = json.dumps(events)
    assert any(reason in events_text for reason in ("BackOff", "Unhealthy")), events_text[:2000]
    patterns_text = json.dumps(patterns)
    assert "upstream timeout" in patterns_text, patterns_text[:3000]
    assert "bursts" in patterns and any("upstream timeout" in json.dumps(b) for b in patterns["bursts"])
    compare_text = json.dumps(compare)
    assert "payments-api" in compare_text
    assert any(name in compare_text for name in ("fraud-check", "db.query", "POST /charge")), compare_text[:3000]
    assert "ContainerCPUSaturation" in alert_names(alerts), json.dumps(alerts)[:3000]

    # The simulator counts every request that touches a Secret; the product must never have made one.
    hub_api = next(c for c in sim_fleet if c.name == "hub").endpoints["api"]
    async with httpx.AsyncClient() as http:
        access = (await http.get(f"{hub_api}/_sim/access-log")).json()["clusters"]["hub"]
    assert access["requests"] > 0
    assert access["secret_requests"] == 0
