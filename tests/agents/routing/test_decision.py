from __future__ import annotations

import json

import pytest

from agents.routing import RouteDecision


def test_a_decision_serialises_to_json_with_rounded_scores() -> None:
    decision = RouteDecision(("gpu-expert", "platform-ops"), {"gpu-expert": 0.612345, "default": 0.1}, "llm", "why")
    data = decision.to_dict()
    assert data == {
        "personas": ["gpu-expert", "platform-ops"],
        "scores": {"gpu-expert": 0.6123, "default": 0.1},
        "method": "llm",
        "reason": "why",
    }
    assert json.loads(json.dumps(data)) == data
    assert decision.primary == "gpu-expert"


def test_a_decision_without_personas_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one persona"):
        RouteDecision((), {}, "explicit", "")


def test_a_decision_naming_a_persona_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="personas repeat"):
        RouteDecision(("default", "default"), {}, "classifier", "")
