"""The configured LLM endpoints and whether they answer: the start-up status line and the LLM part of ``/readyz``.

Light on purpose: only the endpoint description and a plain ``GET /v1/models`` (httpx), so a server reports its LLM
without importing langchain or openai (those load with the agent, on the first ``aiops_ask``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from agents.llm.availability import EndpointStatus, check_endpoint
from agents.llm.endpoint import LlmEndpoint, endpoint_from_values
from servers.settings import Settings

__all__ = ["check_llm", "describe_llm", "llm_endpoints", "readiness_report"]


def llm_endpoints(settings: Settings) -> list[LlmEndpoint]:
    """The configured LLM endpoints, primary first; empty when none is configured (deterministic mode)."""
    found: list[LlmEndpoint] = []
    pairs = (
        ("primary", settings.llm_base_url, settings.llm_model, settings.llm_api_key, settings.llm_provider),
        (
            "fallback",
            settings.llm_fallback_base_url,
            settings.llm_fallback_model,
            settings.llm_fallback_api_key,
            settings.llm_fallback_provider,
        ),
    )
    for name, url, model, key, provider in pairs:
        if url or model:
            if not (url and model):
                what = "AIOPS_LLM_" if name == "primary" else "AIOPS_LLM_FALLBACK_"
                raise ValueError(f"the {name} LLM needs both {what}BASE_URL and {what}MODEL")
            found.append(endpoint_from_values(url, model, key, provider, name=name, timeout_s=settings.llm_timeout_s))
    return found


async def check_llm(endpoints: Sequence[LlmEndpoint]) -> list[EndpointStatus]:
    """``/v1/models`` of every endpoint, checked concurrently (empty when none is configured)."""
    return list(await asyncio.gather(*(check_endpoint(e) for e in endpoints)))


async def readiness_report(endpoints: Sequence[LlmEndpoint]) -> dict[str, object]:
    """The ``/readyz`` body: each LLM endpoint's ``/v1/models`` check and the mode the agent answers in."""
    statuses = await check_llm(endpoints)
    up = any(s.ok for s in statuses)
    return {
        "status": "ready" if up or not statuses else "degraded",
        "agent_mode": "llm" if up else "deterministic",
        "llm": [
            {"name": s.name, "ok": s.ok, "model_listed": s.model_listed, "latency_ms": s.latency_ms, "error": s.error}
            for s in statuses
        ],
    }


def describe_llm(statuses: Sequence[EndpointStatus]) -> str:
    """One line per endpoint for start-up output; says plainly when answers will be deterministic."""
    if not statuses:
        return "Agent: no LLM configured (AIOPS_LLM_BASE_URL): aiops_ask answers deterministically."
    lines = [f"LLM {s.name}: " + ("ok" if s.ok else f"unavailable ({s.error})") for s in statuses]
    if not any(s.ok for s in statuses):
        lines.append("Agent: no LLM reachable now: aiops_ask answers deterministically until one is.")
    return "\n".join(lines)
