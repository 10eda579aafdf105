"""Our own Prometheus metrics (``/metrics``): HTTP requests by path and status, and their latency.

The registry is created per app (no module-level collectors), so tests and replicas never share state.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HttpTelemetry", "TelemetryMiddleware"]


class HttpTelemetry:
    """Request counters and a latency histogram, plus the ``/metrics`` endpoint that exposes them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "aiops_http_requests_total", "HTTP requests served", ["path", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "aiops_http_request_duration_seconds", "HTTP request latency", ["path"], registry=self.registry
        )

    async def endpoint(self, request: Request) -> Response:
        """Serve the exposition text."""
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class TelemetryMiddleware:
    """Count and time every HTTP request into an :class:`HttpTelemetry`."""

    def __init__(self, app: ASGIApp, *, telemetry: HttpTelemetry) -> None:
        self.app = app
        self.telemetry = telemetry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Bounded label cardinality: only our own routes get their own label value.
        path = scope["path"] if scope["path"] in ("/mcp", "/healthz", "/metrics") else "other"
        status = {"code": 500}
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self.telemetry.requests.labels(path, str(status["code"])).inc()
            self.telemetry.latency.labels(path).observe(time.perf_counter() - started)
