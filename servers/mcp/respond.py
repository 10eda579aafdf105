"""Turn tool results and adapter errors into MCP responses.

FastMCP's default text rendering indents JSON and keeps every null; a model pays for each of those characters.
:func:`respond` sends the same structured content compactly (nulls dropped, no indentation) in both the text and the
structured part, and :func:`tool_errors` turns the adapters' actionable errors into ``ToolError`` messages.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from mcp.server.fastmcp.exceptions import ToolError
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel
from pydantic_core import PydanticSerializationError, to_json

from tools.errors import BackendError, ToolInputError

__all__ = ["respond", "tool_errors"]

P = ParamSpec("P")
R = TypeVar("R")


def respond(result: BaseModel) -> CallToolResult:
    """Wrap a result model as a compact CallToolResult (structured content plus the same JSON as text)."""
    structured: dict[str, Any] = result.model_dump(mode="json", exclude_none=True)
    try:
        text = to_json(structured).decode()  # compact, UTF-8 kept: the text json.dumps gives, in half the time
    except PydanticSerializationError:
        # A lone UTF-16 surrogate from a backend (a "\ud800" escape in its JSON) cannot be sent as UTF-8 at all:
        # replace such characters rather than failing the whole call.
        structured = _scrub(structured)
        text = to_json(structured).decode()
    return CallToolResult(content=[TextContent(type="text", text=text)], structuredContent=structured)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def tool_errors(func: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Re-raise input and backend errors as ``ToolError`` so the caller sees an actionable message.

    Anything else is a bug and propagates unchanged (FastMCP still reports it as a failed call).
    """

    @functools.wraps(func)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await func(*args, **kwargs)
        except (ToolInputError, BackendError) as exc:
            raise ToolError(str(exc)) from exc

    return wrapper
