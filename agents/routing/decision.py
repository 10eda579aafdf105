"""What the router decided for one question: which persona(s) answer, how sure it was and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["RouteDecision", "RouteMethod"]

RouteMethod = Literal["classifier", "llm", "explicit"]


@dataclass(frozen=True)
class RouteDecision:
    """The personas chosen for a question, best first, with the score of every persona and a readable reason.

    ``method`` says who decided: the no-LLM ``classifier``, the supervisor ``llm``, or an ``explicit`` choice by
    the caller (a persona named in the request).
    """

    personas: tuple[str, ...]
    scores: dict[str, float] = field(default_factory=dict)
    method: RouteMethod = "classifier"
    reason: str = ""

    def __post_init__(self) -> None:
        if not self.personas:
            raise ValueError("a route decision names at least one persona")
        if len(set(self.personas)) != len(self.personas):
            raise ValueError(f"personas repeat in {self.personas}")

    @property
    def primary(self) -> str:
        """The persona that leads the answer."""
        return self.personas[0]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (for logs, traces and the API); scores rounded to 4 digits."""
        return {
            "personas": list(self.personas),
            "scores": {name: round(score, 4) for name, score in self.scores.items()},
            "method": self.method,
            "reason": self.reason,
        }
