"""Argument types shared by the paged tools of every domain (their descriptions are what clients read)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

__all__ = ["Cursor", "LimitArg"]

Cursor = Annotated[str | None, Field(description="next_cursor of the previous call")]
LimitArg = Annotated[int, Field(ge=1, le=200)]
