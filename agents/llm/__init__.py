"""The LLM layer: OpenAI-compatible chat models (vLLM by default), their wire quirks, availability and fallback.

`LlmEndpoint` says where a model lives; `build_chat_model` makes a LangChain chat model that works against vLLM,
llama.cpp, Ollama and the OpenAI/Anthropic/Gemini compatibility endpoints; `check_endpoint` answers "is it up?";
`ModelChain` tries endpoints in order and raises `LlmUnavailableError` when none answers, which is the caller's
signal to switch to the deterministic (no-LLM) mode. See docs/llm.md.

Names are imported on first use: `endpoint` and `availability` need only httpx and pydantic, so start-up output
and `/readyz` can check an endpoint without loading langchain and openai (about 1.5 s and 100 MB).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agents.llm.availability import DEFAULT_CHECK_TIMEOUT_S, EndpointStatus, check_endpoint
    from agents.llm.chain import ModelChain, ToolLike
    from agents.llm.chat_model import OpenAICompatibleChatModel, build_chat_model
    from agents.llm.endpoint import PROVIDERS, LlmEndpoint, Provider, endpoint_from_values
    from agents.llm.errors import EndpointFailure, LlmStreamError, LlmUnavailableError, MalformedResponseError

__all__ = [
    "DEFAULT_CHECK_TIMEOUT_S",
    "PROVIDERS",
    "EndpointFailure",
    "EndpointStatus",
    "LlmEndpoint",
    "LlmStreamError",
    "LlmUnavailableError",
    "MalformedResponseError",
    "ModelChain",
    "OpenAICompatibleChatModel",
    "Provider",
    "ToolLike",
    "build_chat_model",
    "check_endpoint",
    "endpoint_from_values",
]

_MODULE_OF: dict[str, str] = {
    "DEFAULT_CHECK_TIMEOUT_S": "availability",
    "EndpointStatus": "availability",
    "check_endpoint": "availability",
    "ModelChain": "chain",
    "ToolLike": "chain",
    "OpenAICompatibleChatModel": "chat_model",
    "build_chat_model": "chat_model",
    "PROVIDERS": "endpoint",
    "LlmEndpoint": "endpoint",
    "Provider": "endpoint",
    "endpoint_from_values": "endpoint",
    "EndpointFailure": "errors",
    "LlmStreamError": "errors",
    "LlmUnavailableError": "errors",
    "MalformedResponseError": "errors",
}


def __getattr__(name: str) -> Any:
    """Import the submodule that defines ``name`` on first access (PEP 562)."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
