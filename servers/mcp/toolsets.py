"""Toolsets: which groups of tools a server exposes (``aiops mcp|serve --toolsets metrics,gpu``, ``AIOPS_TOOLSETS``).

Every client pays for each tool's schema on every turn, so a client that only needs GPU answers should not carry the
logs and traces tools. A toolset is one domain (``fleet``, ``metrics``, …) or ``ask`` — the agent as one tool,
``aiops_ask``, registered by the entry point because ``servers.mcp`` never imports the agent. ``all`` means every
toolset. Parsing lives here so the CLI, the settings and the HTTP app agree on names and errors.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["ASK_TOOLSET", "DOMAIN_TOOLSETS", "TOOLSETS", "ToolsetError", "parse_toolsets"]

DOMAIN_TOOLSETS: tuple[str, ...] = ("fleet", "metrics", "alerts", "k8s", "logs", "traces", "gpu", "cnf")
ASK_TOOLSET = "ask"
TOOLSETS: tuple[str, ...] = (*DOMAIN_TOOLSETS, ASK_TOOLSET)


class ToolsetError(ValueError):
    """A toolset name that does not exist, or an empty selection."""


def parse_toolsets(spec: str | Iterable[str]) -> tuple[str, ...]:
    """Turn ``"metrics,gpu"`` (or a list of names, each possibly comma-separated) into toolset names.

    ``all`` expands to every toolset; order follows :data:`TOOLSETS`; duplicates are dropped. Unknown names raise
    :class:`ToolsetError` naming the closest valid one.
    """
    parts = [spec] if isinstance(spec, str) else list(spec)
    names = [n.strip().lower() for part in parts for n in part.split(",") if n.strip()]
    if not names:
        raise ToolsetError(f"no toolset selected; choose from {', '.join(TOOLSETS)} or 'all'")
    unknown = [n for n in names if n not in TOOLSETS and n != "all"]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, [*TOOLSETS, "all"], n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise ToolsetError(f"unknown toolset {', '.join(hints)}; choose from {', '.join(TOOLSETS)} or 'all'")
    chosen = set(TOOLSETS) if "all" in names else set(names)
    return tuple(t for t in TOOLSETS if t in chosen)
