"""The composed server's tool surface: names, annotations, schemas, descriptions, toolsets, server identity."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from mcp.shared.memory import create_connected_server_and_client_session
from mcp.types import TextResourceContents
from pydantic import AnyUrl

from servers.mcp import TOOLSETS, ToolDeps, ToolsetError, build_server, open_deps, parse_toolsets
from tests.servers.mcp.helpers import make_settings, mcp_client

FLEET_TOOLS = {"fleet_list_clusters", "fleet_get_cluster", "fleet_summary", "fleet_probe_cluster"}
METRICS_TOOLS = {
    "metrics_query",
    "metrics_query_range",
    "metrics_list_names",
    "metrics_label_values",
    "metrics_series",
    "metrics_list_alerts",
    "metrics_list_rules",
    "metrics_list_targets",
}


ALERTS_TOOLS = {"alerts_list", "alerts_list_silences"}
LOGS_TOOLS = {"logs_query", "logs_labels", "logs_label_values", "logs_patterns"}
TRACES_TOOLS = {"traces_search", "traces_get", "traces_compare", "traces_service_graph", "traces_tag_values"}
GPU_TOOLS = {"gpu_fleet_summary", "gpu_list_nodes", "gpu_health", "gpu_workloads", "gpu_mig_layout"}
CNF_TOOLS = {"cnf_ptp_status", "cnf_sriov_status", "cnf_dpdk_stats", "cnf_list_workloads"}
K8S_TOOLS = {
    "k8s_list_nodes",
    "k8s_list_pods",
    "k8s_list_events",
    "k8s_get_workload",
    "k8s_pod_logs",
    "k8s_cluster_version",
}
ALL_TOOLS = FLEET_TOOLS | METRICS_TOOLS | ALERTS_TOOLS | K8S_TOOLS | LOGS_TOOLS | TRACES_TOOLS | GPU_TOOLS | CNF_TOOLS


async def test_composed_server_lists_exactly_the_domain_tools(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        tools = (await client.list_tools()).tools
        assert {t.name for t in tools} == ALL_TOOLS


async def test_every_tool_is_read_only_with_a_real_description_and_a_result_schema(deps: ToolDeps) -> None:
    server = build_server(deps, output_schemas="full")
    async with create_connected_server_and_client_session(server._mcp_server) as client:
        for tool in (await client.list_tools()).tools:
            assert tool.annotations is not None and tool.annotations.readOnlyHint is True, tool.name
            assert tool.annotations.destructiveHint is False, tool.name
            assert tool.outputSchema is not None, tool.name
            assert "truncated" in tool.outputSchema["properties"], tool.name
            assert tool.description is not None and len(tool.description) > 80, tool.name


async def test_the_default_listing_is_compact_and_publishes_result_schemas_as_resources(deps: ToolDeps) -> None:
    server = build_server(deps)
    async with create_connected_server_and_client_session(server._mcp_server) as client:
        tools = (await client.list_tools()).tools
        inputs = json.dumps([t.inputSchema for t in tools])
        assert all(t.outputSchema is None for t in tools)
        assert '"title"' not in inputs  # no pydantic titles on every property
        assert '{"type": "null"}' not in inputs  # optional arguments are not spelt as nullable unions
        assert all(t.description and not t.description.startswith(" ") and "\n    " not in t.description for t in tools)
        templates = (await client.list_resource_templates()).resourceTemplates
        assert "aiops://schemas/{tool}" in {t.uriTemplate for t in templates}
        read = await client.read_resource(AnyUrl("aiops://schemas/metrics_query"))
        content = read.contents[0]
        assert isinstance(content, TextResourceContents)
        schema = json.loads(content.text)
        assert {"samples", "truncated", "clusters", "next_cursor"} <= set(schema["properties"])


async def test_a_schema_for_an_unknown_tool_names_the_known_ones(deps: ToolDeps) -> None:
    server = build_server(deps)
    async with create_connected_server_and_client_session(server._mcp_server) as client:
        with pytest.raises(Exception, match="metrics_query"):
            await client.read_resource(AnyUrl("aiops://schemas/no_such_tool"))


async def test_the_server_reports_its_own_name_and_version(deps: ToolDeps) -> None:
    server = build_server(deps)
    async with create_connected_server_and_client_session(server._mcp_server) as client:
        info = await client.initialize()
    assert info.serverInfo.name == "aiops-nextgen"
    assert info.serverInfo.version == metadata.version("aiops-nextgen")
    assert info.serverInfo.version != metadata.version("mcp")


async def test_fan_out_tools_select_clusters_with_one_argument(deps: ToolDeps) -> None:
    fan_out = METRICS_TOOLS | ALERTS_TOOLS | K8S_TOOLS | LOGS_TOOLS | GPU_TOOLS | CNF_TOOLS | TRACES_TOOLS
    async with mcp_client(deps) as client:
        for tool in (await client.list_tools()).tools:
            properties = set(tool.inputSchema["properties"])
            if tool.name in fan_out - {"traces_get"}:
                assert "clusters" in properties, tool.name
                assert not {"labels", "environment"} & properties, tool.name


async def test_range_query_schema_states_rank_criteria_and_limits(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        props = tools["metrics_query_range"].inputSchema["properties"]
        assert set(props["rank_by"]["enum"]) == {"max", "mean", "last", "p95", "deviation", "min"}
        assert props["top_k"]["maximum"] == 100


def test_a_toolset_server_has_only_its_tools_and_instructions(deps: ToolDeps) -> None:
    server = build_server(deps, toolsets=("gpu", "cnf"))
    assert {t.name for t in server._tool_manager.list_tools()} == GPU_TOOLS | CNF_TOOLS
    assert server.instructions is not None
    assert "gpu_*" in server.instructions and "logs_*" not in server.instructions


def test_unknown_toolset_is_refused_with_the_valid_choices(deps: ToolDeps) -> None:
    with pytest.raises(ToolsetError, match="choose from"):
        build_server(deps, toolsets=("gpu-magic",))


def test_the_ask_toolset_needs_the_agent_from_the_entry_point(deps: ToolDeps) -> None:
    with pytest.raises(ToolsetError, match="ask"):
        build_server(deps, toolsets=("metrics", "ask"))
    registered: list[str] = []
    build_server(deps, toolsets=("ask",), ask=lambda mcp: registered.append(mcp.name))
    assert registered == ["aiops-nextgen"]


def test_toolset_names_parse_from_a_comma_list_with_all_and_close_matches() -> None:
    assert parse_toolsets("gpu, metrics,gpu") == ("metrics", "gpu")
    assert parse_toolsets(["logs", "traces,alerts"]) == ("alerts", "logs", "traces")
    assert parse_toolsets("all") == TOOLSETS
    with pytest.raises(ToolsetError, match="did you mean 'metrics'"):
        parse_toolsets("metric")
    with pytest.raises(ToolsetError, match="no toolset selected"):
        parse_toolsets(" , ")


async def test_a_lazy_registry_that_cannot_open_fails_the_call_clearly_without_the_password(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        database_url="postgresql+psycopg://aiops:hunter2@127.0.0.1:1/fleet?connect_timeout=2",
        encryption_key=Fernet.generate_key().decode(),
    )
    async with open_deps(settings, lazy_store=True) as deps:
        server = build_server(deps, toolsets=("fleet", "metrics"))
        async with create_connected_server_and_client_session(server._mcp_server) as client:
            assert len((await client.list_tools()).tools) == 12  # listing needs no database
            result = await client.call_tool("metrics_query", {"query": "up"})
            again = await client.call_tool("fleet_summary", {})
    text = result.content[0].text  # type: ignore[union-attr]
    assert result.isError and "127.0.0.1:1/fleet" in text and "AIOPS_DATABASE_URL" in text
    assert "hunter2" not in text
    assert again.isError  # still failing, still answering
