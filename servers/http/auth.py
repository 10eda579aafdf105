"""Bearer-token authentication for the HTTP transport (a pure ASGI middleware).

The token is compared in constant time; failures answer 401 with a ``WWW-Authenticate`` header and a JSON body
that says what to send, never what was expected.
"""

from __future__ import annotations

import hmac
import json

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["BearerAuthMiddleware"]


class BearerAuthMiddleware:
    """Require ``Authorization: Bearer <token>`` on every request except the open paths.

    ``/healthz``, ``/readyz`` and ``/metrics`` stay open so probes and Prometheus scrapes need no MCP token;
    ``/metrics`` only carries request counts and latencies, ``/readyz`` whether each LLM endpoint answers.
    """

    def __init__(
        self, app: ASGIApp, *, token: str, open_paths: frozenset[str] = frozenset({"/healthz", "/readyz", "/metrics"})
    ) -> None:
        self.app = app
        # A token read from a file often ends with a newline; clients never send one.
        self._token = token.strip().encode()
        self._open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" or (scope["type"] == "http" and scope["path"] in self._open_paths):
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # no websocket routes exist; refuse rather than pass anything unchecked
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = dict(scope.get("headers") or [])
        value = headers.get(b"authorization", b"")
        scheme, _, presented = value.partition(b" ")
        if scheme.lower() == b"bearer" and hmac.compare_digest(presented.strip(), self._token):
            await self.app(scope, receive, send)
            return
        body = json.dumps(
            {"error": "unauthorized", "message": "Send 'Authorization: Bearer <AIOPS_HTTP_TOKEN>'."}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"www-authenticate", b'Bearer realm="aiops-nextgen"'),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
