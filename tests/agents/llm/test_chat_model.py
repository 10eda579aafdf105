"""The chat model against a mocked OpenAI-compatible server: payload quirks, tool calls, streaming, retries."""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

import httpx2
import openai
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langchain_core.tools import tool

from agents.llm import LlmEndpoint, MalformedResponseError, OpenAICompatibleChatModel, build_chat_model
from tests.agents.llm.fake_openai import FakeOpenAI, completion, sse, stream_chunk, tool_call


@tool
def metrics_query(promql: str) -> str:
    """Run a PromQL query."""
    return promql


def endpoint(provider: Any = "vllm", **overrides: Any) -> LlmEndpoint:
    values: dict[str, Any] = {"name": "primary", "base_url": "http://llm.test/v1", "model": "m", "provider": provider}
    return LlmEndpoint(**(values | overrides))


def model_on(fake: FakeOpenAI, client: httpx2.AsyncClient, **overrides: Any) -> OpenAICompatibleChatModel:
    return build_chat_model(endpoint(**overrides), http_async_client=client)


async def test_a_tool_call_in_the_response_becomes_an_ai_message_tool_call() -> None:
    fake = FakeOpenAI(completion(None, [tool_call("metrics_query", {"promql": "up"})]))
    async with fake.client() as client:
        reply = await model_on(fake, client).bind_tools([metrics_query]).ainvoke([HumanMessage("is it up?")])
    assert isinstance(reply, AIMessage)
    calls = [(c["name"], c["args"], c["id"]) for c in reply.tool_calls]
    assert calls == [("metrics_query", {"promql": "up"}, "call_1")]


async def test_the_request_goes_to_chat_completions_with_the_endpoint_model_and_key() -> None:
    fake = FakeOpenAI(completion("hi"))
    async with fake.client() as client:
        reply = await model_on(fake, client, api_key=None).ainvoke([HumanMessage("hello")])
    assert reply.content == "hi"
    assert str(fake.requests[0].url) == "http://llm.test/v1/chat/completions"
    assert fake.bodies[0]["model"] == "m"
    assert fake.bodies[0]["messages"] == [{"role": "user", "content": "hello"}]


async def test_tool_choice_auto_is_sent_when_tools_are_bound() -> None:
    fake = FakeOpenAI(completion("no tool needed"))
    async with fake.client() as client:
        await model_on(fake, client).bind_tools([metrics_query]).ainvoke([HumanMessage("q")])
    assert fake.bodies[0]["tool_choice"] == "auto"
    assert [t["function"]["name"] for t in fake.bodies[0]["tools"]] == ["metrics_query"]


async def test_no_tool_choice_is_sent_without_tools() -> None:
    fake = FakeOpenAI(completion("plain"))
    async with fake.client() as client:
        await model_on(fake, client).ainvoke([HumanMessage("q")])
    assert "tool_choice" not in fake.bodies[0]
    assert "tools" not in fake.bodies[0]


async def test_a_tool_choice_chosen_by_the_caller_is_kept() -> None:
    fake = FakeOpenAI(completion(None, [tool_call("metrics_query", {"promql": "up"})]))
    async with fake.client() as client:
        bound = model_on(fake, client).bind_tools([metrics_query], tool_choice="required")
        await bound.ainvoke([HumanMessage("q")])
    assert fake.bodies[0]["tool_choice"] == "required"


async def test_an_assistant_turn_with_tool_calls_is_sent_with_empty_content_not_null() -> None:
    history = [
        HumanMessage("is it up?"),
        AIMessage("", tool_calls=[{"name": "metrics_query", "args": {"promql": "up"}, "id": "call_1"}]),
        ToolMessage("up=1", tool_call_id="call_1"),
    ]
    fake = FakeOpenAI(completion("yes"))
    async with fake.client() as client:
        await model_on(fake, client).bind_tools([metrics_query]).ainvoke(history)
    assistant = fake.bodies[0]["messages"][1]
    assert assistant["role"] == "assistant"
    assert assistant["content"] == ""
    assert assistant["tool_calls"][0]["function"]["name"] == "metrics_query"
    assert fake.bodies[0]["messages"][2] == {"role": "tool", "content": "up=1", "tool_call_id": "call_1"}


async def test_max_tokens_is_sent_as_max_tokens_except_to_openai() -> None:
    fake = FakeOpenAI(completion("x"))
    async with fake.client() as client:
        await model_on(fake, client, provider="vllm").ainvoke([HumanMessage("q")], max_tokens=64)
        await model_on(fake, client, provider="openai").ainvoke([HumanMessage("q")], max_tokens=64)
    assert fake.bodies[0].get("max_tokens") == 64
    assert "max_completion_tokens" not in fake.bodies[0]
    assert fake.bodies[1].get("max_completion_tokens") == 64


async def test_endpoint_defaults_apply_and_a_call_can_override_temperature() -> None:
    fake = FakeOpenAI(completion("x"))
    async with fake.client() as client:
        model = build_chat_model(endpoint(temperature=0.3, max_tokens=100), http_async_client=client)
        await model.ainvoke([HumanMessage("q")])
        await model.ainvoke([HumanMessage("q")], temperature=0.9)
    assert (fake.bodies[0]["temperature"], fake.bodies[0]["max_tokens"]) == (0.3, 100)
    assert fake.bodies[1]["temperature"] == 0.9


