"""The agent wired to the product: built from Settings over the composed MCP server (in-process), exposed as the
``aiops_ask`` MCP tool, the ``aiops ask|chat|route`` commands and the LLM part of ``/readyz``."""

from servers.assistant.mcp_tool import AskResult, register_ask_tool
from servers.assistant.runtime import AgentRuntime, describe_llm, llm_endpoints, open_assistant, readiness_report

__all__ = [
    "AgentRuntime",
    "AskResult",
    "describe_llm",
    "llm_endpoints",
    "open_assistant",
    "readiness_report",
    "register_ask_tool",
]
