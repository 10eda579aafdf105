"""Argument types shared by the paged tools of every domain (described once, in the server instructions)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

__all__ = ["Cursor", "LimitArg"]

Cursor = str | None
LimitArg = Annotated[int, Field(ge=1, le=200)]
