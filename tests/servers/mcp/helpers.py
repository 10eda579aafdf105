"""Helpers for MCP-layer tests: isolated settings, an in-memory MCP client, direct cluster registration."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from mcp import ClientSession
from mcp.shared.memory import create_connected_server_and_client_session

from servers.mcp import ToolDeps, build_server
from servers.settings import Settings
from tools.fleet.models import ClusterSpec, ClusterType, Credentials, Endpoints, Environment


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings isolated from the developer's environment and data directory."""
    values: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "database_url": None,
        "encryption_key": None,
        "cluster_timeout_s": 2.0,
        "query_timeout_s": 2.0,
        "probe_enabled": False,
        **overrides,
    }
    return Settings.model_validate(values)


@asynccontextmanager
async def mcp_client(deps: ToolDeps) -> AsyncIterator[ClientSession]:
    """An in-memory MCP client session on the composed server.

    A context manager rather than a fixture: the session's task group must be entered and left in the same task,
    which pytest-asyncio does not guarantee across fixture setup and teardown. The server lists its result schemas
    (``output_schemas="full"``) so the SDK client validates every structured result of every MCP test against them.
    """
    server = build_server(deps, output_schemas="full")
    async with create_connected_server_and_client_session(server._mcp_server) as session:
        yield session


async def register(
    deps: ToolDeps,
    name: str,
    *,
    prometheus: str | None = None,
    environment: Environment = Environment.DEVELOPMENT,
    type_: ClusterType = ClusterType.SPOKE,
    labels: dict[str, str] | None = None,
    token: str | None = None,
) -> None:
    """Register one cluster directly in the registry (no probe)."""
    spec = ClusterSpec(
        name=name,
        type=type_,
        environment=environment,
        labels=labels or {},
        endpoints=Endpoints(prometheus=prometheus),
    )
    credentials = Credentials.model_validate({"bearer_token": token}) if token else Credentials()
    await deps.registry.add(spec, credentials)
