"""Streamable-HTTP transport: the composed MCP server behind bearer auth, with /healthz and /metrics."""

from servers.http.app import HttpConfigError, create_app, transport_security_for

__all__ = ["HttpConfigError", "create_app", "transport_security_for"]
