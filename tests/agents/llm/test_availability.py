"""`check_endpoint`: one GET /models, never raising for network trouble."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import SecretStr

from agents.llm import LlmEndpoint, check_endpoint

MODELS = {"object": "list", "data": [{"id": "Qwen/Qwen3-8B", "object": "model"}, {"id": "other", "object": "model"}]}


def endpoint(**overrides: Any) -> LlmEndpoint:
    values: dict[str, Any] = {"name": "primary", "base_url": "http://gpu-1:8000/v1", "model": "Qwen/Qwen3-8B"}
    return LlmEndpoint(**(values | {"provider": "vllm"} | overrides))


def serving(body: Any, status: int = 200, seen: list[httpx.Request] | None = None) -> httpx.AsyncClient:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(status, json=body)

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


async def test_an_endpoint_listing_our_model_is_ok() -> None:
    seen: list[httpx.Request] = []
    async with serving(MODELS, seen=seen) as client:
        status = await check_endpoint(endpoint(api_key=SecretStr("k-1")), client=client)
    assert (status.ok, status.model_listed, status.error) == (True, True, None)
    assert status.models == ["Qwen/Qwen3-8B", "other"]
    assert status.latency_ms >= 0
    assert str(seen[0].url) == "http://gpu-1:8000/v1/models"
    assert seen[0].headers["authorization"] == "Bearer k-1"


async def test_a_missing_model_is_not_ok_and_names_what_is_served() -> None:
    async with serving(MODELS) as client:
        status = await check_endpoint(endpoint(model="llama3"), client=client)
    assert (status.ok, status.model_listed) == (False, False)
    assert status.error is not None
    assert "'llama3' is not served" in status.error
    assert "Qwen/Qwen3-8B, other" in status.error


async def test_llamacpp_serves_its_one_model_under_any_name() -> None:
    async with serving({"data": [{"id": "/models/SmolLM2.gguf"}]}) as client:
        status = await check_endpoint(endpoint(provider="llamacpp", model="smollm2"), client=client)
    assert (status.ok, status.model_listed) == (True, False)


async def test_gemini_model_ids_match_without_their_models_prefix() -> None:
    async with serving({"data": [{"id": "models/gemini-2.5-flash"}]}) as client:
        status = await check_endpoint(endpoint(provider="gemini", model="gemini-2.5-flash"), client=client)
    assert status.model_listed


async def test_connection_refused_is_reported_not_raised() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as client:
        status = await check_endpoint(endpoint(), client=client)
    assert not status.ok
    assert status.models == []
    assert status.error is not None
    assert "GET http://gpu-1:8000/v1/models failed (ConnectError" in status.error
    assert "check the base URL" in status.error


async def test_a_timeout_is_reported_with_the_timeout_used() -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(hang)) as client:
        status = await check_endpoint(endpoint(), client=client, timeout_s=1.5)
    assert not status.ok
    assert status.error is not None
    assert "timed out after 1.5s" in status.error


async def test_a_rejected_key_says_to_check_the_key_without_showing_it() -> None:
    async with serving({"error": "bad key sk-abc"}, status=401) as client:
        status = await check_endpoint(endpoint(api_key=SecretStr("sk-abc")), client=client)
    assert not status.ok
    assert status.error is not None
    assert "check the API key" in status.error
    assert "sk-abc" not in status.error


async def test_a_body_that_is_not_a_model_list_is_not_ok() -> None:
    async with serving({"hello": "world"}) as client:
        status = await check_endpoint(endpoint(), client=client)
    assert not status.ok
    assert status.error is not None
    assert "did not return an OpenAI-style model list" in status.error


async def test_anthropic_also_gets_its_native_key_headers() -> None:
    seen: list[httpx.Request] = []
    async with serving({"data": [{"id": "claude-sonnet-4-5"}]}, seen=seen) as client:
        anthropic = endpoint(provider="anthropic", model="claude-sonnet-4-5", api_key=SecretStr("a"))
        await check_endpoint(anthropic, client=client)
    assert seen[0].headers["x-api-key"] == "a"
    assert "anthropic-version" in seen[0].headers


async def test_a_server_error_body_echoing_the_key_is_redacted() -> None:
    async with serving({"error": "unknown token sk-abc"}, status=404) as client:
        status = await check_endpoint(endpoint(api_key=SecretStr("sk-abc")), client=client)
    assert not status.ok
    assert status.error is not None
    assert "returned 404" in status.error
    assert "unknown token ***" in status.error
    assert "sk-abc" not in status.error
