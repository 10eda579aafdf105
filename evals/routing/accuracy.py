"""Measure the persona router against a labelled set of operator questions.

A question is routed correctly ("primary accuracy") when the router's first persona is one of the personas the
question expects; it is an exact match when the router's set of personas equals the expected set. Per-persona
recall counts, for each persona, the questions expecting it whose decision includes it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from agents.routing import PersonaClassifier
from personas import PersonaCatalog

__all__ = ["QUESTIONS_FILE", "Misroute", "RoutingQuestion", "RoutingReport", "evaluate", "load_questions"]

QUESTIONS_FILE = Path(__file__).resolve().parent / "questions.yaml"


class RoutingQuestion(BaseModel):
    """One labelled question: the persona that should lead, optionally a second one, and free-form tags."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str = Field(min_length=1)
    personas: list[str] = Field(min_length=1, max_length=2, description="[primary] or [primary, second].")
    tags: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Misroute:
    """A question whose routed primary persona is not among the expected ones."""

    question: str
    expected: tuple[str, ...]
    got: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class RoutingReport:
    """Accuracy of the router over a question set (see the module docstring for the definitions)."""

    total: int
    primary_accuracy: float
    exact_accuracy: float
    recall: dict[str, float]
    confusion: dict[str, dict[str, int]] = field(repr=False)
    """expected primary persona -> routed primary persona -> count."""
    misrouted: list[Misroute]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the whole report."""
        return asdict(self)


def load_questions(path: Path = QUESTIONS_FILE) -> list[RoutingQuestion]:
    """Read a routing set: a YAML mapping with a ``questions`` list of ``{question, personas, tags}``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise ValueError(f"{path}: expected a mapping with a 'questions' list")
    return [RoutingQuestion.model_validate(item) for item in data["questions"]]


def evaluate(
    catalog: PersonaCatalog,
    questions: Iterable[RoutingQuestion],
    *,
    classifier: PersonaClassifier | None = None,
) -> RoutingReport:
    """Route every question with a classifier fitted on ``catalog`` (or the one given) and score the decisions."""
    items = list(questions)
    if not items:
        raise ValueError("no questions to evaluate")
    names = catalog.names()
    unknown = sorted({p for q in items for p in q.personas if p not in names})
    if unknown:
        raise ValueError(f"questions expect personas not in the catalog: {', '.join(unknown)}")
    router = classifier or PersonaClassifier.fit(catalog)
    primary_hits = exact_hits = 0
    expected_count: Counter[str] = Counter()
    found_count: Counter[str] = Counter()
    confusion = {expected: dict.fromkeys(names, 0) for expected in names}
    misrouted = []
    for item in items:
        decision = router.route(item.question)
        confusion[item.personas[0]][decision.primary] += 1
        if decision.primary in item.personas:
            primary_hits += 1
        else:
            misrouted.append(Misroute(item.question, tuple(item.personas), decision.personas, decision.reason))
        exact_hits += set(decision.personas) == set(item.personas)
        for persona in item.personas:
            expected_count[persona] += 1
            found_count[persona] += persona in decision.personas
    return RoutingReport(
        total=len(items),
        primary_accuracy=primary_hits / len(items),
        exact_accuracy=exact_hits / len(items),
        recall={name: found_count[name] / expected_count[name] for name in names if expected_count[name]},
        confusion=confusion,
        misrouted=misrouted,
    )
