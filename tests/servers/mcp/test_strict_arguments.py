"""Strict arguments: every tool refuses unknown argument names before any backend call, and bad values come back
as the project's error style (argument, what was wrong, what to send), never as raw pydantic text."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx
from mcp import ClientSession
from mcp.types import CallToolResult, TextContent

from servers.mcp import ToolDeps
from tests.servers.mcp.helpers import mcp_client, register
from tests.servers.mcp.test_tool_surface import ALL_TOOLS

PROMETHEUS = "http://prometheus.hub.test"


def text_of(result: CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, TextContent)
    return block.text


def placeholder(schema: dict[str, Any]) -> Any:
    """A well-typed value for a required argument (the call must fail on the unknown name alone)."""
    if "enum" in schema:
        return schema["enum"][0]
    return {"string": "x", "integer": 1, "number": 1.0, "boolean": True, "array": ["x"], "object": {}}.get(
        str(schema.get("type")), "x"
    )


async def required_arguments(client: ClientSession, tool: str) -> tuple[dict[str, Any], list[str]]:
    listed = {t.name: t for t in (await client.list_tools()).tools}[tool]
    properties: dict[str, Any] = listed.inputSchema["properties"]
    required = listed.inputSchema.get("required", [])
    return {name: placeholder(properties[name]) for name in required}, list(properties)


@pytest.mark.parametrize("tool", sorted(ALL_TOOLS))
async def test_every_tool_refuses_an_unknown_argument_before_calling_a_backend(deps: ToolDeps, tool: str) -> None:
    await register(deps, "hub", prometheus=PROMETHEUS)
    with respx.mock(assert_all_called=False) as backend:
        anything = backend.route().mock(return_value=httpx.Response(200, json={"status": "success", "data": []}))
        async with mcp_client(deps) as client:
            arguments, valid = await required_arguments(client, tool)
            result = await client.call_tool(tool, {**arguments, "no_such_argument": 1})
    assert result.isError, f"{tool} accepted an unknown argument: {text_of(result)[:200]}"
    message = text_of(result)
    assert "no_such_argument" in message and "unknown argument" in message
    assert all(name in message for name in valid), message
    assert anything.call_count == 0


async def test_a_misspelt_argument_names_the_closest_valid_one_instead_of_asking_the_whole_fleet(
    deps: ToolDeps,
) -> None:
    await register(deps, "hub", prometheus=PROMETHEUS)
    with respx.mock(assert_all_called=False) as backend:
        anything = backend.route().mock(return_value=httpx.Response(200, json={"status": "success", "data": []}))
        async with mcp_client(deps) as client:
            result = await client.call_tool("metrics_query", {"query": "up", "clusterz": ["hub"]})
    assert result.isError
    assert "did you mean `clusters`?" in text_of(result)
    assert anything.call_count == 0


async def test_every_listed_input_schema_declares_that_unknown_arguments_are_refused(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        for tool in (await client.list_tools()).tools:
            assert tool.inputSchema.get("additionalProperties") is False, tool.name


async def test_an_out_of_range_value_says_which_argument_and_what_to_send(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        result = await client.call_tool("metrics_query", {"query": "up", "top_k": 5000})
    message = text_of(result)
    assert result.isError
    assert "`top_k`" in message and "5000" in message and "an integer from 1 to 200" in message
    assert "pydantic" not in message


async def test_a_missing_required_argument_and_a_bad_choice_are_both_reported(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        result = await client.call_tool("metrics_query_range", {"rank_by": "loudest"})
    message = text_of(result)
    assert result.isError
    assert "`query` is required" in message
    assert "`rank_by`" in message and "one of " in message and '"p95"' in message


async def test_a_string_where_a_list_belongs_is_explained(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        result = await client.call_tool("metrics_query", {"query": "up", "clusters": 7})
    message = text_of(result)
    assert result.isError
    assert "`clusters`" in message and "a list of strings" in message


async def test_an_unknown_tool_suggests_the_closest_ones(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        result = await client.call_tool("metrics_qurey", {"query": "up"})
    assert result.isError
    assert "Did you mean metrics_query" in text_of(result)


async def test_hostile_argument_names_cannot_break_the_error_or_the_server(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        result = await client.call_tool("fleet_summary", {"\ud800evil": "\ud800", "x" * 10_000: 1})
        message = text_of(result)
        assert result.isError and "unknown arguments" in message
        message.encode("utf-8")  # a lone surrogate echoed raw would raise here
        assert len(message) < 1_000
        after = await client.call_tool("fleet_summary", {})
    assert not after.isError, text_of(after)


async def test_a_json_encoded_list_is_still_accepted_as_clients_send_it(deps: ToolDeps) -> None:
    # Some clients send list arguments as JSON text; FastMCP parses them and so must the strict check.
    await register(deps, "hub", prometheus=PROMETHEUS)
    with respx.mock(assert_all_called=False) as backend:
        backend.route().mock(
            return_value=httpx.Response(200, json={"status": "success", "data": {"resultType": "vector", "result": []}})
        )
        async with mcp_client(deps) as client:
            result = await client.call_tool("metrics_query", {"query": "up", "clusters": json.dumps(["hub"])})
    assert not result.isError, text_of(result)
    assert result.structuredContent is not None and result.structuredContent["answered"] == ["hub"]
