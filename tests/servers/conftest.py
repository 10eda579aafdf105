"""Fixtures for the servers: real ToolDeps on a temporary SQLite registry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from servers.mcp import ToolDeps, open_deps
from tests.servers.mcp.helpers import make_settings


@pytest.fixture
async def deps(tmp_path: Path) -> AsyncIterator[ToolDeps]:
    async with open_deps(make_settings(tmp_path)) as opened:
        yield opened
