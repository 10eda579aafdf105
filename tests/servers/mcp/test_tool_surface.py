"""The composed server's tool surface: names, annotations, schemas, descriptions."""

from __future__ import annotations

import pytest

from servers.mcp import ToolDeps, build_server
from tests.servers.mcp.helpers import mcp_client

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


async def test_composed_server_lists_exactly_the_domain_tools(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        tools = (await client.list_tools()).tools
        assert {
            t.name for t in tools
        } == FLEET_TOOLS | METRICS_TOOLS | ALERTS_TOOLS | K8S_TOOLS | LOGS_TOOLS | TRACES_TOOLS | GPU_TOOLS | CNF_TOOLS


async def test_every_tool_is_read_only_with_an_output_schema_and_a_real_description(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        for tool in (await client.list_tools()).tools:
            assert tool.annotations is not None and tool.annotations.readOnlyHint is True, tool.name
            assert tool.annotations.destructiveHint is False, tool.name
            assert tool.outputSchema is not None, tool.name
            assert "truncated" in tool.outputSchema["properties"], tool.name
            assert tool.description is not None and len(tool.description) > 80, tool.name


async def test_fan_out_tools_take_the_cluster_selection_arguments(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        for tool in (await client.list_tools()).tools:
            if tool.name in METRICS_TOOLS | ALERTS_TOOLS | K8S_TOOLS | LOGS_TOOLS | GPU_TOOLS | TRACES_TOOLS - {
                "traces_get"
            }:
                assert {"clusters", "labels", "environment"} <= set(tool.inputSchema["properties"]), tool.name


async def test_range_query_schema_states_rank_criteria_and_limits(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        props = tools["metrics_query_range"].inputSchema["properties"]
        assert set(props["rank_by"]["enum"]) == {"max", "mean", "last", "p95", "deviation", "min"}
        assert props["top_k"]["maximum"] == 100


def test_a_single_domain_server_has_only_its_tools(deps: ToolDeps) -> None:
    server = build_server(deps, domains=("fleet",))
    assert {t.name for t in server._tool_manager.list_tools()} == FLEET_TOOLS


def test_unknown_domain_is_refused_with_the_valid_choices(deps: ToolDeps) -> None:
    with pytest.raises(ValueError, match="choose from"):
        build_server(deps, domains=("gpu-magic",))
