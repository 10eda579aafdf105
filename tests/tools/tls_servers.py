"""Throwaway HTTPS servers for the TLS/auth tests: a Prometheus-shaped Starlette app behind uvicorn (TLS or mTLS),
and a bare TLS listener that refuses clients without a certificate with the TLS 1.3 alert (as Go, nginx and
HAProxy do; asyncio's server drops such connections silently).
"""

from __future__ import annotations

import base64
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.tools.tls_certs import TlsMaterial

TOKEN = "tls-bearer-Zm9vYmFyLXNlY3JldC10b2tlbg"  # unique enough to be found in any message that leaks it
BASIC_USER = "viewer"
BASIC_PASSWORD = "basic-pw-7Qm2xK9v"
WRONG_PASSWORD = "wrong-pw-3Rt8yH1z"
VALUE = "42.5"
VECTOR = {
    "status": "success",
    "data": {
        "resultType": "vector",
        "result": [{"metric": {"__name__": "kube_node_info", "node": "n1"}, "value": [1795680000, VALUE]}],
    },
}
START_TIMEOUT_S = 5.0
CALL_BOUND_S = 5.0  # no call below may take longer: a TLS failure must end in an error, never a hang


def basic_header(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def prometheus_app() -> Starlette:
    """A tiny Prometheus: the query API behind bearer or basic auth, the readiness endpoint open."""
    accepted = {f"Bearer {TOKEN}", basic_header(BASIC_USER, BASIC_PASSWORD)}

    async def query(request: Request) -> Response:
        if request.headers.get("authorization") not in accepted:
            return PlainTextResponse("Unauthorized\n", status_code=401)
        return JSONResponse(VECTOR)

    async def ready(request: Request) -> Response:
        return PlainTextResponse("Prometheus Server is Ready.\n")

    return Starlette(
        routes=[Route("/api/v1/query", query, methods=["GET", "POST"]), Route("/-/ready", ready, methods=["GET"])]
    )


class _ThreadedServer(uvicorn.Server):
    """A uvicorn server that says when it is accepting (or has given up), for a bounded wait from another thread."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()

    def run_then_signal(self, sock: socket.socket) -> None:
        try:
            self.run(sockets=[sock])
        finally:
            self.ready.set()  # a failed startup must not leave the waiter waiting out its timeout


@contextmanager
def serving_https(material: TlsMaterial, *, cert_reqs: ssl.VerifyMode) -> Iterator[str]:
    """Serve :func:`prometheus_app` over HTTPS on a free loopback port in a background thread; yield its URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        prometheus_app(),
        host="127.0.0.1",
        port=port,
        log_level="critical",
        lifespan="off",
        ssl_certfile=str(material.server_files.cert),
        ssl_keyfile=str(material.server_files.key),
        ssl_ca_certs=str(material.ca_file),
        ssl_cert_reqs=cert_reqs,
    )
    server = _ThreadedServer(config)
    thread = threading.Thread(target=server.run_then_signal, args=(sock,), name=f"https-{port}", daemon=True)
    thread.start()
    try:
        if not server.ready.wait(START_TIMEOUT_S) or not server.started:
            raise RuntimeError(f"the HTTPS test server on port {port} did not start within {START_TIMEOUT_S:g} s")
        yield f"https://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(START_TIMEOUT_S)
        sock.close()
        assert not thread.is_alive(), "the HTTPS test server did not stop"


@contextmanager
def refusing_without_client_certificate(material: TlsMaterial) -> Iterator[str]:
    """A bare TLS listener that requires a client certificate and, like Go or nginx, says so with a TLS alert."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(material.ca_file))
    context.load_cert_chain(material.server_files.cert, material.server_files.key)
    context.verify_mode = ssl.CERT_REQUIRED
    listener = socket.create_server(("127.0.0.1", 0))
    address = listener.getsockname()
    stopping = threading.Event()

    def serve() -> None:
        while True:
            raw, _ = listener.accept()
            if stopping.is_set():
                raw.close()
                return
            raw.settimeout(CALL_BOUND_S)
            # OSError (ssl.SSLError is one): the client went away first, so nothing is left to tell it.
            with context.wrap_socket(raw, server_side=True, do_handshake_on_connect=False) as conn, suppress(OSError):
                with suppress(ssl.SSLError):
                    conn.do_handshake()  # a blocking socket: OpenSSL sends the alert before this raises
                # Half-close and drain until the client hangs up: closing with its request unread would send a
                # TCP reset, which can overtake the alert.
                conn.shutdown(socket.SHUT_WR)
                while conn.recv(4096):
                    pass

    thread = threading.Thread(target=serve, name=f"refusing-tls-{address[1]}", daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{address[1]}"
    finally:
        stopping.set()
        socket.create_connection(address).close()  # wakes the blocking accept()
        thread.join(START_TIMEOUT_S)
        listener.close()
        assert not thread.is_alive(), "the refusing TLS listener did not stop"
