"""The agent, built on first use: servers register ``aiops_ask`` at start-up but load the agent stack only when a
client first asks a question.

Building the agent imports langgraph, langchain, openai and scikit-learn (seconds, ~150 MB) and fits the persona
router; a server that is never asked pays nothing. The imports run in a worker thread, so the event loop keeps
serving other tool calls meanwhile.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agents.llm import ModelChain
    from servers.assistant.runtime import AgentRuntime
    from servers.mcp.deps import ToolDeps
    from servers.settings import Settings

__all__ = ["AgentLoader"]


def _runtime_class() -> type[AgentRuntime]:
    from servers.assistant.runtime import AgentRuntime  # the agent stack: imported here, on first use

    return AgentRuntime


class AgentLoader:
    """Builds the :class:`~servers.assistant.runtime.AgentRuntime` on the first :meth:`get` and reuses it.

    Use it as ``async with AgentLoader(settings, deps) as agent:``; leaving closes the runtime if one was built.
    ``models`` replaces the model chain built from ``settings`` (tests pass a scripted one).
    """

    def __init__(self, settings: Settings, deps: ToolDeps, *, models: ModelChain | None = None) -> None:
        self.settings = settings
        self.deps = deps
        self._models = models
        self._runtime: AgentRuntime | None = None
        self._lock = asyncio.Lock()

    @property
    def loaded(self) -> bool:
        """True once the runtime has been built."""
        return self._runtime is not None

    async def get(self) -> AgentRuntime:
        """The runtime, built by the first caller; concurrent first callers wait for that one build."""
        if self._runtime is None:
            async with self._lock:
                if self._runtime is None:
                    runtime_class = await asyncio.to_thread(_runtime_class)
                    self._runtime = runtime_class.create(self.settings, self.deps, models=self._models)
        return self._runtime

    async def aclose(self) -> None:
        """Close the runtime's LLM connections, if it was built."""
        async with self._lock:
            runtime, self._runtime = self._runtime, None
        if runtime is not None:
            await runtime.aclose()

    async def __aenter__(self) -> AgentLoader:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
