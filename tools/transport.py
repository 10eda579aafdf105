"""One answer for "the HTTP request to a backend failed before any response": timeout, unusable URL, TLS or
network failure. Every backend client (Prometheus, Alertmanager, Loki, Tempo, the Kubernetes API) maps its
``httpx``/``ssl`` exception here, so the caller gets the same kind of error, with the backend's own hints.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from tools.errors import BackendError, BackendTimeoutError

__all__ = ["TRANSPORT_ERRORS", "FailureHints", "transport_error"]

# What a request can raise before a response exists. httpcore lets an ssl.SSLError raised on the first read (a TLS
# 1.3 "certificate required" alert) through unwrapped; it is the same failure as a handshake error.
TRANSPORT_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, httpx.InvalidURL, ssl.SSLError)

_TLS_HINT = (
    "The TLS session failed: check the cluster's CA bundle (an OpenShift route is signed by the ingress CA) and, "
    "when the server requires mutual TLS, its client certificate and key "
    "(aiops cluster add --ca-file/--client-cert-file/--client-key-file)."
)


@dataclass(frozen=True)
class FailureHints:
    """What to try next, per kind of failure, for one backend."""

    timeout: str
    unreachable: str
    endpoint: str = "Fix the cluster's endpoint in the fleet registry (aiops cluster remove/add)."
    tls: str = _TLS_HINT


def transport_error(
    exc: Exception,
    *,
    backend: str,
    where: str,
    scrub: Callable[[str], str],
    context: Mapping[str, Any],
    hints: FailureHints,
    timeout_s: float | None = None,
) -> BackendError:
    """The error to raise (``from exc``) for a request to ``backend`` at ``where`` that got no response.

    ``scrub`` removes credentials from exception texts; ``context`` holds the BackendError fields (backend name,
    cluster, query, time range); ``timeout_s`` is how long the request was allowed, named in a timeout's message.
    """
    name = type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        waited = f"{timeout_s:g}s, " if timeout_s is not None else ""
        return BackendTimeoutError(
            f"{backend} at {where} did not answer in time ({waited}{name})", **context, hint=hints.timeout
        )
    if isinstance(exc, httpx.InvalidURL):
        return BackendError(
            f"The registered {backend} URL {where} is not usable: {scrub(str(exc))}", **context, hint=hints.endpoint
        )
    tls_failure = isinstance(exc, ssl.SSLError) or (
        where.startswith("https://")
        and isinstance(exc, httpx.ReadError | httpx.RemoteProtocolError | httpx.ConnectError)
    )
    detail = scrub(str(exc)) or "connection closed without a response"
    return BackendError(
        f"Cannot reach {backend} at {where}: {name}: {detail}",
        **context,
        hint=hints.tls if tls_failure else hints.unreachable,
    )
