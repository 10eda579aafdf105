"""Fakes for agent tests: a scripted chat model and a small real MCP server with a known tool surface.

The chat model is scripted (a ``GenericFakeChatModel`` with a ``bind_tools`` that records what it was offered):
each call returns the next scripted ``AIMessage`` — or raises it, when the script holds an exception — so a test
states exactly what "the model" does and checks what the graph does with it. The MCP server is a real FastMCP
server reached through an in-memory MCP session, as the embedded agent reaches ours.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import openai
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import LanguageModelInput
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, SystemMessage
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from mcp import ClientSession
from mcp.server.fastmcp import FastMCP
from mcp.shared.memory import create_connected_server_and_client_session
from pydantic import BaseModel, PrivateAttr

from agents.llm import ModelChain, endpoint_from_values

__all__ = ["FakeToolServer", "ScriptedChatModel", "ask_tool", "chain_of", "connect", "tool_call", "unreachable"]


def tool_call(name: str, args: dict[str, Any] | None = None, call_id: str | None = None) -> AIMessage:
    """An AI message asking for one tool call."""
    return AIMessage("", tool_calls=[{"name": name, "args": args or {}, "id": call_id or f"c-{name}"}])


def ask_tool(*calls: tuple[str, dict[str, Any]]) -> AIMessage:
    """An AI message asking for several tool calls at once."""
    return AIMessage("", tool_calls=[{"name": n, "args": a, "id": f"c{i}-{n}"} for i, (n, a) in enumerate(calls)])


def unreachable() -> openai.APIConnectionError:
    """The error the openai client raises when the server cannot be reached."""
    return openai.APIConnectionError(request=httpx2.Request("POST", "http://llm.invalid/v1/chat/completions"))


class ScriptedChatModel(GenericFakeChatModel):
    """Answers from a script; records every conversation it was given and the tools it was offered.

    ``scripted(*steps)``: the n-th call returns (or raises) ``steps[n]``. ``keyed({key: steps}, default=...)``: a
    call whose system prompt contains ``key`` takes the next step of that script (personas run concurrently, so
    their calls interleave in no fixed order), any other call the next step of ``default``.
    """

    _scripts: dict[str, list[AIMessage | str | Exception]] = PrivateAttr(default_factory=dict)
    _seen: list[list[BaseMessage]] = PrivateAttr(default_factory=list)
    _offered: list[list[str]] = PrivateAttr(default_factory=list)

    @classmethod
    def scripted(cls, *steps: AIMessage | str | Exception) -> ScriptedChatModel:
        """A model whose n-th call returns (or raises) ``steps[n]``."""
        return cls.keyed({}, default=steps)

    @classmethod
    def keyed(
        cls,
        scripts: dict[str, Sequence[AIMessage | str | Exception]],
        default: Sequence[AIMessage | str | Exception] = (),
    ) -> ScriptedChatModel:
        """A model that picks its script by a text in the system prompt."""
        model = cls(messages=iter(()))
        model._scripts = {key: list(steps) for key, steps in scripts.items()} | {"": list(default)}
        return model

    @property
    def seen(self) -> list[list[BaseMessage]]:
        """The messages of every call, in order."""
        return self._seen

    @property
    def offered(self) -> list[list[str]]:
        """The tool names bound for each call that had tools."""
        return self._offered

    def bind_tools(
        self, tools: Sequence[Any], *, tool_choice: str | None = None, **kwargs: Any
    ) -> Runnable[LanguageModelInput, AIMessage]:
        names = [t["function"]["name"] if isinstance(t, dict) else t.name for t in tools]
        self._offered.append(names)
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self._seen.append(list(messages))
        system = next((m.text for m in messages if isinstance(m, SystemMessage)), "")
        key = next((k for k in self._scripts if k and k in system), "")
        script = self._scripts[key]
        if not script:
            raise AssertionError(f"the fake model's script {key or 'default'!r} is used up")
        step = script.pop(0)
        if isinstance(step, Exception):
            raise step
        self.messages = iter([step])
        return super()._generate(messages, stop, run_manager, **kwargs)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        yield from _chunks(self._generate(messages, stop, run_manager, **kwargs).generations[0].message)


def _chunks(message: BaseMessage) -> Iterator[ChatGenerationChunk]:
    """A message as an OpenAI-style stream: its tool calls as one tool-call chunk, else its text word by word."""
    assert isinstance(message, AIMessage)
    if message.tool_calls:
        calls = [
            tool_call_chunk(name=c["name"], args=json.dumps(c["args"]), id=c["id"], index=i)
            for i, c in enumerate(message.tool_calls)
        ]
        yield ChatGenerationChunk(message=AIMessageChunk(content="", id=message.id, tool_call_chunks=calls))
        return
    for token in re.split(r"(\s)", message.text):
        if token:
            yield ChatGenerationChunk(message=AIMessageChunk(content=token, id=message.id))


def chain_of(*models: ScriptedChatModel) -> ModelChain:
    """A model chain over fakes (primary first), as the product builds it over real endpoints."""
    endpoints = [
        endpoint_from_values(f"http://llm-{i}.invalid/v1", "fake", None, name=f"fake-{i}") for i in range(len(models))
    ]
    return ModelChain(endpoints, list(models))


class NodeRow(BaseModel):
    node: str
    gpu: str
    temp_c: float


class FakeGpuResult(BaseModel):
    answered: list[str]
    truncated: bool = False
    time: str
    window: str
    gpus: list[NodeRow]


class FakeClusters(BaseModel):
    answered: list[str]
    truncated: bool = False
    clusters: list[str]


class FakeToolServer:
    """A real MCP server exposing a few tools with our names and result contract; counts the calls it got."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.mcp = FastMCP("fake-aiops")
        server = self

        @self.mcp.tool()
        async def gpu_list_nodes(node: str | None = None, clusters: list[str] | None = None) -> FakeGpuResult:
            """List GPUs per node with their temperature."""
            server.calls.append(("gpu_list_nodes", {"node": node, "clusters": clusters}))
            return FakeGpuResult(
                answered=["gpu-spoke"],
                time="2026-11-26T10:00:00Z",
                window="5m",
                gpus=[NodeRow(node="gpu-worker-0", gpu="3", temp_c=88.0)],
            )

        @self.mcp.tool()
        async def k8s_list_pods(namespace: str | None = None) -> FakeClusters:
            """List pods."""
            server.calls.append(("k8s_list_pods", {"namespace": namespace}))
            return FakeClusters(answered=["hub"], clusters=["hub"])

        @self.mcp.tool()
        async def fleet_list_clusters() -> FakeClusters:
            """List the registered clusters."""
            server.calls.append(("fleet_list_clusters", {}))
            return FakeClusters(answered=[], clusters=["hub", "gpu-spoke"])

        @self.mcp.tool()
        async def aiops_ask(question: str) -> str:
            """The agent itself (must never be offered to a persona)."""
            server.calls.append(("aiops_ask", {"question": question}))
            return "recursion"


@asynccontextmanager
async def connect(server: FakeToolServer) -> AsyncIterator[ClientSession]:
    """An in-memory MCP client session on ``server``."""
    async with create_connected_server_and_client_session(server.mcp._mcp_server) as session:
        yield session
