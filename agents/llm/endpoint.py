"""Where an LLM lives: one OpenAI-compatible endpoint (vLLM, llama.cpp, Ollama, OpenAI, Anthropic, Gemini, ...)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args
from urllib.parse import urlsplit

from pydantic import SecretStr

__all__ = ["PROVIDERS", "LlmEndpoint", "Provider", "endpoint_from_values"]

Provider = Literal["vllm", "llamacpp", "ollama", "openai", "anthropic", "gemini", "openai-compatible"]
PROVIDERS: tuple[Provider, ...] = get_args(Provider)

# Servers known to stream tool-call deltas correctly. llama.cpp fails server-side when asked to stream with tools
# bound; Ollama's and unknown servers' streamed tool calls are unreliable, so those get one non-streamed call.
_STREAMS_WITH_TOOLS: frozenset[Provider] = frozenset({"vllm", "openai", "anthropic", "gemini"})

_REDACTED = "***"


@dataclass(frozen=True, slots=True)
class LlmEndpoint:
    """One chat-completions endpoint and the defaults used when calling it.

    Built once from settings (see `endpoint_from_values`) and handed to `build_chat_model` / `check_endpoint`.
    `base_url` is the API root that `/chat/completions` and `/models` hang off (usually ending in `/v1`).
    `api_key` is a `SecretStr` and left out of `repr`, so logging an endpoint never leaks it.
    `stream_with_tools=None` means "the provider's default" and is resolved on construction.
    `temperature` / `max_tokens` are defaults; a persona passes its own per call.
    """

    name: str
    base_url: str
    model: str
    provider: Provider = "openai-compatible"
    api_key: SecretStr | None = field(default=None, repr=False)
    timeout_s: float = 60.0
    max_retries: int = 2
    stream_with_tools: bool | None = None
    temperature: float = 0.0
    max_tokens: int | None = None

    def __post_init__(self) -> None:
        if self.provider not in PROVIDERS:
            raise ValueError(f"LLM provider {self.provider!r} is not one of: {', '.join(PROVIDERS)}")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"LLM base URL {self.base_url!r} must be an http(s) URL such as http://localhost:8000/v1")
        if not self.model.strip():
            raise ValueError(f"LLM endpoint {self.name!r} needs a model name (the id the server lists at /models)")
        if not self.name.strip():
            raise ValueError("LLM endpoint name must not be empty")
        if self.timeout_s <= 0:
            raise ValueError(f"LLM timeout must be positive seconds, got {self.timeout_s}")
        if self.max_retries < 0:
            raise ValueError(f"LLM max_retries must be >= 0, got {self.max_retries}")
        if self.stream_with_tools is None:
            # Frozen dataclass: the resolved default is written once, here.
            object.__setattr__(self, "stream_with_tools", self.provider in _STREAMS_WITH_TOOLS)

    @property
    def api_key_value(self) -> str | None:
        """The key in clear, for the HTTP client only; `None` when the server needs none."""
        return self.api_key.get_secret_value() if self.api_key is not None else None

    def redact(self, text: str) -> str:
        """`text` with every occurrence of this endpoint's API key replaced, for error messages and logs."""
        key = self.api_key_value
        return text.replace(key, _REDACTED) if key else text

    def describe(self) -> str:
        """A one-line, key-free label such as `primary (vllm Qwen/Qwen3-8B at http://gpu:8000/v1)`."""
        return f"{self.name} ({self.provider} {self.model} at {self.base_url})"


def endpoint_from_values(
    base_url: str,
    model: str,
    api_key: str | SecretStr | None,
    provider: str = "openai-compatible",
    *,
    name: str | None = None,
    timeout_s: float = 60.0,
    max_retries: int = 2,
    stream_with_tools: bool | None = None,
    temperature: float = 0.0,
    max_tokens: int | None = None,
) -> LlmEndpoint:
    """Build and validate an `LlmEndpoint` from plain settings values (e.g. `AIOPS_LLM_*`).

    Trims whitespace and a trailing `/` from the URL, treats an empty key as "no key", and names the endpoint
    after its provider and model unless `name` is given. Raises `ValueError` saying which value is wrong.
    """
    url = base_url.strip().rstrip("/")
    if not url:
        raise ValueError("LLM base URL is empty: set it to the server's API root, e.g. http://localhost:8000/v1")
    model = model.strip()
    if provider not in PROVIDERS:
        raise ValueError(f"LLM provider {provider!r} is not one of: {', '.join(PROVIDERS)}")
    key = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
    key = key.strip() if key else None
    return LlmEndpoint(
        name=name or f"{provider}:{model}",
        base_url=url,
        model=model,
        provider=provider,  # narrowed to Provider by the membership check above
        api_key=SecretStr(key) if key else None,
        timeout_s=timeout_s,
        max_retries=max_retries,
        stream_with_tools=stream_with_tools,
        temperature=temperature,
        max_tokens=max_tokens,
    )
