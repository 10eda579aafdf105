"""An ordered list of LLM endpoints, tried primary first; when all fail, a typed `LlmUnavailableError`."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, Self

import httpx2
import openai
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool

from agents.llm.chat_model import build_chat_model
from agents.llm.endpoint import LlmEndpoint
from agents.llm.errors import EndpointFailure, LlmStreamError, LlmUnavailableError, MalformedResponseError

__all__ = ["ModelChain", "ToolLike"]

log = logging.getLogger(__name__)

ToolLike = dict[str, Any] | type | Callable[..., Any] | BaseTool
"""Anything `bind_tools` accepts: a LangChain tool (e.g. from langchain-mcp-adapters), a function, a schema."""

# Failures that say "this endpoint cannot answer now" (after the openai client's own retries), as opposed to bugs in
# our code, which propagate. openai.APIError covers timeouts, connection errors, every HTTP error status (4xx there
# means a wrong key, an unknown model or a request that endpoint rejects: another endpoint may still do) and bodies
# that fail validation; a 2xx body that is not JSON surfaces as JSONDecodeError.
_ENDPOINT_ERRORS: tuple[type[Exception], ...] = (openai.APIError, MalformedResponseError, json.JSONDecodeError)
_MAX_ERROR_CHARS = 300


class ModelChain:
    """Chat models in fallback order (primary, then secondary, ...), each paired with the endpoint it talks to.

    Build it once at start-up (`ModelChain.from_endpoints`) and hand it to the agents. An empty chain
    (`ModelChain.empty()`, `len(chain) == 0`) means no LLM is configured: the caller runs deterministically from
    the start. A plain class, not a Runnable: graph nodes await `ainvoke` / iterate `astream` directly.
    """

    def __init__(
        self,
        endpoints: Sequence[LlmEndpoint],
        models: Sequence[BaseChatModel],
        *,
        owned_clients: Sequence[httpx2.AsyncClient] = (),
    ) -> None:
        if len(endpoints) != len(models):
            raise ValueError(f"ModelChain needs one model per endpoint, got {len(endpoints)} and {len(models)}")
        self._links = list(zip(endpoints, models, strict=True))
        self._owned_clients = list(owned_clients)

    @classmethod
    def empty(cls) -> ModelChain:
        """A chain with no LLM: every call raises `LlmUnavailableError` saying none is configured."""
        return cls([], [])

    @classmethod
    def from_endpoints(
        cls, endpoints: Sequence[LlmEndpoint], *, http_async_client: httpx2.AsyncClient | None = None
    ) -> ModelChain:
        """One `build_chat_model` per endpoint, in the given order (primary first).

        `http_async_client` is an `httpx2.AsyncClient` shared by all models and closed by its owner (tests use a
        mock transport). Without one, the chain opens its own connection pool and closes it in `aclose()`: build
        the chain in the lifespan of the event loop that uses it, e.g. `async with ModelChain.from_endpoints(...)`.
        """
        owned: list[httpx2.AsyncClient] = []
        if http_async_client is None and endpoints:
            # Timeouts are per request (each model passes its endpoint's), so one pool serves every endpoint.
            http_async_client = openai.DefaultAsyncHttpxClient()
            owned.append(http_async_client)
        models = [build_chat_model(e, http_async_client=http_async_client) for e in endpoints]
        return cls(endpoints, models, owned_clients=owned)

    async def aclose(self) -> None:
        """Close the connection pool this chain opened (none when the caller passed its own client)."""
        for client in self._owned_clients:
            await client.aclose()
        self._owned_clients.clear()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __len__(self) -> int:
        return len(self._links)

    @property
    def endpoints(self) -> tuple[LlmEndpoint, ...]:
        """The endpoints in fallback order."""
        return tuple(endpoint for endpoint, _ in self._links)

    @property
    def models(self) -> tuple[BaseChatModel, ...]:
        """The chat models, in the same order as `endpoints`."""
        return tuple(model for _, model in self._links)

    async def ainvoke(
        self,
        messages: Sequence[BaseMessage],
        *,
        tools: Sequence[ToolLike] | None = None,
        **params: Any,
    ) -> AIMessage:
        """Answer `messages` with the first endpoint that succeeds.

        `tools` are bound to each model (`tool_choice` may be given in `params`); other `params` (temperature,
        max_tokens, stop, ...) apply to this call only. An endpoint is left for the next one after a timeout, a
        connection error, an HTTP error that outlived the client's retries, or a malformed response. Raises
        `LlmUnavailableError` listing every endpoint's failure when none answered.
        """
        failures: list[EndpointFailure] = []
        for endpoint, model in self._links:
            try:
                result = await _bound(model, tools, params).ainvoke(list(messages))
            except _ENDPOINT_ERRORS as exc:
                failures.append(_failure(endpoint, exc))
                continue
            if not isinstance(result, AIMessage):
                failures.append(_failure(endpoint, MalformedResponseError(f"got a {type(result).__name__}")))
                continue
            return result
        raise LlmUnavailableError(failures)

    async def astream(
        self,
        messages: Sequence[BaseMessage],
        *,
        tools: Sequence[ToolLike] | None = None,
        **params: Any,
    ) -> AsyncIterator[AIMessageChunk]:
        """Stream the answer of the first endpoint that produces a chunk, as `AIMessageChunk`s.

        Same fallback rule as `ainvoke`, but only until the first chunk was yielded: after that a failure ends the
        stream with `LlmStreamError` (the caller already showed part of this endpoint's answer). Raises
        `LlmUnavailableError` when no endpoint produced a chunk.
        """
        failures: list[EndpointFailure] = []
        for endpoint, model in self._links:
            started = False
            try:
                async for chunk in _bound(model, tools, params).astream(list(messages)):
                    if not isinstance(chunk, AIMessageChunk):
                        raise MalformedResponseError(f"streamed a {type(chunk).__name__}, not an AIMessageChunk")
                    started = True
                    yield chunk
            except _ENDPOINT_ERRORS as exc:
                failure = _failure(endpoint, exc)
                if started:
                    raise LlmStreamError(endpoint.name, failure.error) from exc
                failures.append(failure)
                continue
            if started:
                return
            failures.append(EndpointFailure(endpoint.name, "the stream ended without any chunk"))
        raise LlmUnavailableError(failures)


def _bound(
    model: BaseChatModel, tools: Sequence[ToolLike] | None, params: dict[str, Any]
) -> Runnable[LanguageModelInput, Any]:
    call_params = dict(params)
    tool_choice = call_params.pop("tool_choice", None)
    runnable: Runnable[LanguageModelInput, Any] = model
    if tools:
        runnable = model.bind_tools(list(tools), tool_choice=tool_choice)
    if call_params:
        runnable = runnable.bind(**call_params)
    return runnable


def _failure(endpoint: LlmEndpoint, exc: Exception) -> EndpointFailure:
    """One key-free line saying why `endpoint` did not answer; also logged, since the caller may only summarise."""
    error = endpoint.redact(" ".join(_describe(endpoint, exc).split()))
    if len(error) > _MAX_ERROR_CHARS:
        error = error[: _MAX_ERROR_CHARS - 3] + "..."
    log.warning("LLM endpoint %s failed: %s", endpoint.describe(), error)
    return EndpointFailure(endpoint.name, error)


def _describe(endpoint: LlmEndpoint, exc: Exception) -> str:
    attempts = endpoint.max_retries + 1
    if isinstance(exc, openai.APITimeoutError):
        return f"timed out ({endpoint.timeout_s:g}s per attempt, {attempts} attempt(s)) at {endpoint.base_url}"
    if isinstance(exc, openai.APIConnectionError):
        cause = _root_cause(exc)
        return f"cannot connect to {endpoint.base_url} ({type(cause).__name__}: {cause}) after {attempts} attempt(s)"
    if isinstance(exc, openai.APIStatusError):
        retried = f" after {attempts} attempt(s)" if exc.status_code == 429 or exc.status_code >= 500 else ""
        return f"HTTP {exc.status_code}{retried} from {endpoint.base_url}: {_server_says(exc)}"
    if isinstance(exc, MalformedResponseError | json.JSONDecodeError | openai.APIResponseValidationError):
        return f"malformed response from {endpoint.base_url}: {exc}"
    return f"{type(exc).__name__} from {endpoint.base_url}: {exc}"


def _root_cause(exc: BaseException) -> BaseException:
    # langchain-openai re-raises openai's error, which wraps the transport error: the innermost one says what failed.
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return exc


def _server_says(exc: openai.APIStatusError) -> str:
    """The server's own error message (OpenAI's `{"error": {"message": ...}}`, or whatever body it sent)."""
    body = exc.body
    if body is None:
        return exc.message
    error = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(error, dict):
        error = error.get("message", error)
    return str(error)
