"""Alerts tools through an in-memory MCP client: schema, fan-out status, filters, errors, Watchdog, paging.

Alertmanager is mocked with respx (shapes from its API v2 openapi.yaml), except in the last test, which posts an alert
to a real Alertmanager and reads it back through the tool (tests/tools/alertmanager/test_integration.py goes deeper).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import respx
from mcp import ClientSession
from mcp.server.fastmcp import FastMCP
from mcp.shared.memory import create_connected_server_and_client_session

from servers.mcp import ToolDeps
from servers.mcp.alerts import register_alerts_tools
from tests.tools.alertmanager.builders import alert_group, gettable_alert, gettable_silence, watchdog
from tools.fleet.models import ClusterSpec, Credentials, Endpoints

TOOLS = {"alerts_list", "alerts_list_silences"}


@asynccontextmanager
async def alerts_client(deps: ToolDeps) -> AsyncIterator[ClientSession]:
    mcp = FastMCP("t")
    register_alerts_tools(mcp, deps)
    async with create_connected_server_and_client_session(mcp._mcp_server) as session:
        yield session


async def add(deps: ToolDeps, name: str, alertmanager: str | None, *, token: str | None = None) -> None:
    credentials = Credentials.model_validate({"bearer_token": token}) if token else Credentials()
    await deps.registry.add(ClusterSpec(name=name, endpoints=Endpoints(alertmanager=alertmanager)), credentials)


def text_of(result: Any) -> str:
    return str(result.content[0].text)


async def test_the_tools_are_read_only_typed_and_take_the_cluster_selection(deps: ToolDeps) -> None:
    async with alerts_client(deps) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.annotations is not None and tool.annotations.readOnlyHint is True
        assert tool.annotations.destructiveHint is False
        assert tool.outputSchema is not None and "truncated" in tool.outputSchema["properties"]
        assert {"clusters", "cursor"} <= set(tool.inputSchema["properties"])
    props = tools["alerts_list"].inputSchema["properties"]
    assert set(props["state"]["enum"]) == {"active", "suppressed", "unprocessed", "any"}
    assert "Watchdog" in (tools["alerts_list"].description or "")
    assert "include_watchdog" in props


async def test_alerts_fan_out_with_per_cluster_status_and_forwarded_filters(deps: ToolDeps) -> None:
    await add(deps, "hub", "http://hub.am", token="hub-token")
    await add(deps, "spoke", "http://spoke.am")
    await add(deps, "bare", None)
    with respx.mock() as mock:
        hub = mock.get("http://hub.am/api/v2/alerts").respond(
            200, json=[gettable_alert("KubePodCrashLooping", "critical", namespace="shop", team="x"), watchdog()]
        )
        mock.get("http://spoke.am/api/v2/alerts").mock(side_effect=httpx.ReadTimeout("slow"))
        async with alerts_client(deps) as client:
            result = await client.call_tool(
                "alerts_list", {"namespace": "shop", "matchers": {"team": "x"}, "filters": ['pod=~"web-.*"']}
            )
    assert not result.isError, result.content
    data = result.structuredContent
    assert data is not None
    assert {c["cluster"]: c["status"] for c in data["clusters"]} == {"hub": "ok", "spoke": "timeout"}
    assert [(a["cluster"], a["alertname"]) for a in data["alerts"]] == [("hub", "KubePodCrashLooping")]
    assert data["watchdog"] == {"hub": 1}
    assert any("bare" in n and "not asked" in n for n in data["notes"])
    request = hub.calls.last.request
    assert request.url.params.get_list("filter") == ['namespace="shop"', 'team="x"', 'pod=~"web-.*"']
    assert request.url.params["active"] == "true" and request.url.params["silenced"] == "false"
    assert request.headers["Authorization"] == "Bearer hub-token"


async def test_a_bad_matcher_is_a_tool_error_with_alertmanagers_words(deps: ToolDeps) -> None:
    await add(deps, "hub", "http://hub.am")
    with respx.mock() as mock:
        mock.get("http://hub.am/api/v2/alerts").respond(400, json="bad matcher format: team")
        async with alerts_client(deps) as client:
            result = await client.call_tool("alerts_list", {"filters": ["team"]})
    assert result.isError
    assert "bad matcher format: team" in text_of(result)
    assert 'name="value"' in text_of(result)


async def test_no_alertmanager_in_the_selection_says_how_to_register_one(deps: ToolDeps) -> None:
    await add(deps, "bare", None)
    async with alerts_client(deps) as client:
        result = await client.call_tool("alerts_list", {})
    assert result.isError
    assert "--alertmanager" in text_of(result)


async def test_no_alerts_is_a_success_that_names_where_it_looked(deps: ToolDeps) -> None:
    await add(deps, "hub", "http://hub.am")
    with respx.mock() as mock:
        mock.get("http://hub.am/api/v2/alerts").respond(200, json=[])
        async with alerts_client(deps) as client:
            result = await client.call_tool("alerts_list", {"severity": "critical"})
    assert not result.isError
    assert result.structuredContent is not None
    assert result.structuredContent["total"] == 0
    assert any("hub" in n and 'severity="critical"' in n for n in result.structuredContent["notes"])


async def test_grouped_view_and_paging_through_the_tool(deps: ToolDeps) -> None:
    await add(deps, "hub", "http://hub.am")
    alerts = [gettable_alert(f"A{i}", "warning", namespace=f"ns{i % 3}") for i in range(9)]
    with respx.mock() as mock:
        mock.get("http://hub.am/api/v2/alerts").respond(200, json=alerts)
        mock.get("http://hub.am/api/v2/alerts/groups").respond(
            200, json=[alert_group({"alertname": "A0"}, "default", alerts[:1])]
        )
        async with alerts_client(deps) as client:
            grouped = await client.call_tool("alerts_list", {"group_by": "namespace"})
            own = await client.call_tool("alerts_list", {"group_by": "alertmanager"})
            first = await client.call_tool("alerts_list", {"limit": 5})
            assert first.structuredContent is not None
            second = await client.call_tool(
                "alerts_list", {"limit": 5, "cursor": first.structuredContent["next_cursor"]}
            )
    assert grouped.structuredContent is not None and own.structuredContent is not None
    assert [g["count"] for g in grouped.structuredContent["groups"]] == [3, 3, 3]
    assert own.structuredContent["groups"][0]["receiver"] == "default"
    assert second.structuredContent is not None
    seen = [a["alertname"] for a in first.structuredContent["alerts"] + second.structuredContent["alerts"]]
    assert sorted(seen) == [f"A{i}" for i in range(9)]


async def test_silences_are_listed_newest_first_with_their_matchers(deps: ToolDeps) -> None:
    await add(deps, "hub", "http://hub.am")
    with respx.mock() as mock:
        route = mock.get("http://hub.am/api/v2/silences").respond(
            200,
            json=[
                gettable_silence("old", "active", starts_at="2026-01-01T00:00:00Z"),
                gettable_silence("new", "pending", starts_at="2026-01-03T00:00:00Z"),
                gettable_silence("gone", "expired"),
            ],
        )
        async with alerts_client(deps) as client:
            result = await client.call_tool("alerts_list_silences", {"matchers": {"namespace": "shop"}})
    assert not result.isError, result.content
    data = result.structuredContent
    assert data is not None
    assert [s["id"] for s in data["silences"]] == ["new", "old"]
    assert data["silences"][0]["matchers"] == ['namespace="shop"']
    assert data["states"] == {"active": 1, "expired": 1, "pending": 1}
    assert route.calls.last.request.url.params.get_list("filter") == ['namespace="shop"']


@pytest.mark.integration
async def test_alerts_list_sees_an_alert_posted_to_a_real_alertmanager(
    deps: ToolDeps,
    alertmanager_server: str,
) -> None:
    await add(deps, "real", alertmanager_server)
    alert = {"labels": {"alertname": "McpIntegration", "severity": "warning", "test": "mcp", "pod": "web-0"}}
    async with httpx.AsyncClient(base_url=alertmanager_server, timeout=5.0) as http:
        (await http.post("/api/v2/alerts", json=[alert])).raise_for_status()
    async with alerts_client(deps) as client:
        deadline = time.monotonic() + 15.0
        while True:  # Alertmanager takes alerts in asynchronously: poll, bounded
            result = await client.call_tool("alerts_list", {"matchers": {"test": "mcp"}})
            assert not result.isError, result.content
            assert result.structuredContent is not None
            if result.structuredContent["alerts"] or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
    [listed] = result.structuredContent["alerts"]
    assert (listed["cluster"], listed["alertname"], listed["severity"]) == ("real", "McpIntegration", "warning")
    assert listed["labels"] == {"pod": "web-0", "test": "mcp"}
    assert listed["state"] == "active" and listed["fingerprint"]
