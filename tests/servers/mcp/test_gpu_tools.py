"""GPU tools through an in-memory MCP client against the REAL Prometheus of tests/tools/gpu/dcgm_fixture.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from mcp import ClientSession
from mcp.server.fastmcp import FastMCP
from mcp.shared.memory import create_connected_server_and_client_session

from servers.mcp import ToolDeps
from servers.mcp.gpu import register_gpu_tools
from tests.fixtures.sim import PrometheusFixture
from tests.servers.mcp.helpers import register
from tests.tools.gpu.dcgm_fixture import GpuFixture, gpu_fixture
from tools.timespec import format_rfc3339

__all__ = ["gpu_fixture"]

pytestmark = pytest.mark.integration

GPU_TOOLS = {"gpu_fleet_summary", "gpu_list_nodes", "gpu_health", "gpu_workloads", "gpu_mig_layout"}


@asynccontextmanager
async def gpu_client(deps: ToolDeps) -> AsyncIterator[ClientSession]:
    mcp = FastMCP("t")
    register_gpu_tools(mcp, deps)
    async with create_connected_server_and_client_session(mcp._mcp_server) as session:
        yield session


async def call(client: ClientSession, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(name, arguments)
    assert not result.isError, result.content
    assert result.structuredContent is not None
    return result.structuredContent


async def test_gpu_tools_are_read_only_typed_and_documented_with_an_example(deps: ToolDeps) -> None:
    async with gpu_client(deps) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == GPU_TOOLS
    for tool in tools.values():
        assert tool.annotations is not None and tool.annotations.readOnlyHint is True, tool.name
        assert tool.outputSchema is not None and "truncated" in tool.outputSchema["properties"], tool.name
        assert tool.description is not None and "Example:" in tool.description, tool.name
        assert {"clusters"} <= set(tool.inputSchema["properties"]), tool.name


async def test_health_over_mcp_decodes_xid_79_with_its_start(deps: ToolDeps, gpu_fixture: GpuFixture) -> None:
    await register(deps, "gpu-spoke", prometheus=gpu_fixture.url)
    async with gpu_client(deps) as client:
        data = await call(client, "gpu_health", {"time": str(gpu_fixture.anchor)})
    first = data["findings"][0]
    assert (first["node"], first["gpu"], first["xid"], first["severity"]) == ("gpu-node-a", "0", 79, "critical")
    assert first["started"] == format_rfc3339(gpu_fixture.xid_start)
    assert data["clusters"] == [
        {"cluster": "gpu-spoke", "status": "ok", "latency_ms": data["clusters"][0]["latency_ms"]}
    ]


async def test_summary_over_mcp_names_the_cluster_without_gpus_and_counts_the_other(
    deps: ToolDeps, gpu_fixture: GpuFixture, prometheus_fixture: PrometheusFixture
) -> None:
    await register(deps, "gpu-spoke", prometheus=gpu_fixture.url)
    await register(deps, "plain", prometheus=prometheus_fixture.url)
    await register(deps, "no-prom")
    async with gpu_client(deps) as client:
        data = await call(client, "gpu_fleet_summary", {"time": str(gpu_fixture.anchor)})
    assert [c["cluster"] for c in data["per_cluster"]] == ["gpu-spoke"]
    assert data["per_cluster"][0]["gpus"] == len(gpu_fixture.gpus)
    notes = " ".join(data["notes"])
    assert "no GPU telemetry found (searched DCGM_FI_DEV_GPU_UTIL on plain)" in notes
    assert "No Prometheus endpoint registered for: no-prom" in notes
    assert sorted(data["answered"]) == ["gpu-spoke", "plain"]


async def test_workloads_and_mig_over_mcp(deps: ToolDeps, gpu_fixture: GpuFixture) -> None:
    await register(deps, "gpu-spoke", prometheus=gpu_fixture.url)
    async with gpu_client(deps) as client:
        work = await call(client, "gpu_workloads", {"time": str(gpu_fixture.anchor), "namespace": "ml"})
        mig = await call(client, "gpu_mig_layout", {"time": str(gpu_fixture.anchor)})
        nodes = await call(client, "gpu_list_nodes", {"time": str(gpu_fixture.anchor), "node": "gpu-node-a"})
    idle = sorted(w["pod"] for w in work["workloads"] if w["idle"])
    assert idle == sorted([p for g in gpu_fixture.gpus if g.util == 0.0 for _, p in g.pods] + ["mig-b"])
    assert mig["gpus"][0]["profiles"] == {"3g.40gb": 1, "4g.40gb": 1}
    assert [g["gpu"] for g in nodes["gpus"]] == ["0", "1"]


async def test_bad_window_is_a_tool_error_the_model_can_fix(deps: ToolDeps, gpu_fixture: GpuFixture) -> None:
    await register(deps, "gpu-spoke", prometheus=gpu_fixture.url)
    async with gpu_client(deps) as client:
        result = await client.call_tool("gpu_health", {"window": "30d"})
    assert result.isError
    assert "window must be between 1m and 7d" in result.content[0].text  # type: ignore[union-attr]
