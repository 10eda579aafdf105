"""Deterministic persona routing: a TF-IDF classifier over persona examples and the decision it returns."""

from agents.routing.classifier import PersonaClassifier, RouterSettings
from agents.routing.decision import RouteDecision, RouteMethod

__all__ = ["PersonaClassifier", "RouteDecision", "RouteMethod", "RouterSettings"]
