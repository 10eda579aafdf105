"""Kubernetes-API-shaped endpoints of each simulated cluster, mounted under `/clusters/{cluster}`.

`/version` (the real `version.Info` shape), the health probes `/readyz`, `/livez`, `/healthz`, and the
resource paths of `k8s_routes` (discovery, list/get of every served resource, pod logs).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from servers.sim.k8s_routes import kube_resource_routes
from servers.sim.model import ClusterModel
from servers.sim.signals import stable_key
from servers.sim.state import kube_status, sim_state

__all__ = ["kube_api_routes", "version_info"]


def version_info(model: ClusterModel) -> dict[str, str]:
    """The body of `GET /version` for a cluster, as an OpenShift API server returns it."""
    rel = model.spec.release
    commit = "".join(f"{stable_key('commit', rel.git_version, i):016x}" for i in range(3))[:40]
    return {
        "major": "1",
        "minor": str(rel.kube_minor),
        "gitVersion": rel.git_version,
        "gitCommit": commit,
        "gitTreeState": "clean",
        "buildDate": rel.build_date,
        "goVersion": rel.go_version,
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def _model(request: Request) -> ClusterModel | None:
    return sim_state(request).models.get(request.path_params["cluster"])


def _unknown(request: Request) -> Response:
    name = request.path_params["cluster"]
    return kube_status(404, "NotFound", f'cluster "{name}" is not part of the simulated fleet')


async def version(request: Request) -> Response:
    """GET /version: the Kubernetes version of the cluster."""
    model = _model(request)
    return _unknown(request) if model is None else JSONResponse(version_info(model))


async def probe(request: Request) -> Response:
    """GET /readyz, /livez, /healthz: `ok` as text, like the API server."""
    if _model(request) is None:
        return _unknown(request)
    return PlainTextResponse("ok")


def kube_api_routes() -> list[BaseRoute]:
    """The Kubernetes-shaped routes, relative to a cluster's base URL."""
    return [
        Route("/version", version, methods=["GET"]),
        Route("/readyz", probe, methods=["GET"]),
        Route("/livez", probe, methods=["GET"]),
        Route("/healthz", probe, methods=["GET"]),
        *kube_resource_routes(),
    ]
