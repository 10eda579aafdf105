"""Run an ASGI app with uvicorn in a background thread on 127.0.0.1 (a free port unless one is given).

Used by `SimFleet` for the exporter server: Prometheus processes scrape it while the caller's thread
carries on (tests, the CLI). The socket is bound before the thread starts, so the URL is known at once.
"""

from __future__ import annotations

import socket
import threading
import time

import httpx
import uvicorn
from starlette.types import ASGIApp

__all__ = ["BackgroundServer"]


class BackgroundServer:
    """A uvicorn server in a daemon thread; `start()` returns once it answers HTTP."""

    def __init__(self, app: ASGIApp, *, port: int = 0) -> None:
        self._app = app
        self._port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT` (once started)."""
        if self._url is None:
            raise RuntimeError("server not started")
        return self._url

    def start(self, ready_timeout: float = 10.0, probe_path: str = "/") -> str:
        """Bind, serve in a thread and wait until `probe_path` answers; returns the base URL."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self._port))
        self._sock = sock
        self._url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        # Scrapes arrive every few seconds from several Prometheus servers: no access log.
        config = uvicorn.Config(self._app, log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="sim-exporter", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + ready_timeout
        with httpx.Client(timeout=1.0) as client:
            while True:
                try:
                    if client.get(self.url + probe_path).status_code < 500:
                        return self.url
                except httpx.TransportError:
                    pass
                if not self._thread.is_alive() or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"the simulator HTTP server did not answer within {ready_timeout}s")
                time.sleep(0.02)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask uvicorn to exit, join the thread and close the socket; idempotent."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        if self._sock is not None:
            self._sock.close()
        self._server, self._thread, self._sock = None, None, None
