"""Turn tool results and adapter errors into MCP responses.

FastMCP's default text rendering indents JSON and keeps every null; a model pays for each of those characters.
:func:`respond` sends the same structured content compactly (nulls dropped, no indentation) in both the text and the
structured part, and :func:`tool_errors` turns the adapters' actionable errors into ``ToolError`` messages.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from mcp.server.fastmcp.exceptions import ToolError
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel

from tools.errors import BackendError, ToolInputError

__all__ = ["respond", "tool_errors"]

P = ParamSpec("P")
R = TypeVar("R")


def respond(result: BaseModel) -> CallToolResult:
    """Wrap a result model as a compact CallToolResult (structured content plus the same JSON as text)."""
    structured: dict[str, Any] = result.model_dump(mode="json", exclude_none=True)
    text = json.dumps(structured, separators=(",", ":"), ensure_ascii=False)
    return CallToolResult(content=[TextContent(type="text", text=text)], structuredContent=structured)


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
