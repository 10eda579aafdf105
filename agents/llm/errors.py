"""Typed signals from the LLM layer: "no model could answer" is an error the caller switches mode on, not a crash."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EndpointFailure", "LlmStreamError", "LlmUnavailableError", "MalformedResponseError"]


class MalformedResponseError(ValueError):
    """The server answered 2xx but the body is not a usable chat completion (no choices, not JSON, an error field)."""


@dataclass(frozen=True, slots=True)
class EndpointFailure:
    """Why one endpoint of a chain did not answer: its name and a one-line, key-free error."""

    name: str
    error: str


class LlmUnavailableError(RuntimeError):
    """No LLM answered: every endpoint of the chain failed, or none is configured.

    Raised by `ModelChain.ainvoke` / `.astream` before any output was produced, so the caller can switch to the
    deterministic (no-LLM) mode and tell the user why: `failures` holds one entry per endpoint tried, in order;
    it is empty when no LLM is configured at all.
    """

    def __init__(self, failures: list[EndpointFailure]) -> None:
        self.failures = list(failures)
        if self.failures:
            lines = "\n".join(f"- {f.name}: {f.error}" for f in self.failures)
            message = f"no LLM answered ({len(self.failures)} endpoint(s) tried):\n{lines}"
        else:
            message = "no LLM configured (set AIOPS_LLM_BASE_URL and AIOPS_LLM_MODEL)"
        super().__init__(message)


class LlmStreamError(RuntimeError):
    """A streamed answer broke after its first chunk was delivered; no fallback is tried then.

    The caller already showed part of an answer from `endpoint`; retrying elsewhere would duplicate or contradict
    it, so the stream ends with this error (its `__cause__` is the transport or server error).
    """

    def __init__(self, endpoint: str, error: str) -> None:
        self.endpoint = endpoint
        self.error = error
        super().__init__(f"the answer from {endpoint} broke off mid-stream: {error}")
