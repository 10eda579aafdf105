"""The simulator's HTTP app: live exporter endpoints plus the Kubernetes, Loki and Tempo APIs of every cluster.

Routes:
  GET /                                                     JSON index of clusters, APIs and scrape paths
  GET /clusters/{cluster}/exporters/{job}/{target}/metrics  Prometheus text exposition (format 0.0.4)
  GET /clusters/{cluster}/version|readyz|livez|api|apis...  Kubernetes API shapes (see k8sapi, k8s_routes)
  GET /clusters/{cluster}/loki/...                          Loki HTTP API (see loki_api)
  GET /clusters/{cluster}/tempo/...                         Tempo HTTP API (see tempo_api)
  GET /_sim/access-log, /clusters/{cluster}/_sim/access-log simulator-only: the requests each cluster served
Values are computed at the injected clock's time, from the same functions as the backfilled history.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route

from servers.sim.access import AccessLogMiddleware, access_log_endpoint
from servers.sim.families import Target
from servers.sim.k8sapi import kube_api_routes
from servers.sim.loki_api import loki_routes
from servers.sim.model import ClusterModel
from servers.sim.openmetrics import format_labels, format_value
from servers.sim.state import SimState, kube_status, sim_state
from servers.sim.tempo_api import tempo_routes

__all__ = ["CONTENT_TYPE", "create_app", "metrics_path", "render_exposition"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def metrics_path(cluster: str, job: str, target: str) -> str:
    """The URL path a target's metrics are served at."""
    return f"/clusters/{cluster}/exporters/{job}/{target}/metrics"


def render_exposition(target: Target, t: float) -> str:
    """The target's metrics at Unix time `t` in the Prometheus text format (no timestamps)."""
    lines: list[str] = []
    for fam in target.families:
        if fam.help:
            lines.append(f"# HELP {fam.name} {fam.help.replace(chr(92), chr(92) * 2)}")
        lines.append(f"# TYPE {fam.name} {fam.kind}")
        lines.extend(f"{fam.name}{format_labels(s.labels)} {format_value(s.signal(t))}" for s in fam.series)
    return "\n".join(lines) + "\n"


async def metrics(request: Request) -> Response:
    """One target's live metrics."""
    state = sim_state(request)
    p = request.path_params
    model = state.models.get(p["cluster"])
    target = model.target(p["job"], p["target"]) if model else None
    if target is None:
        return PlainTextResponse("no such exporter target\n", status_code=404)
    return Response(render_exposition(target, state.clock()), media_type=CONTENT_TYPE)


async def index(request: Request) -> Response:
    """Where everything is: each cluster's API base path and scrape paths."""
    clusters = {
        name: {
            "api": f"/clusters/{name}",
            "loki": f"/clusters/{name}/loki",
            "tempo": f"/clusters/{name}/tempo",
            "exporters": {e.job: [metrics_path(name, e.job, t.name) for t in e.targets] for e in model.exporters},
        }
        for name, model in sim_state(request).models.items()
    }
    return JSONResponse({"clusters": clusters})


async def not_found(request: Request) -> Response:
    """Anything else under a cluster: a Kubernetes-style 404."""
    return kube_status(404, "NotFound", f"the server could not find the requested resource {request.url.path}")


def create_app(models: Mapping[str, ClusterModel], *, clock: Callable[[], float] = time.time) -> Starlette:
    """Build the simulator app serving `models`; `clock` gives the time live values are computed at."""
    cluster_routes = [
        Route("/exporters/{job}/{target}/metrics", metrics, methods=["GET"]),
        Route("/_sim/access-log", access_log_endpoint, methods=["GET"]),
        Mount("/loki", routes=loki_routes()),
        Mount("/tempo", routes=tempo_routes()),
        *kube_api_routes(),
        Route("/{rest:path}", not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ]
    app = Starlette(
        routes=[
            Route("/", index, methods=["GET"]),
            Route("/_sim/access-log", access_log_endpoint, methods=["GET"]),
            Mount("/clusters/{cluster}", routes=cluster_routes),
        ]
    )
    state = SimState(dict(models), clock)
    app.state.sim = state
    app.add_middleware(AccessLogMiddleware, log=state.access)
    return app
