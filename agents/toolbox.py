"""The MCP tools an agent may call, loaded once per MCP session, with the persona allow-list enforced at call time.

Agents see exactly the tool surface an outside client sees: the tools come from ``langchain-mcp-adapters`` over
the session (in-process or streamable HTTP). A persona is handed only its allowed tools, and :meth:`Toolbox.call`
refuses any other name even if a model asks for it, so a prompt injection in a log line cannot widen the surface.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_mcp_adapters.tools import load_mcp_tools
from mcp import ClientSession

from agents.citations import Citation, citation_for
from personas import Persona

__all__ = ["AGENT_TOOL", "ToolCallResult", "Toolbox", "call_key", "schema_tokens", "tool_text"]

AGENT_TOOL = "aiops_ask"  # the agent itself: never offered to a persona (it would recurse)


@dataclass(frozen=True)
class ToolCallResult:
    """What one tool call gave back: the message for the model, the citation, and the structured result."""

    message: ToolMessage
    citation: Citation
    structured: dict[str, Any] | None
    ok: bool


def tool_text(message: ToolMessage) -> str:
    """The text of a tool message (MCP content blocks joined)."""
    content = message.content
    if isinstance(content, str):
        return content
    parts = [b if isinstance(b, str) else str(b.get("text", "")) for b in content if isinstance(b, str | dict)]
    return "\n".join(p for p in parts if p)


class Toolbox:
    """The session's tools by name; hands each persona its subset and executes calls under its allow-list."""

    def __init__(self, session: ClientSession, tools: list[BaseTool]) -> None:
        self.session = session
        self._tools = {t.name: t for t in tools if t.name != AGENT_TOOL}

    @classmethod
    async def load(cls, session: ClientSession) -> Toolbox:
        """Load every tool of ``session`` (one ``tools/list``; calls reuse the same session)."""
        return cls(session, await load_mcp_tools(session))

    @property
    def names(self) -> frozenset[str]:
        """Every tool name on the server (except the agent's own)."""
        return frozenset(self._tools)

    def for_persona(self, persona: Persona) -> list[BaseTool]:
        """The tools ``persona`` may call, sorted by name."""
        return [self._tools[n] for n in persona.allowed_tools(self._tools)]

    def persona_tokens(self, persona: Persona) -> int:
        """Estimated tokens of the tool schemas sent to ``persona``'s model every round (:func:`schema_tokens`)."""
        return schema_tokens(self.for_persona(persona))

    async def call(
        self,
        persona: Persona,
        name: str,
        arguments: Mapping[str, Any],
        call_id: str,
        *,
        scope: Sequence[str] = (),
    ) -> ToolCallResult:
        """Run one tool call for ``persona``; a name outside its allow-list is refused, not executed.

        ``scope`` is the user's cluster context: a tool taking ``clusters`` is confined to it (filled in when the
        model left it out, intersected when it named others; refused when nothing of it is left).
        """
        args = dict(arguments)
        if name not in self._tools or not persona.allows(name):
            allowed = ", ".join(persona.allowed_tools(self._tools))
            why = f"tool {name!r} is not available to persona {persona.name}; its tools are: {allowed}"
            return _refused(name, args, call_id, why, "refused: not in the persona's allow-list")
        if scope and "clusters" in self._tools[name].args:
            asked = args.get("clusters") or list(scope)
            kept = _within_scope(asked, scope)
            if not kept:
                why = f"the conversation is scoped to clusters {', '.join(scope)}; {asked!r} is outside that scope"
                return _refused(name, args, call_id, why, "refused: outside the cluster scope")
            args["clusters"] = kept
        message = await self._tools[name].ainvoke({"type": "tool_call", "id": call_id, "name": name, "args": args})
        if not isinstance(message, ToolMessage):  # the adapters always answer a tool call with a ToolMessage
            raise TypeError(f"{name} returned {type(message).__name__}, not a ToolMessage")
        artifact = message.artifact if isinstance(message.artifact, dict) else {}
        structured = artifact.get("structured_content")
        structured = structured if isinstance(structured, dict) else None
        ok = message.status != "error"
        error = None if ok else tool_text(message)[:300]
        return ToolCallResult(message, citation_for(name, args, structured, error=error), structured, ok)


def _within_scope(asked: object, scope: Sequence[str]) -> list[str]:
    """``asked`` (cluster names and ``key=value`` selectors) confined to ``scope``: named clusters outside it are
    dropped, selectors kept (they narrow the scope further); no names means the whole scope. Empty = refuse."""
    if not isinstance(asked, list):
        return []
    names = [c for c in asked if isinstance(c, str) and "=" not in c]
    selectors = [c for c in asked if isinstance(c, str) and "=" in c]
    inside = [c for c in names if c in scope] if names else list(scope)
    return [*inside, *selectors] if inside else []


def _refused(name: str, args: dict[str, Any], call_id: str, why: str, short: str) -> ToolCallResult:
    message = ToolMessage(content=f"Refused: {why}.", tool_call_id=call_id, name=name, status="error")
    return ToolCallResult(message, citation_for(name, args, None, error=short), None, False)


def schema_tokens(tools: Sequence[BaseTool]) -> int:
    """Estimated tokens of ``tools`` as a chat model receives them: the OpenAI function specs ``bind_tools`` sends
    (name, description, parameters), as compact JSON, characters / 4."""
    specs = [convert_to_openai_tool(t) for t in tools]
    return -(-len(json.dumps(specs, separators=(",", ":"), ensure_ascii=False)) // 4)


def call_key(name: str, arguments: Mapping[str, Any]) -> str:
    """A canonical key of one call, to spot a model repeating itself."""
    return name + json.dumps(arguments, sort_keys=True, default=str)
