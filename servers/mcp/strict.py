"""Strict tool arguments: unknown names are refused, and validation errors say what to send instead.

FastMCP's argument models ignore unknown properties, so ``metrics_query {"query": "up", "clusterz": ["hub"]}`` used
to query the whole fleet; and a bad value came back as raw pydantic text with a documentation link. Every call is
checked here first, against the same argument model FastMCP uses, and answered in the project's error style: the
argument, what was wrong, what to send instead (closest valid name suggested).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from mcp.server.fastmcp.exceptions import ToolError
from mcp.server.fastmcp.tools import Tool
from pydantic import ValidationError

from servers.mcp.surface import compact_schema

__all__ = ["check_arguments", "unknown_tool_error"]

_MAX_ERRORS = 3


def unknown_tool_error(name: str, known: Sequence[str]) -> ToolError:
    """The error for a tool name this server does not have, with the closest names it does have."""
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    return ToolError(f"Unknown tool {_show(name)}.{hint} This server's tools: {', '.join(sorted(known))}.")


def check_arguments(tool: Tool, arguments: Mapping[str, Any]) -> None:
    """Raise ``ToolError`` when ``arguments`` name an unknown argument or fail the tool's argument model."""
    properties: dict[str, Any] = tool.parameters.get("properties", {})
    unknown = [k for k in arguments if k not in properties]
    if unknown:
        raise ToolError(_unknown_arguments(tool.name, unknown, properties))
    try:
        tool.fn_metadata.arg_model.model_validate(tool.fn_metadata.pre_parse_json(dict(arguments)))
    except ValidationError as exc:
        raise ToolError(_invalid_arguments(tool.name, exc, properties)) from None


def _unknown_arguments(tool: str, unknown: list[str], properties: Mapping[str, Any]) -> str:
    valid = list(properties)
    parts = []
    for name in unknown:
        close = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
        parts.append(_show(name) + (f" (did you mean `{close[0]}`?)" if close else ""))
    noun = "argument" if len(unknown) == 1 else "arguments"
    return f"{tool}: unknown {noun} {', '.join(parts)}. Valid arguments: {', '.join(valid)}."


def _invalid_arguments(tool: str, exc: ValidationError, properties: Mapping[str, Any]) -> str:
    problems = []
    for error in exc.errors()[:_MAX_ERRORS]:
        loc = error.get("loc", ())
        name = str(loc[0]) if loc else "arguments"
        where = name + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[1:])
        prop = compact_schema(properties.get(name, {}))
        if error.get("type") == "missing":
            problems.append(f"`{where}` is required: send {_expected(prop)}")
            continue
        wrong = f"{_show(error.get('input'))} is not valid ({_reason(error)})"
        problems.append(f"`{where}`: {wrong}; send {_expected(prop)}")
    more = len(exc.errors()) - _MAX_ERRORS
    tail = f" (and {more} more)" if more > 0 else ""
    return f"{tool}: invalid arguments: " + "; ".join(problems) + tail + "."


def _reason(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", "invalid"))
    return message[0].lower() + message[1:] if message else "invalid"


def _expected(prop: Mapping[str, Any]) -> str:
    """What a valid value looks like, from the argument's (compact) JSON schema."""
    if "enum" in prop:
        return "one of " + ", ".join(_show(v) for v in prop["enum"])
    kind = prop.get("type")
    if kind == "integer" or kind == "number":
        noun = "an integer" if kind == "integer" else "a number"
        low, high = prop.get("minimum", prop.get("exclusiveMinimum")), prop.get("maximum")
        if low is not None and high is not None:
            return f"{noun} from {low} to {high}"
        if low is not None:
            return f"{noun} ≥ {low}"
        return f"{noun} ≤ {high}" if high is not None else noun
    if kind == "array":
        items = prop.get("items", {})
        inner = _expected(items) if isinstance(items, dict) and items else "values"
        size = f" (at least {prop['minItems']})" if prop.get("minItems") else ""
        return f"a list of {_plural(inner)}{size}"
    if kind == "object":
        return "an object of string values" if prop.get("additionalProperties") == {"type": "string"} else "an object"
    if kind == "boolean":
        return "true or false"
    if kind == "string":
        description = prop.get("description")
        return f"a string ({description})" if description else "a string"
    if "anyOf" in prop:
        return " or ".join(_expected(b) for b in prop["anyOf"] if isinstance(b, dict))
    return "a value of the documented type"


def _plural(noun: str) -> str:
    for article in ("a ", "an "):
        if noun.startswith(article):
            head, _, rest = noun[len(article) :].partition(" ")
            return f"{head}s" + (f" {rest}" if rest else "")
    return noun


def _show(value: Any) -> str:
    """A short, ASCII-safe rendering of a caller's value (lone surrogates cannot break the error's encoding)."""
    text = json.dumps(value, ensure_ascii=True, default=str)
    return text if len(text) <= 60 else text[:57] + "..."
