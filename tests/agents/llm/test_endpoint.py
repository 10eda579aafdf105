"""Endpoint values: validation, provider defaults, and a key that never shows."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from agents.llm import LlmEndpoint, endpoint_from_values


def test_values_are_trimmed_and_named_after_provider_and_model() -> None:
    endpoint = endpoint_from_values(" http://gpu-1:8000/v1/ ", " Qwen/Qwen3-8B ", "  ", "vllm")
    assert endpoint.base_url == "http://gpu-1:8000/v1"
    assert endpoint.model == "Qwen/Qwen3-8B"
    assert endpoint.name == "vllm:Qwen/Qwen3-8B"
    assert endpoint.api_key is None
    assert (endpoint.timeout_s, endpoint.max_retries) == (60.0, 2)


@pytest.mark.parametrize(
    ("provider", "streams"),
    [("vllm", True), ("openai", True), ("llamacpp", False), ("ollama", False), ("openai-compatible", False)],
)
def test_streaming_with_tools_defaults_by_provider(provider: str, streams: bool) -> None:
    assert endpoint_from_values("http://h/v1", "m", None, provider).stream_with_tools is streams


def test_an_explicit_stream_with_tools_wins_over_the_provider_default() -> None:
    assert endpoint_from_values("http://h/v1", "m", None, "llamacpp", stream_with_tools=True).stream_with_tools


@pytest.mark.parametrize(
    ("base_url", "model", "provider", "message"),
    [
        ("localhost:8000/v1", "m", "vllm", "must be an http"),
        ("ftp://h/v1", "m", "vllm", "must be an http"),
        ("", "m", "vllm", "base URL is empty"),
        ("http://h/v1", "  ", "vllm", "needs a model name"),
        ("http://h/v1", "m", "bedrock", "is not one of: vllm, llamacpp"),
    ],
)
def test_bad_values_raise_a_value_error_saying_what_is_wrong(
    base_url: str, model: str, provider: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        endpoint_from_values(base_url, model, None, provider)


def test_timeout_and_retries_must_be_sane() -> None:
    with pytest.raises(ValueError, match="timeout must be positive"):
        LlmEndpoint("e", "http://h/v1", "m", timeout_s=0)
    with pytest.raises(ValueError, match="max_retries must be >= 0"):
        LlmEndpoint("e", "http://h/v1", "m", max_retries=-1)


def test_the_key_is_kept_out_of_repr_and_str_and_redacted_from_text() -> None:
    endpoint = endpoint_from_values("https://api.openai.com/v1", "gpt-4o-mini", SecretStr("sk-top-secret"), "openai")
    assert endpoint.api_key_value == "sk-top-secret"
    assert "sk-top-secret" not in repr(endpoint)
    assert "sk-top-secret" not in str(endpoint)
    assert "sk-top-secret" not in endpoint.describe()
    assert endpoint.redact("401: bad key sk-top-secret") == "401: bad key ***"


def test_redact_leaves_text_alone_without_a_key() -> None:
    assert endpoint_from_values("http://h/v1", "m", None, "vllm").redact("nothing to hide") == "nothing to hide"
