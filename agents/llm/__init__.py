"""The LLM layer: OpenAI-compatible chat models (vLLM by default), their wire quirks, availability and fallback.

`LlmEndpoint` says where a model lives; `build_chat_model` makes a LangChain chat model that works against vLLM,
llama.cpp, Ollama and the OpenAI/Anthropic/Gemini compatibility endpoints; `check_endpoint` answers "is it up?";
`ModelChain` tries endpoints in order and raises `LlmUnavailableError` when none answers, which is the caller's
signal to switch to the deterministic (no-LLM) mode. See docs/llm.md.
"""

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
