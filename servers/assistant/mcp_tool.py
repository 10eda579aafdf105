"""``aiops_ask``: the whole agent as one MCP tool, so a client without a strong model can delegate an
investigation and get back a cited answer (the agent's own tool calls stay on the server).

Registering the tool imports nothing of the agent stack: the :class:`AgentLoader` builds the agent on the first call.
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.exceptions import ToolError
from mcp.types import CallToolResult
from pydantic import BaseModel, Field

from agents.citations import Citation
from servers.assistant.loader import AgentLoader
from servers.mcp.respond import respond
from servers.mcp.selection import ClustersArg, select_clusters
from servers.mcp.surface import READ_ONLY
from tools.contract import ToolResult

__all__ = ["AskResult", "register_ask_tool"]


class AskRoute(BaseModel):
    """How the question was routed."""

    personas: list[str]
    method: str = Field(description="explicit, llm (the supervisor model) or classifier (no LLM)")
    reason: str


class AskResult(ToolResult):
    """The agent's answer with the sources behind it."""

    answer: str = Field(description="Markdown answer, ending with the sources it used.")
    mode: str = Field(description="llm, or deterministic when no LLM was reachable (the answer says why).")
    route: AskRoute
    citations: list[Citation] = Field(default_factory=list, description="Every tool call behind the answer.")
    latency_ms: float
    tokens: dict[str, int] = Field(default_factory=dict)


def register_ask_tool(mcp: FastMCP, agent: AgentLoader) -> None:
    """Add ``aiops_ask`` to ``mcp``; ``agent`` is built on the first call (its own MCP session lacks this tool)."""

    @mcp.tool(annotations=READ_ONLY, title="Ask the AIOps agent")
    async def aiops_ask(
        question: Annotated[str, Field(min_length=3, max_length=2000, description="In plain words")],
        persona: Annotated[str | None, Field(description="Force one, e.g. gpu-expert; default routed")] = None,
        clusters: ClustersArg = None,
    ) -> Annotated[CallToolResult, AskResult]:
        """Ask the AIOps agent a whole question; get an answer citing every tool call, query, cluster and time range
        it used. It routes to specialist personas (platform-ops, gpu-expert, network-cnf, telco-5g) that call the
        read-only tools; without an LLM it answers deterministically and says so. E.g. "why is payments-api slow?"
        """
        # Imported on the first call with the rest of the agent, never at registration.
        from personas import UnknownPersonaError
        from servers.assistant.runtime import open_assistant

        runtime = await agent.get()
        try:
            runtime.check_request(question, persona)
            # The agent's cluster context is a list of names: selectors (environment=PRODUCTION) resolve here.
            scope = [c.name for c in await select_clusters(runtime.deps, clusters)] if clusters else []
        except (ValueError, UnknownPersonaError) as exc:  # bad input (ToolInputError too): the caller can fix it
            raise ToolError(str(exc)) from exc
        async with open_assistant(runtime) as assistant:
            answer = await assistant.ask(question, persona=persona, clusters=scope)
        route: dict[str, Any] = answer.route
        result = AskResult(
            clusters=[],
            answered=sorted({c for cite in answer.citations for c in cite.clusters}),
            answer=answer.text,
            mode=answer.mode,
            route=AskRoute(personas=answer.personas, method=str(route["method"]), reason=str(route["reason"])),
            citations=answer.citations,
            latency_ms=answer.latency_ms,
            tokens=answer.tokens,
        )
        return respond(result)
