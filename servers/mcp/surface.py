"""How a tool looks in ``tools/list``: compact schemas, trimmed docstrings, truthful annotations, and their size.

Every client sends the whole ``tools/list`` to its model on every turn, and a small local model drowns in long
schemas, so the listing carries only what a caller needs to form a call: no pydantic ``title`` on every property,
``X | None = None`` written as plain ``X`` (leaving an argument out is how one says "none"), docstring indentation
removed, and unknown arguments declared as refused (``additionalProperties: false``). Result schemas are not in the
listing by default: they are served as the ``aiops://schemas/{tool}`` resource instead (``output_schemas="full"`` puts
them back for clients that validate structured results).
"""

from __future__ import annotations

import inspect
import json
import math
from collections.abc import Sequence
from typing import Any

from mcp import types
from mcp.server.fastmcp.tools import Tool
from pydantic import BaseModel

__all__ = ["READ_ONLY", "compact_schema", "list_entry", "result_schema", "tokens_of", "tools_list_tokens"]

# readOnlyHint alone says it all: destructiveHint and idempotentHint only mean something for tools that write, and
# openWorldHint defaults to true. destructiveHint=false is kept for clients that read it without readOnlyHint.
READ_ONLY = types.ToolAnnotations(readOnlyHint=True, destructiveHint=False)

# Schema keywords whose value is a mapping of names to schemas (the names must never be treated as keywords).
_NAMED_SCHEMAS = ("properties", "$defs", "definitions", "patternProperties")


def compact_schema(schema: Any) -> Any:
    """A copy of a pydantic JSON schema without titles, with ``X | None`` defaulting to null reduced to ``X``."""
    if isinstance(schema, list):
        return [compact_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title":
            continue
        if key in _NAMED_SCHEMAS and isinstance(value, dict):
            out[key] = {name: compact_schema(sub) for name, sub in value.items()}
        else:
            out[key] = compact_schema(value)
    return _drop_null_branch(out)


def _drop_null_branch(schema: dict[str, Any]) -> dict[str, Any]:
    """``{"anyOf": [X, {"type": "null"}], "default": null, ...}`` -> ``{...X, ...}`` (optional, not nullable)."""
    branches = schema.get("anyOf")
    if not isinstance(branches, list):
        return schema
    kept = [b for b in branches if b != {"type": "null"}]
    if len(kept) == len(branches):
        return schema
    rest = {k: v for k, v in schema.items() if k != "anyOf" and not (k == "default" and v is None)}
    if len(kept) == 1 and isinstance(kept[0], dict) and not (set(kept[0]) & set(rest)):
        return {**kept[0], **rest}
    return {"anyOf": kept, **rest}


def result_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The compact JSON schema of a tool's result model, as ``structuredContent`` is serialised."""
    schema: dict[str, Any] = compact_schema(model.model_json_schema(mode="serialization"))
    return schema


def list_entry(tool: Tool, output_schema: dict[str, Any] | None) -> types.Tool:
    """The ``tools/list`` entry of one registered tool."""
    input_schema = compact_schema(tool.parameters)
    input_schema["additionalProperties"] = False
    return types.Tool(
        name=tool.name,
        title=tool.title,
        description=inspect.cleandoc(tool.description).strip() if tool.description else None,
        inputSchema=input_schema,
        outputSchema=output_schema,
        annotations=tool.annotations,
    )


def tokens_of(payload: Any) -> int:
    """Estimated model tokens of a JSON payload: compact JSON characters / 4 (the usual rule of thumb)."""
    return math.ceil(len(json.dumps(payload, separators=(",", ":"), ensure_ascii=False)) / 4)


def tools_list_tokens(tools: Sequence[types.Tool]) -> int:
    """Estimated tokens of a ``tools/list`` answer as it travels (compact JSON, nulls omitted)."""
    return tokens_of([t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools])
