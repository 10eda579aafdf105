"""``aiops mcp`` over stdio, spoken to by the MCP SDK client and by MCP Inspector (a real third-party client).

Both ask a real Prometheus (the backfilled ``prometheus_fixture``) through a cluster registered with the CLI.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from typer.testing import CliRunner

from servers.cli.app import build_cli
from tests.fixtures.sim import PrometheusFixture

INSPECTOR = "@modelcontextprotocol/inspector@0.15.0"
AIOPS = str(Path(sys.executable).with_name("aiops"))


@pytest.fixture
def data_dir(tmp_path: Path, prometheus_fixture: PrometheusFixture) -> Path:
    """A data directory with one cluster, ``fixture``, whose Prometheus is the fixture server."""
    result = CliRunner().invoke(
        build_cli(),
        [
            "cluster",
            "add",
            "fixture",
            "--prometheus",
            prometheus_fixture.url,
            "--no-probe",
            "--data-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    return tmp_path


def fixture_values(prometheus_fixture: PrometheusFixture) -> set[float]:
    return {
        prometheus_fixture.expected(s.name, s.labels, prometheus_fixture.anchor)
        for s in prometheus_fixture.series
        if s.name == "fixture_metric"
    }


@pytest.mark.slow
async def test_stdio_server_answers_a_real_client_with_real_prometheus_data(
    data_dir: Path, prometheus_fixture: PrometheusFixture
) -> None:
    params = StdioServerParameters(command=AIOPS, args=["mcp", "--data-dir", str(data_dir)])
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        names = {t.name for t in (await session.list_tools()).tools}
        assert {"fleet_list_clusters", "metrics_query"} <= names
        result = await session.call_tool(
            "metrics_query", {"query": "fixture_metric", "time": prometheus_fixture.anchor.isoformat()}
        )
    assert not result.isError, result.content
    assert result.structuredContent is not None
    values = {s["value"] for s in result.structuredContent["samples"]}
    assert values == fixture_values(prometheus_fixture)
    assert result.structuredContent["clusters"][0] == {
        "cluster": "fixture",
        "status": "ok",
        "latency_ms": pytest.approx(result.structuredContent["clusters"][0]["latency_ms"]),
    }


@pytest.mark.slow
async def test_stdio_server_serves_only_the_chosen_toolsets(tmp_path: Path) -> None:
    params = StdioServerParameters(command=AIOPS, args=["mcp", "--toolsets", "gpu,ask", "--data-dir", str(tmp_path)])
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        names = {t.name for t in (await session.list_tools()).tools}
    assert "aiops_ask" in names
    assert {name.split("_")[0] for name in names} == {"gpu", "aiops"}


def inspector(data_dir: Path, *args: str) -> dict[str, object]:
    npx = shutil.which("npx")
    if npx is None:
        pytest.fail("npx (Node.js 20+) is needed for the MCP Inspector test: apt-get install nodejs npm")
    completed = subprocess.run(
        [npx, "-y", INSPECTOR, "--cli", AIOPS, "mcp", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    parsed: dict[str, object] = json.loads(completed.stdout)
    return parsed


@pytest.mark.slow
def test_mcp_inspector_lists_and_calls_tools_against_aiops_mcp(
    data_dir: Path, prometheus_fixture: PrometheusFixture
) -> None:
    listed = inspector(data_dir, "--method", "tools/list")
    tools = listed["tools"]
    assert isinstance(tools, list)
    assert {"fleet_list_clusters", "metrics_query", "metrics_query_range"} <= {t["name"] for t in tools}

    fleet = inspector(data_dir, "--method", "tools/call", "--tool-name", "fleet_list_clusters")
    structured = fleet["structuredContent"]
    assert isinstance(structured, dict)
    assert [c["name"] for c in structured["items"]] == ["fixture"]

    called = inspector(
        data_dir,
        "--method", "tools/call", "--tool-name", "metrics_query",
        "--tool-arg", "query=fixture_metric", "--tool-arg", f"time={prometheus_fixture.anchor.isoformat()}",
    )  # fmt: skip
    assert called.get("isError") in (None, False), called
    structured = called["structuredContent"]
    assert isinstance(structured, dict)
    assert {s["value"] for s in structured["samples"]} == fixture_values(prometheus_fixture)
