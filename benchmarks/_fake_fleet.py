"""Many simulated cluster Prometheus endpoints behind ONE local HTTP server (run in its own process).

``python -m benchmarks._fake_fleet --port P --latency-ms 50 --dead 19,39`` serves, for every integer ``i``, on port P
(and, with ``--extra-ports N --ports-file F``, on N more loopback ports whose numbers it writes to F as JSON, so each
simulated cluster can have its own origin, hence its own pooled connection, as real clusters do):

- ``GET|POST /c/{i}/api/v1/query``: after ``latency-ms``, a valid Prometheus vector with one sample
  ``bench_up{instance="node-{i}",job="bench"}``; a *dead* ``i`` never answers (it waits until the client hangs up);
- ``GET /c/{i}/-/ready``: 200 (dead ones never answer);
- ``GET /healthz``: 200, for the readiness wait.

Uvicorn runs with a 2048 backlog, no concurrency limit and a 30 s keep-alive, so 200 concurrent connections are
accepted at once; ``benchmarks.fanout`` measures a direct httpx fan-out against it to show it is not the bottleneck.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import parse_qs

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route


def build_app(latency_s: float, dead: set[int]) -> Starlette:
    """The Starlette app serving every simulated cluster under ``/c/{i}``."""

    async def hang_until_client_leaves(request: Request) -> Response:
        # The body has been read: the next ASGI message is the disconnect, sent when the client gives up.
        while (await request.receive())["type"] != "http.disconnect":
            pass
        return Response(status_code=499)

    async def query(request: Request) -> Response:
        i: int = request.path_params["i"]
        body = await request.body()
        if i in dead:
            return await hang_until_client_leaves(request)
        params = {**parse_qs(request.url.query), **parse_qs(body.decode())}
        at = float(params["time"][0]) if "time" in params else time.time()
        await asyncio.sleep(latency_s)
        sample = {"metric": {"__name__": "bench_up", "instance": f"node-{i:03d}", "job": "bench"}, "value": [at, "1"]}
        return JSONResponse({"status": "success", "data": {"resultType": "vector", "result": [sample]}})

    async def ready(request: Request) -> Response:
        if request.path_params["i"] in dead:
            await request.body()
            return await hang_until_client_leaves(request)
        return PlainTextResponse("Prometheus Server is Ready.\n")

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route("/c/{i:int}/api/v1/query", query, methods=["GET", "POST"]),
            Route("/c/{i:int}/-/ready", ready),
            Route("/healthz", healthz),
        ]
    )


def listen(port: int) -> socket.socket:
    """A listening loopback TCP socket.

    Created with ``IPPROTO_TCP`` explicitly: asyncio turns Nagle off (TCP_NODELAY) only on accepted sockets whose
    ``proto`` is IPPROTO_TCP, and ``socket.create_server`` leaves it 0, which makes every response on a reused
    connection wait ~40 ms for a delayed ACK.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(2048)
    return sock


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks._fake_fleet", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--dead", default="", help="comma-separated cluster numbers that never answer")
    parser.add_argument("--extra-ports", type=int, default=0, help="also listen on this many free loopback ports")
    parser.add_argument("--ports-file", type=Path, help="where to write the extra ports (JSON list)")
    args = parser.parse_args(argv)
    dead = {int(x) for x in args.dead.split(",") if x}
    sockets = [listen(args.port)] + [listen(0) for _ in range(args.extra_ports)]
    if args.ports_file is not None:
        args.ports_file.write_text(json.dumps([s.getsockname()[1] for s in sockets[1:]]))
    config = uvicorn.Config(
        build_app(args.latency_ms / 1000, dead),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        backlog=2048,
        limit_concurrency=None,
        timeout_keep_alive=30,
        timeout_graceful_shutdown=2,
    )
    uvicorn.Server(config).run(sockets=sockets)


if __name__ == "__main__":
    main()