async def test_tool_call_deltas_split_across_stream_chunks_are_reassembled() -> None:
    first = {"index": 0, "id": "call_9", "type": "function", "function": {"name": "metrics_", "arguments": ""}}
    deltas = [
        stream_chunk({"role": "assistant", "content": None, "tool_calls": [first]}),
        stream_chunk({"tool_calls": [{"index": 0, "function": {"name": "query", "arguments": '{"prom'}}]}),
        stream_chunk({"tool_calls": [{"index": 0, "function": {"arguments": 'ql": "rate(x[5m])'}}]}),
        stream_chunk({"tool_calls": [{"index": 0, "function": {"arguments": '"}'}}]}, finish_reason="tool_calls"),
    ]
    fake = FakeOpenAI(sse(deltas))
    async with fake.client() as client:
        bound = model_on(fake, client, provider="vllm").bind_tools([metrics_query])
        chunks = [c async for c in bound.astream([HumanMessage("rate?")])]
    assert fake.bodies[0]["stream"] is True
    assert len(chunks) >= 4
    merged = reduce(operator.add, chunks)
    assert isinstance(merged, AIMessageChunk)
    assert [(c["name"], c["args"], c["id"]) for c in merged.tool_calls] == [
        ("metrics_query", {"promql": "rate(x[5m])"}, "call_9")
    ]


async def test_with_tools_bound_a_llamacpp_stream_is_one_unstreamed_call_emitted_as_one_chunk() -> None:
    fake = FakeOpenAI(completion(None, [tool_call("metrics_query", {"promql": "up"})]))
    async with fake.client() as client:
        bound = model_on(fake, client, provider="llamacpp").bind_tools([metrics_query])
        chunks = [c async for c in bound.astream([HumanMessage("q")])]
    assert "stream" not in fake.bodies[0] or fake.bodies[0]["stream"] is False
    assert "stream_options" not in fake.bodies[0]
    assert len(chunks) == 1
    assert isinstance(chunks[0], AIMessageChunk)
    assert [(c["name"], c["args"]) for c in chunks[0].tool_calls] == [("metrics_query", {"promql": "up"})]


async def test_without_tools_a_llamacpp_endpoint_still_streams() -> None:
    fake = FakeOpenAI(sse([stream_chunk({"role": "assistant", "content": "he"}), stream_chunk({"content": "llo"})]))
    async with fake.client() as client:
        chunks = [c async for c in model_on(fake, client, provider="llamacpp").astream([HumanMessage("q")])]
    assert fake.bodies[0]["stream"] is True
    assert "".join(str(c.content) for c in chunks) == "hello"


async def test_a_429_is_retried_after_the_servers_retry_after(retry_sleeps: list[float]) -> None:
    fake = FakeOpenAI(httpx2.Response(429, headers={"Retry-After": "2"}, json={"error": "slow down"}), completion())
    async with fake.client() as client:
        reply = await model_on(fake, client, max_retries=2).ainvoke([HumanMessage("q")])
    assert reply.content == "ok"
    assert len(fake.requests) == 2
    assert retry_sleeps == [2.0]


async def test_a_retry_after_of_zero_falls_back_to_the_clients_backoff(retry_sleeps: list[float]) -> None:
    fake = FakeOpenAI(httpx2.Response(429, headers={"Retry-After": "0"}, json={"error": "slow down"}), completion())
    async with fake.client() as client:
        reply = await model_on(fake, client, max_retries=1).ainvoke([HumanMessage("q")])
    assert reply.content == "ok"
    assert len(fake.requests) == 2
    # openai only honours 0 < Retry-After <= 120 s; otherwise it backs off 0.5 s (minus up to 25 % jitter).
    assert len(retry_sleeps) == 1
    assert 0.3 <= retry_sleeps[0] <= 0.5


async def test_retries_stop_after_max_retries(retry_sleeps: list[float]) -> None:
    fake = FakeOpenAI(httpx2.Response(503, json={"error": "overloaded"}))
    async with fake.client() as client:
        with pytest.raises(openai.InternalServerError):
            await model_on(fake, client, max_retries=2).ainvoke([HumanMessage("q")])
    assert len(fake.requests) == 3
    assert len(retry_sleeps) == 2


async def test_the_endpoint_timeout_reaches_the_transport() -> None:
    seen: list[Any] = []

    def reply(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.extensions.get("timeout"))
        return completion()

    fake = FakeOpenAI(reply)
    async with fake.client() as client:
        await model_on(fake, client, timeout_s=7.5).ainvoke([HumanMessage("q")])
    assert seen[0]["read"] == 7.5


async def test_a_body_without_choices_is_a_malformed_response() -> None:
    fake = FakeOpenAI(httpx2.Response(200, json={"object": "error", "detail": "model crashed"}))
    async with fake.client() as client:
        with pytest.raises(MalformedResponseError, match="choices"):
            await model_on(fake, client).ainvoke([HumanMessage("q")])
