"""The agent wired to the product: the ``aiops_ask`` MCP tool, the ``aiops ask|chat|route`` commands and the LLM part
of ``/readyz``.

This package is light: registering ``aiops_ask`` and checking the LLM endpoints import no agent code beyond the
endpoint description. :mod:`servers.assistant.runtime` (the agent itself: langgraph, langchain, openai,
scikit-learn) is imported by :class:`AgentLoader` on the first question, or directly by the agent commands.
"""

from servers.assistant.llm_status import check_llm, describe_llm, llm_endpoints, readiness_report
from servers.assistant.loader import AgentLoader
from servers.assistant.mcp_tool import AskResult, register_ask_tool

__all__ = [
    "AgentLoader",
    "AskResult",
    "check_llm",
    "describe_llm",
    "llm_endpoints",
    "readiness_report",
    "register_ask_tool",
]
