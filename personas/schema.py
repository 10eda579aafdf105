"""The shape of a persona file: who the sub-agent is, which prompt it reads and which MCP tools it may call.

A persona is data (HOUSE_STYLE rule 8). The supervisor reads ``description`` to choose a persona, the router learns
from ``examples``, ``description`` and ``keywords``, and the agent layer filters the MCP tool surface with
:meth:`Persona.allowed_tools`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fnmatch import fnmatchcase
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

__all__ = ["FORBIDDEN_TOOL", "ModelParams", "Persona"]

# The agent is itself exposed as an MCP tool; a persona calling it would recurse into the supervisor.
FORBIDDEN_TOOL = "aiops_ask"

_TOOL_PATTERN = re.compile(r"^[a-z0-9_*?\[\]!-]+$")
_PROMPT_PATTERN = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*\.j2$")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class ModelParams(BaseModel):
    """Sampling parameters for the chat model a persona runs on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    temperature: float = Field(default=0.1, ge=0.0, le=2.0, description="Low by default: answers cite data.")
    max_tokens: int = Field(default=2048, ge=1, description="Upper bound on one model reply.")
    top_p: float | None = Field(default=None, gt=0.0, le=1.0, description="Nucleus sampling; null = model default.")


class Persona(BaseModel):
    """One specialist sub-agent: its identity, prompt template, tool allow-list and routing examples."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)] = Field(
        description="Slug ([a-z0-9-]), unique in the catalog; equals the file name without .yaml."
    )
    title: Text
    description: Text = Field(description="One paragraph; the supervisor reads it to choose this persona.")
    prompt: str = Field(description="Template file name in prompts/, e.g. 'gpu-expert.md.j2'.")
    tools: list[str] = Field(min_length=1, description="Exact MCP tool names or fnmatch globs like 'gpu_*'.")
    examples: list[Text] = Field(min_length=8, description="Questions this persona should receive.")
    keywords: list[Text] = Field(default_factory=list, description="Strong domain terms that point to this persona.")
    model: ModelParams = Field(default_factory=ModelParams)
    max_tool_rounds: int = Field(default=6, ge=1, le=20, description="Tool-calling rounds before it must answer.")

    @field_validator("description")
    @classmethod
    def _one_paragraph(cls, value: str) -> str:
        if "\n\n" in value:
            raise ValueError("must be one paragraph (no blank line)")
        return " ".join(value.split())

    @field_validator("prompt")
    @classmethod
    def _template_file_name(cls, value: str) -> str:
        if not _PROMPT_PATTERN.match(value):
            raise ValueError(f"{value!r} is not a template file name like 'gpu-expert.md.j2' (no directories)")
        return value

    @field_validator("tools")
    @classmethod
    def _tool_names(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for tool in value:
            if tool == FORBIDDEN_TOOL:
                raise ValueError(f"{FORBIDDEN_TOOL!r} is the agent itself and may not be listed (it would recurse)")
            if not _TOOL_PATTERN.match(tool):
                raise ValueError(f"{tool!r} is not a tool name or glob (lowercase, digits, '_', '*', '?', '[]')")
            if tool in seen:
                raise ValueError(f"{tool!r} is listed twice")
            seen.add(tool)
        return value

    def allows(self, tool_name: str) -> bool:
        """Whether this persona may call ``tool_name`` (exact name or glob match; never ``aiops_ask``)."""
        if tool_name == FORBIDDEN_TOOL:
            return False
        return any(fnmatchcase(tool_name, pattern) for pattern in self.tools)

    def allowed_tools(self, available: Iterable[str]) -> list[str]:
        """The sorted subset of ``available`` tool names this persona may call; use it to filter the MCP surface."""
        return sorted({name for name in available if self.allows(name)})
