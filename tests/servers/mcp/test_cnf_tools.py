"""The cnf tools through an in-memory MCP client: surface, PTP and DPDK on a real Prometheus, SR-IOV and
workloads on respx-served API bodies, per-cluster status and missing endpoints."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import respx
from mcp import ClientSession
from mcp.server.fastmcp import FastMCP
from mcp.shared.memory import create_connected_server_and_client_session
from mcp.types import CallToolResult
from pydantic import SecretStr

from servers.mcp import ToolDeps
from servers.mcp.cnf import register_cnf_tools
from servers.sim.prometheus import free_port
from tests.tools.cnf import shapes
from tests.tools.cnf.prometheus_ptp import PtpFixture, empty_prometheus, ptp_prometheus
from tools.fleet.models import ClusterSpec, Credentials, Endpoints

__all__ = ["empty_prometheus", "ptp_prometheus"]  # session fixtures shared with tests/tools/cnf

CNF_TOOLS = {"cnf_ptp_status", "cnf_sriov_status", "cnf_dpdk_stats", "cnf_list_workloads"}


@asynccontextmanager
async def cnf_client(deps: ToolDeps) -> AsyncIterator[ClientSession]:
    mcp = FastMCP("t")
    register_cnf_tools(mcp, deps)
    async with create_connected_server_and_client_session(mcp._mcp_server) as session:
        yield session


async def add(deps: ToolDeps, name: str, *, api: str | None = None, prometheus: str | None = None) -> None:
    await deps.registry.add(
        ClusterSpec(name=name, endpoints=Endpoints(api=api, prometheus=prometheus)),
        Credentials(bearer_token=SecretStr("sha256~cnf-test-token-0123456789")),
    )


def payload(result: CallToolResult) -> dict[str, Any]:
    assert not result.isError, result.content
    assert result.structuredContent is not None
    text = "".join(getattr(c, "text", "") for c in result.content)
    assert json.loads(text) == result.structuredContent
    return result.structuredContent


async def test_the_cnf_domain_has_four_read_only_typed_tools(deps: ToolDeps) -> None:
    async with cnf_client(deps) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == CNF_TOOLS
    for tool in tools.values():
        assert tool.annotations is not None
        assert (tool.annotations.readOnlyHint, tool.annotations.destructiveHint) == (True, False)
        assert tool.outputSchema is not None and "truncated" in tool.outputSchema["properties"], tool.name
        assert tool.description is not None and len(tool.description) > 80, tool.name
        assert {"clusters"} <= set(tool.inputSchema["properties"]), tool.name
    assert tools["cnf_ptp_status"].inputSchema["properties"]["threshold_ns"]["default"] == 100.0


async def test_ptp_status_fans_out_with_a_dead_cluster_and_a_cluster_without_prometheus(
    deps: ToolDeps, ptp_prometheus: PtpFixture
) -> None:
    fx = ptp_prometheus
    await add(deps, "edge", prometheus=fx.url)
    await add(deps, "dead", prometheus=f"http://127.0.0.1:{free_port()}")
    await add(deps, "bare", api=shapes.API)
    async with cnf_client(deps) as client:
        result = await client.call_tool(
            "cnf_ptp_status", {"start": str(fx.start), "end": str(fx.anchor), "step": "15s", "threshold_ns": 100}
        )
    body = payload(result)
    statuses = {c["cluster"]: c["status"] for c in body["clusters"]}
    assert statuses["edge"] == "ok" and statuses["dead"] == "error"
    assert any("No Prometheus endpoint registered for: bare" in n for n in body["notes"])
    first = body["processes"][0]
    assert (first["cluster"], first["node"], first["process"], first["state"]) == ("edge", "du-1", "ptp4l", "FREERUN")
    assert [t["to_state"] for t in first["transitions"]] == ["HOLDOVER", "FREERUN"]
    assert first["clock_class"] == 135 and first["roles"] == {"ens2f0": "SLAVE"}


async def test_a_bad_time_is_a_tool_error_the_model_can_fix(deps: ToolDeps, ptp_prometheus: PtpFixture) -> None:
    await add(deps, "edge", prometheus=ptp_prometheus.url)
    async with cnf_client(deps) as client:
        result = await client.call_tool("cnf_ptp_status", {"start": "now", "end": "now-1h"})
    assert result.isError
    assert "must be after start" in "".join(getattr(c, "text", "") for c in result.content)


async def test_dpdk_absent_says_which_metrics_were_searched_where(deps: ToolDeps, empty_prometheus: str) -> None:
    await add(deps, "upf-site", prometheus=empty_prometheus)
    async with cnf_client(deps) as client:
        body = payload(await client.call_tool("cnf_dpdk_stats", {}))
    assert body["families"] == []
    note = next(n for n in body["notes"] if n.startswith("No DPDK"))
    assert "upf-site" in note and "dpdk_counters_rx_missed" in note and "ovs_pmd_processing_cycles" in note


async def test_sriov_and_workloads_read_the_api_only_with_get(deps: ToolDeps) -> None:
    await add(deps, "ran", api=shapes.API)
    sriov = "/apis/sriovnetwork.openshift.io/v1"
    with respx.mock(base_url=shapes.API, assert_all_mocked=True, assert_all_called=False) as router:
        bodies = {
            f"{sriov}/sriovnetworknodestates": shapes.items(
                "SriovNetworkNodeState", [shapes.node_state("du-1", 0, "Failed", error="device busy")]
            ),
            f"{sriov}/sriovnetworknodepolicies": shapes.items(
                "SriovNetworkNodePolicy", [shapes.policy("du-fh", "du_fh", 4)]
            ),
            "/api/v1/nodes": shapes.items("Node", [shapes.node("du-1", {"openshift.io/du_fh": "0"}, shapes.CNF_ROLE)]),
            "/api/v1/pods": shapes.items(
                "Pod",
                [shapes.pod("ran", "vdu-0", node_name=None, phase="Pending", limits={"openshift.io/du_fh": "1"})],
            ),
            "/apis/performance.openshift.io/v2/performanceprofiles": shapes.items("PerformanceProfile", []),
            "/apis/k8s.cni.cncf.io/v1/network-attachment-definitions": shapes.items(
                "NetworkAttachmentDefinition",
                [shapes.nad("ran", "du-fh", shapes.sriov_cni("du-fh", 0), "openshift.io/du_fh")],
            ),
        }
        for path, body in bodies.items():
            router.get(path=path).mock(return_value=httpx.Response(200, json=body))
        async with cnf_client(deps) as client:
            sriov_body = payload(await client.call_tool("cnf_sriov_status", {"clusters": ["ran"]}))
            workloads_body = payload(await client.call_tool("cnf_list_workloads", {"function": "vDU"}))
        assert {call.request.method for call in router.calls} == {"GET"}
    assert sriov_body["nodes"][0]["problems"][0] == "sync Failed: device busy"
    assert sriov_body["resources"][0]["exhausted"] is True
    assert sriov_body["pending"] == ["ran: ran/vdu-0 asks openshift.io/du_fh=1"]
    assert sriov_body["mismatches"] == ["ran/du-1: policy du-fh wants numVfs=4, ens1f0 has 0"]
    assert [(w["function"], w["name"]) for w in workloads_body["workloads"]] == [("vDU", "vdu-0")]
    assert [(n["name"], n["resource"]) for n in sriov_body["networks"]] == [("du-fh", "openshift.io/du_fh")]


async def test_an_unknown_cluster_is_a_tool_error(deps: ToolDeps) -> None:
    async with cnf_client(deps) as client:
        result = await client.call_tool("cnf_sriov_status", {"clusters": ["nope"]})
    assert result.isError
    assert "Unknown cluster(s): nope" in "".join(getattr(c, "text", "") for c in result.content)
