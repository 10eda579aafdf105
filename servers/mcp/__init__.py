"""MCP servers, one per domain (fleet, metrics), composed into one server for clients by :func:`build_server`."""

from servers.mcp.deps import ToolDeps, open_deps
from servers.mcp.server import DOMAINS, build_server

__all__ = ["DOMAINS", "ToolDeps", "build_server", "open_deps"]
