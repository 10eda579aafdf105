"""What every agent entry point shares: the models, personas and router built once from Settings, and an
:class:`~agents.assistant.Assistant` opened over an in-process MCP session on the composed server.

Importing this module loads the agent stack (langgraph, langchain, openai, scikit-learn: seconds and ~150 MB):
servers reach it through :class:`~servers.assistant.loader.AgentLoader`, which imports it on the first question.

The agent reaches backends only through MCP, so it uses exactly the tools an outside client sees (the embedded
mode; a split deployment points the same code at the server's streamable HTTP endpoint instead).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from mcp.shared.memory import create_connected_server_and_client_session

from agents.assistant import Assistant
from agents.llm import EndpointStatus, ModelChain
from agents.routing import PersonaClassifier
from agents.sessions import SessionStore, open_checkpointer
from agents.toolbox import Toolbox
from personas import PersonaCatalog, load_personas
from servers.assistant.llm_status import check_llm, llm_endpoints
from servers.mcp import ToolDeps, build_server
from servers.settings import Settings

__all__ = ["AgentRuntime", "open_assistant"]


@dataclass
class AgentRuntime:
    """Built once per process: settings, tool dependencies, personas, router and the model chain.

    Use it as ``async with AgentRuntime.create(settings, deps) as runtime:`` so the LLM connections are closed.
    """

    settings: Settings
    deps: ToolDeps
    personas: PersonaCatalog
    router: PersonaClassifier
    models: ModelChain

    @classmethod
    def create(cls, settings: Settings, deps: ToolDeps, *, models: ModelChain | None = None) -> AgentRuntime:
        """Load personas (built-in + ``personas_dir``), fit the router and build the models from ``settings``."""
        personas = load_personas(settings.personas_dir)
        chain = models if models is not None else ModelChain.from_endpoints(llm_endpoints(settings))
        return cls(settings, deps, personas, PersonaClassifier.fit(personas), chain)

    async def aclose(self) -> None:
        """Close the models' HTTP connection pool."""
        await self.models.aclose()

    async def __aenter__(self) -> AgentRuntime:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def check_request(self, question: str, persona: str | None) -> None:
        """Refuse an empty question or an unknown persona before any session opens (errors raised inside the
        in-process MCP session's task group would reach the caller wrapped in an ExceptionGroup)."""
        if not question.strip():
            raise ValueError("the question is empty: ask something about the fleet")
        if persona is not None:
            self.personas.get(persona)  # UnknownPersonaError names the known personas

    async def llm_status(self) -> list[EndpointStatus]:
        """``/v1/models`` of every configured endpoint (empty when none is configured)."""
        return await check_llm(self.models.endpoints)


@contextlib.asynccontextmanager
async def open_assistant(runtime: AgentRuntime, *, sessions: bool = False) -> AsyncIterator[Assistant]:
    """An assistant over an in-process MCP session on the composed server; with ``sessions``, chat sessions too.

    Enter and leave it in the same task (the in-memory MCP session runs a task group).
    """
    server = build_server(runtime.deps)
    async with create_connected_server_and_client_session(server._mcp_server) as session:
        toolbox = await Toolbox.load(session)
        if not sessions:
            yield Assistant(toolbox=toolbox, models=runtime.models, personas=runtime.personas, router=runtime.router)
            return
        url = runtime.settings.resolved_sessions_url()
        store = SessionStore(url)
        try:
            async with open_checkpointer(url) as saver:
                yield Assistant(
                    toolbox=toolbox,
                    models=runtime.models,
                    personas=runtime.personas,
                    router=runtime.router,
                    checkpointer=saver,
                    sessions=store,
                )
        finally:
            store.close()
