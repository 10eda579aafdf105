"""The LangGraph graphs of the agent: the supervisor (route → consult personas → compose) and the persona loop."""

from agents.graph.context import AgentContext, AgentLimits, PersonaRun
from agents.graph.persona import build_persona_graph
from agents.graph.state import AgentState, Finding, PersonaState
from agents.graph.supervisor import build_graph

__all__ = [
    "AgentContext",
    "AgentLimits",
    "AgentState",
    "Finding",
    "PersonaRun",
    "PersonaState",
    "build_graph",
    "build_persona_graph",
]
