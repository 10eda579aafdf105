"""Is an LLM endpoint up and serving our model? One cheap `GET /models`, for start-up logs and `/readyz`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import httpx

from agents.llm.endpoint import LlmEndpoint

__all__ = ["DEFAULT_CHECK_TIMEOUT_S", "EndpointStatus", "check_endpoint"]

DEFAULT_CHECK_TIMEOUT_S = 3.0
_BODY_PREVIEW = 200


@dataclass(frozen=True, slots=True)
class EndpointStatus:
    """The outcome of one availability check.

    `ok` means the endpoint answered with a model list and can serve `endpoint.model`. `models` are the ids it
    listed; `model_listed` says whether ours is among them. llama.cpp serves its one loaded model under any name,
    so there an unlisted name does not make the endpoint unavailable. `error` is a key-free sentence saying what
    failed and what to check; `None` when `ok`.
    """

    name: str
    ok: bool
    models: list[str] = field(default_factory=list)
    model_listed: bool = False
    latency_ms: float = 0.0
    error: str | None = None


async def check_endpoint(
    endpoint: LlmEndpoint,
    *,
    client: httpx.AsyncClient | None = None,
    timeout_s: float = DEFAULT_CHECK_TIMEOUT_S,
) -> EndpointStatus:
    """GET `{base_url}/models` with the endpoint's key and report whether `endpoint.model` is served.

    Never raises for network or server errors: they come back as `ok=False` with an explanation. Pass `client`
    to reuse a long-lived client (tests pass one on `httpx.MockTransport`); otherwise a short-lived one is made.
    """
    url = f"{endpoint.base_url}/models"
    started = time.perf_counter()

    def status(ok: bool, error: str | None, models: list[str] | None = None, listed: bool = False) -> EndpointStatus:
        return EndpointStatus(
            name=endpoint.name,
            ok=ok,
            models=models or [],
            model_listed=listed,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            error=endpoint.redact(error) if error else None,
        )

    try:
        if client is None:
            async with httpx.AsyncClient() as own:
                response = await own.get(url, headers=_auth_headers(endpoint), timeout=timeout_s)
        else:
            response = await client.get(url, headers=_auth_headers(endpoint), timeout=timeout_s)
    except httpx.TimeoutException:
        return status(False, f"GET {url} timed out after {timeout_s:g}s: is the server up and reachable from here?")
    except httpx.HTTPError as exc:
        return status(
            False,
            f"GET {url} failed ({type(exc).__name__}: {exc}): check the base URL (host, port, /v1 suffix) "
            "and that the server is running",
        )

    if response.status_code in (401, 403):
        return status(False, f"GET {url} returned {response.status_code}: check the API key for {endpoint.name}")
    if response.status_code >= 400:
        body = response.text[:_BODY_PREVIEW]
        return status(False, f"GET {url} returned {response.status_code} ({body!r}): is {url} an OpenAI-style API?")
    models = _model_ids(response)
    if models is None:
        body = response.text[:_BODY_PREVIEW]
        return status(False, f"GET {url} did not return an OpenAI-style model list ({body!r}): check the base URL")

    listed = any(_same_model(endpoint.model, served) for served in models)
    if listed or endpoint.provider == "llamacpp":
        return status(True, None, models, listed)
    shown = ", ".join(models[:10]) or "none"
    return status(
        False,
        f"model {endpoint.model!r} is not served at {endpoint.base_url} (served: {shown}): "
        "fix AIOPS_LLM_MODEL or load the model on the server",
        models,
        listed,
    )


def _auth_headers(endpoint: LlmEndpoint) -> dict[str, str]:
    key = endpoint.api_key_value
    if key is None:
        return {}
    headers = {"Authorization": f"Bearer {key}"}
    if endpoint.provider == "anthropic":
        # Anthropic's OpenAI layer takes a bearer key for chat, but its /v1/models wants its native headers.
        headers |= {"x-api-key": key, "anthropic-version": "2023-06-01"}
    return headers


def _model_ids(response: httpx.Response) -> list[str] | None:
    """The `data[].id` values of an OpenAI-style model list, or `None` when the body is not one."""
    try:
        body = response.json()
    except ValueError:
        return None
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        return None
    return [str(item["id"]) for item in data if isinstance(item, dict) and "id" in item]


def _same_model(wanted: str, served: str) -> bool:
    # Gemini lists ids as "models/<name>" while requests use "<name>".
    return wanted in (served, served.removeprefix("models/"))
