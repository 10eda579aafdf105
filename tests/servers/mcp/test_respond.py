"""respond(): one compact JSON text beside the structured content, whatever characters a backend sent."""

from __future__ import annotations

import json

from mcp.types import TextContent

from servers.mcp.respond import respond
from tools.contract import ToolResult


class Lines(ToolResult):
    lines: list[str]


def test_the_text_is_the_compact_json_of_the_structured_content_without_nulls() -> None:
    result = respond(Lines(lines=["é ✓", 'say "hi"'], next_cursor=None, notes=["n"]))
    block = result.content[0]
    assert isinstance(block, TextContent)
    assert json.loads(block.text) == result.structuredContent
    assert ", " not in block.text and "next_cursor" not in block.text and "é ✓" in block.text


def test_a_lone_surrogate_from_a_backend_is_replaced_not_fatal() -> None:
    result = respond(Lines(lines=["ok", "bad \ud800 byte"], notes=["\udfff"]))
    block = result.content[0]
    assert isinstance(block, TextContent)
    block.text.encode("utf-8")
    assert result.structuredContent is not None
    json.dumps(result.structuredContent, ensure_ascii=False).encode("utf-8")
    assert result.structuredContent["lines"] == ["ok", "bad ? byte"]
