"""The deterministic (no-LLM) answer path: intent → tool plan → MCP calls → markdown tables with citations."""

from agents.deterministic.answer import DeterministicAnswer, answer_question, render_answer
from agents.deterministic.entities import Entities, extract_entities
from agents.deterministic.execute import execute_plan
from agents.deterministic.intents import INTENTS, Intent, IntentMatch, match_intent
from agents.deterministic.model import CallOutcome, Plan, PlannedCall
from agents.deterministic.plans import plan_for

__all__ = [
    "INTENTS",
    "CallOutcome",
    "DeterministicAnswer",
    "Entities",
    "Intent",
    "IntentMatch",
    "Plan",
    "PlannedCall",
    "answer_question",
    "execute_plan",
    "extract_entities",
    "match_intent",
    "plan_for",
    "render_answer",
]
