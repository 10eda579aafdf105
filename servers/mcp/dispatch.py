"""The common tail of every fan-out tool: resolve the selection for one backend, run the operation, answer.

Clusters selected but lacking that backend's endpoint are named in the result's notes ("not asked"), so a caller
never mistakes a skipped cluster for one that had no data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from mcp.types import CallToolResult

from servers.mcp.deps import ToolDeps
from servers.mcp.respond import respond
from servers.mcp.selection import resolve_metrics_targets, resolve_targets
from tools.contract import ToolResult
from tools.targets import BackendTarget

__all__ = ["Backend", "answer_over"]

Backend = Literal["prometheus", "alertmanager", "api", "loki", "tempo"]

_NAMES: dict[str, str] = {
    "prometheus": "Prometheus",
    "alertmanager": "Alertmanager",
    "api": "Kubernetes API",
    "loki": "Loki",
    "tempo": "Tempo",
}


async def answer_over(
    deps: ToolDeps,
    clusters: list[str] | None,
    operation: Callable[[list[BackendTarget]], Awaitable[ToolResult]],
    *,
    backend: Backend,
) -> CallToolResult:
    """Resolve the selection to ``backend`` targets, run ``operation`` on them and wrap the result for MCP."""
    if backend == "prometheus":
        targets, missing = await resolve_metrics_targets(deps, clusters)
    else:
        targets, missing = await resolve_targets(deps, clusters, backend)
    result = await operation(targets)
    if missing:
        result.notes.append(f"No {_NAMES[backend]} endpoint registered for: {', '.join(missing)} (not asked).")
    return respond(result)
