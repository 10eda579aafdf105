"""Errors raised by backend adapters.

:class:`ToolInputError` and :class:`BackendError` are failures the caller (often a model) can act on: they carry
the query, the time range, the backend's status and body, and a hint. The MCP layer turns them into tool errors.
Anything else that escapes an adapter is a bug and is allowed to raise.
"""

from __future__ import annotations

__all__ = ["BackendError", "BackendTimeoutError", "ToolInputError", "UnknownClusterError"]


class ToolInputError(ValueError):
    """The caller's input cannot be run as given (bad range, blanket selector, unknown option)."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.hint = hint
        super().__init__(f"{message} Hint: {hint}" if hint else message)


class UnknownClusterError(ToolInputError):
    """A cluster name that is not in the fleet registry."""

    def __init__(self, names: list[str], known: list[str]) -> None:
        self.names = names
        known_text = ", ".join(known[:20]) if known else "none registered"
        super().__init__(
            f"Unknown cluster(s): {', '.join(names)}.",
            hint=f"Known clusters: {known_text}. fleet_list_clusters (or `aiops cluster list`) shows the fleet.",
        )


class BackendError(RuntimeError):
    """A backend answered with an error (or not at all) for every cluster asked.

    The message names what was asked (``query``, ``time_range``), where (``cluster``, ``backend``), the backend's
    HTTP status and body verbatim, and what to try next.
    """

    def __init__(
        self,
        message: str,
        *,
        backend: str,
        cluster: str | None = None,
        query: str | None = None,
        time_range: str | None = None,
        status: int | None = None,
        body: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.backend = backend
        self.cluster = cluster
        self.query = query
        self.time_range = time_range
        self.status = status
        self.body = body
        self.hint = hint
        parts = [message]
        if query is not None:
            parts.append(f"query={query!r}")
        if time_range is not None:
            parts.append(f"range={time_range}")
        if cluster is not None:
            parts.append(f"cluster={cluster}")
        if status is not None:
            parts.append(f"{backend} status={status}")
        if body:
            parts.append(f"{backend} said: {body[:2000]}")
        if hint:
            parts.append(f"Hint: {hint}")
        super().__init__(" | ".join(parts))


class BackendTimeoutError(BackendError):
    """The backend did not answer in time (client-side timeout, or the backend's own query timeout).

    A separate type so fan-out reports the cluster as ``timeout`` rather than ``error``.
    """
