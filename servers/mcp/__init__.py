"""MCP servers, one per domain (fleet, metrics, …), composed into one server for clients by :func:`build_server`."""

from servers.mcp.deps import ToolDeps, open_deps
from servers.mcp.server import DOMAINS, AiopsMCP, build_server
from servers.mcp.toolsets import ASK_TOOLSET, DOMAIN_TOOLSETS, TOOLSETS, ToolsetError, parse_toolsets

__all__ = [
    "ASK_TOOLSET",
    "DOMAINS",
    "DOMAIN_TOOLSETS",
    "TOOLSETS",
    "AiopsMCP",
    "ToolDeps",
    "ToolsetError",
    "build_server",
    "open_deps",
    "parse_toolsets",
]
