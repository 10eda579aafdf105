"""A per-cluster log of the API requests the simulator served, to prove what product code asked for.

Every request under `/clusters/{cluster}/` except exporter scrapes is recorded; requests touching a
`secrets` path (list, get, watch, in any namespace or group) are also counted per cluster. The log is
served at the simulator-only paths `/_sim/access-log` (all clusters) and `/clusters/{c}/_sim/access-log`.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["AccessEntry", "AccessLog", "AccessLogMiddleware", "access_log_endpoint"]


@dataclass(frozen=True)
class AccessEntry:
    """One served request."""

    cluster: str
    method: str
    path: str
    query: str
    time: float
    secret: bool


class AccessLog:
    """Thread-safe, bounded record of requests; secret-path requests are counted without bound."""

    def __init__(self, maxlen: int = 5000) -> None:
        self._lock = threading.Lock()
        self._entries: deque[AccessEntry] = deque(maxlen=maxlen)
        self._secrets: dict[str, int] = {}
        self._total: dict[str, int] = {}

    def record(self, cluster: str, method: str, path: str, query: str) -> None:
        """Record one request to `path` (relative to the cluster) of `cluster`."""
        secret = "secrets" in path.strip("/").split("/")
        with self._lock:
            self._entries.append(AccessEntry(cluster, method, path, query, time.time(), secret))
            self._total[cluster] = self._total.get(cluster, 0) + 1
            if secret:
                self._secrets[cluster] = self._secrets.get(cluster, 0) + 1

    def secret_requests(self, cluster: str) -> int:
        """How many requests touched a secrets path of `cluster`."""
        with self._lock:
            return self._secrets.get(cluster, 0)

    def snapshot(self, clusters: list[str]) -> dict[str, Any]:
        """The log of `clusters`: per cluster the request and secret-request counts and the recent entries."""
        with self._lock:
            return {
                name: {
                    "requests": self._total.get(name, 0),
                    "secret_requests": self._secrets.get(name, 0),
                    "entries": [asdict(e) for e in self._entries if e.cluster == name],
                }
                for name in clusters
            }


class AccessLogMiddleware:
    """ASGI middleware recording every `/clusters/{c}/...` request except scrapes and `_sim` paths."""

    def __init__(self, app: ASGIApp, log: AccessLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            parts = str(scope["path"]).split("/", 3)  # "", "clusters", name, rest
            if len(parts) == 4 and parts[1] == "clusters":
                rest = "/" + parts[3]
                if not rest.startswith(("/exporters/", "/_sim/")):
                    query = bytes(scope.get("query_string", b"")).decode("latin-1")
                    self.log.record(parts[2], str(scope["method"]), rest, query)
        await self.app(scope, receive, send)


async def access_log_endpoint(request: Request) -> Response:
    """GET /_sim/access-log (every cluster) or /clusters/{cluster}/_sim/access-log (one)."""
    state = request.app.state.sim
    log: AccessLog = state.access
    names = [request.path_params["cluster"]] if "cluster" in request.path_params else list(state.models)
    return JSONResponse({"clusters": log.snapshot(names)})
