"""A real LangGraph graph with no LLM: one node answers each human message with an echo of it."""

from __future__ import annotations

from langchain_core.messages import AIMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph

__all__ = ["build_echo_graph"]

EchoGraph = CompiledStateGraph[MessagesState, None, MessagesState, MessagesState]


def echo(state: MessagesState) -> dict[str, list[AIMessage]]:
    """Answer the last message with ``echo: <its text>``."""
    return {"messages": [AIMessage(content=f"echo: {state['messages'][-1].text}")]}


def build_echo_graph(saver: BaseCheckpointSaver[str]) -> EchoGraph:
    """START → echo → END, checkpointed by ``saver``."""
    builder = StateGraph(MessagesState)
    builder.add_node("echo", echo)
    builder.add_edge(START, "echo")
    builder.add_edge("echo", END)
    return builder.compile(checkpointer=saver)
