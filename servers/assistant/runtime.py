"""What every agent entry point shares: the models, personas and router built once from Settings, and an
:class:`~agents.assistant.Assistant` opened over an in-process MCP session on the composed server.

The agent reaches backends only through MCP, so it uses exactly the tools an outside client sees (the embedded
mode; a split deployment points the same code at the server's streamable HTTP endpoint instead).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from mcp.shared.memory import create_connected_server_and_client_session

from agents.assistant import Assistant
from agents.llm import EndpointStatus, LlmEndpoint, ModelChain, check_endpoint, endpoint_from_values
from agents.routing import PersonaClassifier
from agents.sessions import SessionStore, open_checkpointer
from agents.toolbox import Toolbox
from personas import PersonaCatalog, load_personas
from servers.mcp import ToolDeps, build_server
from servers.settings import Settings

__all__ = ["AgentRuntime", "describe_llm", "llm_endpoints", "open_assistant", "readiness_report"]


def llm_endpoints(settings: Settings) -> list[LlmEndpoint]:
    """The configured LLM endpoints, primary first; empty when none is configured (deterministic mode)."""
    found: list[LlmEndpoint] = []
    pairs = (
        ("primary", settings.llm_base_url, settings.llm_model, settings.llm_api_key, settings.llm_provider),
        (
            "fallback",
            settings.llm_fallback_base_url,
            settings.llm_fallback_model,
            settings.llm_fallback_api_key,
            settings.llm_fallback_provider,
        ),
    )
    for name, url, model, key, provider in pairs:
        if url or model:
            if not (url and model):
                what = "AIOPS_LLM_" if name == "primary" else "AIOPS_LLM_FALLBACK_"
                raise ValueError(f"the {name} LLM needs both {what}BASE_URL and {what}MODEL")
            found.append(endpoint_from_values(url, model, key, provider, name=name, timeout_s=settings.llm_timeout_s))
    return found


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
        return [await check_endpoint(e) for e in self.models.endpoints]


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


async def readiness_report(runtime: AgentRuntime) -> dict[str, object]:
    """The ``/readyz`` body: each LLM endpoint's ``/v1/models`` check and the mode the agent answers in."""
    statuses = await runtime.llm_status()
    up = any(s.ok for s in statuses)
    return {
        "status": "ready" if up or not statuses else "degraded",
        "agent_mode": "llm" if up else "deterministic",
        "llm": [
            {"name": s.name, "ok": s.ok, "model_listed": s.model_listed, "latency_ms": s.latency_ms, "error": s.error}
            for s in statuses
        ],
    }


def describe_llm(statuses: list[EndpointStatus]) -> str:
    """One line per endpoint for start-up output; says plainly when answers will be deterministic."""
    if not statuses:
        return "Agent: no LLM configured (AIOPS_LLM_BASE_URL): aiops_ask answers deterministically."
    lines = [f"LLM {s.name}: " + ("ok" if s.ok else f"unavailable ({s.error})") for s in statuses]
    if not any(s.ok for s in statuses):
        lines.append("Agent: no LLM reachable now: aiops_ask answers deterministically until one is.")
    return "\n".join(lines)
