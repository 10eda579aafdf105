"""A `ChatOpenAI` that speaks the chat-completions dialect every OpenAI-compatible server understands.

langchain-openai targets api.openai.com. Local servers differ in three ways that break tool calling, so this
subclass adjusts the request payload (the one hook every sync/async, streamed/unstreamed path goes through):

- llama.cpp drops bound tools unless `tool_choice` is sent, so `"auto"` is sent whenever tools are bound and the
  caller chose nothing;
- llama.cpp answers HTTP 500 to an assistant turn with `content: null` next to its tool calls (which
  langchain-openai sends on purpose), so `""` is sent instead; every server accepts that;
- only OpenAI itself requires `max_completion_tokens`; vLLM, llama.cpp, Ollama and the Anthropic/Gemini
  compatibility layers all read `max_tokens`, which the OpenAI API still accepts for non-reasoning models, so
  other providers get `max_tokens`.

Streaming with tools bound fails server-side on llama.cpp (and is unreliable on Ollama): for endpoints with
`stream_with_tools=False` a streamed call with tools becomes one non-streamed call whose result is emitted as a
single chunk. Retries (429/5xx/connection errors, honouring `Retry-After`) and the timeout are the openai client's,
configured from the endpoint.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx2
from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from agents.llm.endpoint import LlmEndpoint, Provider
from agents.llm.errors import MalformedResponseError

__all__ = ["OpenAICompatibleChatModel", "build_chat_model"]

# The openai client refuses to start without a key; servers run without auth ignore whatever is sent.
_NO_KEY = "EMPTY"
# A dead server should be left quickly for the next endpoint; the read timeout bounds a slow answer.
_CONNECT_TIMEOUT_S = 5.0
# Streaming-only arguments that must not reach a non-streamed request.
_STREAM_ONLY_KWARGS = ("stream", "stream_usage", "stream_options")


class OpenAICompatibleChatModel(ChatOpenAI):
    """`ChatOpenAI` for any OpenAI-compatible chat-completions server; build it with `build_chat_model`."""

    provider: Provider = "openai-compatible"
    stream_with_tools: bool = True

    def _get_request_payload(
        self,
        input_: LanguageModelInput,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        payload: dict[str, Any] = super()._get_request_payload(input_, stop=stop, **kwargs)
        if payload.get("tools") and payload.get("tool_choice") is None:
            payload["tool_choice"] = "auto"
        for message in payload.get("messages", []):
            if message.get("role") == "assistant" and message.get("content") is None:
                message["content"] = ""
        if self.provider != "openai" and "max_completion_tokens" in payload:
            payload["max_tokens"] = payload.pop("max_completion_tokens")
        return payload

    def _create_chat_result(self, response: Any, generation_info: dict[str, Any] | None = None) -> ChatResult:
        # langchain-openai reports a body without usable choices as KeyError/TypeError/ValueError; one typed error
        # lets the fallback chain tell "the server sent junk" from a bug in our code.
        try:
            result = super()._create_chat_result(response, generation_info)
        except (KeyError, TypeError, ValueError) as exc:
            raise MalformedResponseError(f"{self.provider} server sent no usable completion: {exc}") from exc
        if not result.generations:
            raise MalformedResponseError(f"{self.provider} server sent a completion with no choices")
        return result

    def _tools_without_streaming(self, kwargs: dict[str, Any]) -> bool:
        return not self.stream_with_tools and bool(kwargs.get("tools"))

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        if not self._tools_without_streaming(kwargs):
            async for chunk in super()._astream(messages, stop=stop, run_manager=run_manager, **kwargs):
                yield chunk
            return
        for name in _STREAM_ONLY_KWARGS:
            kwargs.pop(name, None)
        result = await self._agenerate(messages, stop=stop, run_manager=run_manager, **kwargs)
        chunk = _as_chunk(result)
        if run_manager is not None:
            await run_manager.on_llm_new_token(chunk.text, chunk=chunk)
        yield chunk

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        if not self._tools_without_streaming(kwargs):
            yield from super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs)
            return
        for name in _STREAM_ONLY_KWARGS:
            kwargs.pop(name, None)
        chunk = _as_chunk(self._generate(messages, stop=stop, run_manager=run_manager, **kwargs))
        if run_manager is not None:
            run_manager.on_llm_new_token(chunk.text, chunk=chunk)
        yield chunk


def _as_chunk(result: ChatResult) -> ChatGenerationChunk:
    """The first generation of a non-streamed result as the single chunk of a stream."""
    generation = result.generations[0]
    message = generation.message
    if not isinstance(message, AIMessage):
        raise MalformedResponseError(f"expected an assistant message, got {message.type!r}")
    chunks = [
        tool_call_chunk(name=call["name"], args=json.dumps(call["args"]), id=call["id"], index=index)
        for index, call in enumerate(message.tool_calls)
    ]
    chunks += [
        tool_call_chunk(name=call["name"], args=call["args"], id=call["id"], index=len(chunks) + index)
        for index, call in enumerate(message.invalid_tool_calls)
    ]
    return ChatGenerationChunk(
        message=AIMessageChunk(
            content=message.content,
            additional_kwargs=message.additional_kwargs,
            response_metadata=message.response_metadata,
            usage_metadata=message.usage_metadata,
            id=message.id,
            tool_call_chunks=chunks,
            chunk_position="last",
        ),
        generation_info=generation.generation_info,
    )


def _timeout(endpoint: LlmEndpoint) -> httpx2.Timeout:
    # An httpx2.Timeout (unhashable) also makes langchain-openai build this model its own connection pool instead of
    # a process-wide one cached per base URL: a cached pool outlives the event loop it was used on, and the next
    # loop (a new `asyncio.run`, another test) then fails with "Event loop is closed".
    return httpx2.Timeout(endpoint.timeout_s, connect=min(endpoint.timeout_s, _CONNECT_TIMEOUT_S))


def build_chat_model(
    endpoint: LlmEndpoint,
    *,
    temperature: float | None = None,
    max_tokens: int | None = None,
    http_async_client: Any | None = None,
    http_client: Any | None = None,
) -> OpenAICompatibleChatModel:
    """A chat model for `endpoint`, with its timeout, retry budget and streaming rule.

    `temperature` / `max_tokens` default to the endpoint's; a call can still override them
    (`await model.ainvoke(messages, temperature=0.7)`). `http_async_client` / `http_client` are `httpx2` clients
    (openai 3.x uses httpx2): tests pass one built on `httpx2.MockTransport`; production leaves them `None`.
    Always uses the chat-completions API (never OpenAI's Responses API, which other servers lack). Without a
    client given, the model gets its own connection pool: build models inside the event loop that uses them.
    """
    return OpenAICompatibleChatModel(
        model=endpoint.model,
        base_url=endpoint.base_url,
        api_key=endpoint.api_key or SecretStr(_NO_KEY),
        timeout=_timeout(endpoint),
        max_retries=endpoint.max_retries,
        temperature=endpoint.temperature if temperature is None else temperature,
        max_tokens=endpoint.max_tokens if max_tokens is None else max_tokens,
        http_async_client=http_async_client,
        http_client=http_client,
        use_responses_api=False,
        provider=endpoint.provider,
        stream_with_tools=bool(endpoint.stream_with_tools),
    )
