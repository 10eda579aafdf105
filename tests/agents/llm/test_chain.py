"""The fallback chain: primary, then secondary, then a typed `LlmUnavailableError`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx2
import pytest
from langchain_core.messages import AIMessageChunk, HumanMessage
from langchain_core.tools import tool
from pydantic import SecretStr

from agents.llm import (
    EndpointFailure,
    LlmEndpoint,
    LlmStreamError,
    LlmUnavailableError,
    ModelChain,
    OpenAICompatibleChatModel,
    build_chat_model,
)
from tests.agents.llm.fake_openai import FakeOpenAI, broken_stream, completion, sse, stream_chunk, tool_call

QUESTION = [HumanMessage("why is the API slow?")]


@tool
def metrics_query(promql: str) -> str:
    """Run a PromQL query."""
    return promql


def endpoint(name: str, **overrides: Any) -> LlmEndpoint:
    values: dict[str, Any] = {
        "name": name,
        "base_url": f"http://{name}.test/v1",
        "model": f"{name}-model",
        "provider": "vllm",
        "max_retries": 0,
    }
    return LlmEndpoint(**(values | overrides))


@asynccontextmanager
async def chain_on(*links: tuple[LlmEndpoint, FakeOpenAI]) -> AsyncIterator[ModelChain]:
    """A chain whose each endpoint is answered by its own fake server."""
    async with AsyncExitStack() as stack:
        models = []
        for e, fake in links:
            client = await stack.enter_async_context(fake.client())
            models.append(build_chat_model(e, http_async_client=client))
        yield ModelChain([e for e, _ in links], models)


def timeout(request: httpx2.Request) -> httpx2.Response:
    raise httpx2.ReadTimeout("timed out", request=request)


def refused(request: httpx2.Request) -> httpx2.Response:
    raise httpx2.ConnectError("[Errno 111] Connection refused", request=request)


async def test_the_primary_answers_when_it_is_up() -> None:
    primary, secondary = FakeOpenAI(completion("from primary")), FakeOpenAI(completion("from secondary"))
    async with chain_on((endpoint("primary"), primary), (endpoint("secondary"), secondary)) as chain:
        reply = await chain.ainvoke(QUESTION)
    assert reply.content == "from primary"
    assert secondary.requests == []


async def test_a_500_beyond_max_retries_moves_on_to_the_secondary(retry_sleeps: list[float]) -> None:
    primary = FakeOpenAI(httpx2.Response(500, json={"error": "boom"}))
    secondary = FakeOpenAI(completion("from secondary"))
    async with chain_on((endpoint("primary", max_retries=2), primary), (endpoint("secondary"), secondary)) as chain:
        reply = await chain.ainvoke(QUESTION)
    assert reply.content == "from secondary"
    assert len(primary.requests) == 3
    assert len(retry_sleeps) == 2
    assert secondary.bodies[0]["model"] == "secondary-model"


async def test_a_timeout_moves_on_to_the_next_endpoint() -> None:
    primary, secondary = FakeOpenAI(timeout), FakeOpenAI(completion("from secondary"))
    async with chain_on((endpoint("primary"), primary), (endpoint("secondary"), secondary)) as chain:
        reply = await chain.ainvoke(QUESTION)
    assert reply.content == "from secondary"
    assert len(primary.requests) == 1


async def test_a_malformed_response_moves_on_to_the_next_endpoint() -> None:
    primary = FakeOpenAI(httpx2.Response(200, json={"detail": "not a completion"}))
    secondary = FakeOpenAI(completion("from secondary"))
    async with chain_on((endpoint("primary"), primary), (endpoint("secondary"), secondary)) as chain:
        reply = await chain.ainvoke(QUESTION)
    assert reply.content == "from secondary"


@pytest.mark.parametrize("content_type", ["application/json", "text/html"])
async def test_a_body_that_is_not_json_moves_on_to_the_next_endpoint(content_type: str) -> None:
    primary = FakeOpenAI(httpx2.Response(200, headers={"content-type": content_type}, content=b"<html>proxy</html>"))
    secondary = FakeOpenAI(completion("from secondary"))
    async with chain_on((endpoint("primary"), primary), (endpoint("secondary"), secondary)) as chain:
        reply = await chain.ainvoke(QUESTION)
    assert reply.content == "from secondary"


async def test_when_every_endpoint_fails_the_error_names_each_one_and_why() -> None:
    primary, secondary = FakeOpenAI(refused), FakeOpenAI(httpx2.Response(503, json={"error": "overloaded"}))
    async with chain_on((endpoint("primary"), primary), (endpoint("secondary"), secondary)) as chain:
        with pytest.raises(LlmUnavailableError) as raised:
            await chain.ainvoke(QUESTION)
    failures = raised.value.failures
    assert [f.name for f in failures] == ["primary", "secondary"]
    assert "cannot connect to http://primary.test/v1" in failures[0].error
    assert "Connection refused" in failures[0].error
    assert failures[1].error.startswith("HTTP 503")
    lines = str(raised.value).splitlines()
    assert lines[1].startswith("- primary: cannot connect")
    assert lines[2].startswith("- secondary: HTTP 503")


async def test_tools_and_call_parameters_reach_the_endpoint_that_answers() -> None:
    primary = FakeOpenAI(timeout)
    secondary = FakeOpenAI(completion(None, [tool_call("metrics_query", {"promql": "up"})]))
    async with chain_on((endpoint("primary"), primary), (endpoint("secondary"), secondary)) as chain:
        reply = await chain.ainvoke(QUESTION, tools=[metrics_query], temperature=0.4, max_tokens=99)
    assert [c["name"] for c in reply.tool_calls] == ["metrics_query"]
    for body in (primary.bodies[0], secondary.bodies[0]):
        assert (body["tool_choice"], body["temperature"], body["max_tokens"]) == ("auto", 0.4, 99)


async def test_an_empty_chain_means_no_llm_is_configured() -> None:
    chain = ModelChain.empty()
    assert len(chain) == 0
    with pytest.raises(LlmUnavailableError, match="no LLM configured") as raised:
        await chain.ainvoke(QUESTION)
    assert raised.value.failures == []


async def test_the_api_key_never_appears_in_errors_or_reprs() -> None:
    key = "sk-very-secret-1234"
    echo = httpx2.Response(401, json={"error": {"message": f"Incorrect API key provided: {key}"}})
    primary = FakeOpenAI(echo)
    async with chain_on((endpoint("primary", api_key=SecretStr(key)), primary)) as chain:
        with pytest.raises(LlmUnavailableError) as raised:
            await chain.ainvoke(QUESTION)
        model_repr = repr(build_chat_model(chain.endpoints[0]))
    assert primary.requests[0].headers["authorization"] == f"Bearer {key}"
    assert "HTTP 401" in str(raised.value)
    assert "Incorrect API key provided: ***" in str(raised.value)
    for text in (str(raised.value), repr(raised.value.failures), repr(chain.endpoints[0]), model_repr):
        assert key not in text


async def test_a_stream_falls_back_when_the_primary_fails_before_its_first_chunk() -> None:
    primary = FakeOpenAI(httpx2.Response(502, json={"error": "bad gateway"}))
    secondary = FakeOpenAI(sse([stream_chunk({"role": "assistant", "content": "A"}), stream_chunk({"content": "B"})]))
    async with chain_on((endpoint("primary"), primary), (endpoint("secondary"), secondary)) as chain:
        chunks = [c async for c in chain.astream(QUESTION)]
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    assert "".join(str(c.content) for c in chunks) == "AB"


async def test_a_stream_that_breaks_after_its_first_chunk_raises_a_stream_error() -> None:
    primary = FakeOpenAI(broken_stream(stream_chunk({"role": "assistant", "content": "partial"})))
    secondary = FakeOpenAI(sse([stream_chunk({"role": "assistant", "content": "never"})]))
    received: list[str] = []

    async def consume(chain: ModelChain) -> None:
        async for chunk in chain.astream(QUESTION):
            received.append(str(chunk.content))

    async with chain_on((endpoint("primary"), primary), (endpoint("secondary"), secondary)) as chain:
        with pytest.raises(LlmStreamError) as raised:
            await consume(chain)
    assert received == ["partial"]
    assert raised.value.endpoint == "primary"
    assert secondary.requests == []


async def test_a_stream_with_every_endpoint_down_raises_unavailable() -> None:
    primary, secondary = FakeOpenAI(refused), FakeOpenAI(timeout)
    async with chain_on((endpoint("primary"), primary), (endpoint("secondary"), secondary)) as chain:
        with pytest.raises(LlmUnavailableError) as raised:
            _ = [c async for c in chain.astream(QUESTION)]
    assert [f.name for f in raised.value.failures] == ["primary", "secondary"]
    assert "timed out" in raised.value.failures[1].error


def test_a_chain_needs_one_model_per_endpoint() -> None:
    with pytest.raises(ValueError, match="one model per endpoint"):
        ModelChain([endpoint("primary")], [])


async def test_from_endpoints_keeps_the_order_and_closes_the_pool_it_opened() -> None:
    async with ModelChain.from_endpoints([endpoint("primary"), endpoint("secondary")]) as chain:
        assert [e.name for e in chain.endpoints] == ["primary", "secondary"]
        clients = [m.http_async_client for m in chain.models if isinstance(m, OpenAICompatibleChatModel)]
    assert len(clients) == 2
    assert clients[0] is clients[1]
    assert isinstance(clients[0], httpx2.AsyncClient)
    assert clients[0].is_closed


async def test_a_chain_leaves_a_client_it_was_given_open() -> None:
    fake = FakeOpenAI(completion("ok"))
    async with fake.client() as client:
        async with ModelChain.from_endpoints([endpoint("primary")], http_async_client=client) as chain:
            await chain.ainvoke(QUESTION)
        assert not client.is_closed


def test_unavailable_error_lists_one_line_per_failure() -> None:
    error = LlmUnavailableError([EndpointFailure("a", "timed out"), EndpointFailure("b", "HTTP 503")])
    assert str(error).splitlines()[1:] == ["- a: timed out", "- b: HTTP 503"]
