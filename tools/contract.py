"""The one result contract every tool follows (HOUSE_STYLE rule 2).

Every tool result is a pydantic model that subclasses :class:`ToolResult`. It says which clusters were asked and
how each one answered, whether the payload was truncated, how many items existed in total, and how to get more
(a ``next_cursor`` to pass back to the same tool, or a ``resource_uri`` to read the full data).
"""

from __future__ import annotations

import base64
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ClusterOutcome",
    "ClusterStatusValue",
    "ToolResult",
    "decode_cursor",
    "encode_cursor",
    "to_json",
    "to_payload",
]

ClusterStatusValue = Literal["ok", "error", "timeout"]


class ClusterOutcome(BaseModel):
    """How one cluster answered one tool call."""

    model_config = ConfigDict(defer_build=True)  # see ToolResult

    cluster: str
    status: ClusterStatusValue
    message: str | None = Field(default=None, description="Error or timeout detail; null when ok.")
    latency_ms: float | None = Field(default=None, description="Wall time of this cluster's backend call.")


class ToolResult(BaseModel):
    """Fields shared by every tool result."""

    # Inherited by every result model: each is built on first use (a call, its schema), not at import, where
    # building them all cost 0.1-0.2 s of every start-up.
    model_config = ConfigDict(defer_build=True)

    clusters: list[ClusterOutcome] = Field(
        default_factory=list, description="Per-cluster status of the call: ok, error or timeout."
    )
    answered: list[str] = Field(default_factory=list, description="Clusters whose backend answered.")
    truncated: bool = Field(default=False, description="True when more items exist than were returned.")
    total: int = Field(default=0, description="Number of items that existed before truncation.")
    returned: int = Field(default=0, description="Number of items in this response.")
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to the same tool with the same arguments to get the next page."
    )
    resource_uri: str | None = Field(
        default=None, description="MCP resource holding the full, unsummarised data (size-capped)."
    )
    notes: list[str] = Field(
        default_factory=list, description="Guardrail adjustments and hints (e.g. step raised, series capped)."
    )


def to_payload(result: BaseModel) -> dict[str, Any]:
    """The JSON-ready dict of a result, without ``null`` fields (use for MCP structured content)."""
    return result.model_dump(mode="json", exclude_none=True)


def to_json(result: BaseModel) -> str:
    """The compact JSON text of a result, without ``null`` fields; its size is what the byte cap measures."""
    return result.model_dump_json(exclude_none=True)


def encode_cursor(payload: dict[str, Any]) -> str:
    """Encode a small JSON payload as an opaque, URL-safe cursor."""
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    """Decode a cursor made by :func:`encode_cursor`; raise ``ValueError`` with a clear message if it is not one."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"cursor {cursor!r} is not a cursor returned by this tool") from exc
    if not isinstance(value, dict):
        raise ValueError(f"cursor {cursor!r} is not a cursor returned by this tool")
    return value
