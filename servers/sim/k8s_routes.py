"""The Kubernetes API paths of a simulated cluster: discovery, list/get of every served resource, pod logs.

  GET /api, /api/v1, /apis, /apis/{group}, /apis/{group}/{version}        discovery documents
  GET /api/v1/{plural}[/{name}], /api/v1/namespaces/{ns}/{plural}[/{name}] core resources
  GET /apis/{group}/{version}/... (same shapes)                            group resources
  GET /api/v1/namespaces/{ns}/pods/{name}/log                              container logs (see k8s_podlog)
Lists honour `labelSelector`, `fieldSelector`, `limit` and `continue`. The simulated caller is a read-only
service account: any write, and exec/attach/port-forward/proxy, is 403 Forbidden. Errors are `Status`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from servers.sim.k8s_catalog import Resource, api_group, api_group_list, api_resource_list, api_versions, catalog
from servers.sim.k8s_common import resource_version
from servers.sim.k8s_podlog import pod_log
from servers.sim.k8s_select import (
    SelectorError,
    decode_continue,
    encode_continue,
    field_selector,
    label_selector,
    object_key,
)
from servers.sim.model import ClusterModel
from servers.sim.state import kube_status, sim_state

__all__ = ["kube_resource_routes"]

USER = "system:serviceaccount:aiops:aiops-reader"
_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}
_FORBIDDEN_SUBRESOURCES = {"exec", "attach", "portforward", "proxy", "eviction", "binding"}


def _not_found(request: Request) -> JSONResponse:
    return kube_status(404, "NotFound", "the server could not find the requested resource")


def _forbidden(r: Resource, verb: str, name: str | None, ns: str | None, sub: str | None = None) -> JSONResponse:
    what = f'{r.plural} "{name}"' if name else r.plural
    resource = f"{r.plural}/{sub}" if sub else r.plural
    where = f' in the namespace "{ns}"' if ns else " at the cluster scope"
    message = f'{what} is forbidden: User "{USER}" cannot {verb} resource "{resource}" in API group "{r.group}"{where}'
    return kube_status(403, "Forbidden", message)


def _parse(rest: list[str], resources: dict[str, Resource]) -> tuple[str | None, str, str | None, str | None] | None:
    """(namespace, plural, name, subresource) of a resource path, or None."""
    if len(rest) >= 3 and rest[0] == "namespaces" and rest[2] in resources:
        ns, tail = rest[1], rest[2:]
    else:
        ns, tail = None, rest
    if not tail or len(tail) > 3:
        return None
    return ns, tail[0], tail[1] if len(tail) > 1 else None, tail[2] if len(tail) > 2 else None


async def _dispatch(request: Request, segments: list[str], core: bool) -> Response:
    model = sim_state(request).models.get(request.path_params["cluster"])
    if model is None:
        return kube_status(404, "NotFound", f'cluster "{request.path_params["cluster"]}" is not part of the fleet')
    if core and len(segments) <= 1:
        doc = api_versions(model) if not segments else api_resource_list(model, segments[0])
        return JSONResponse(doc) if doc is not None and request.method == "GET" else _not_found(request)
    if not core and len(segments) <= 2:
        doc = (
            api_group_list(model)
            if not segments
            else api_group(model, segments[0])
            if len(segments) == 1
            else api_resource_list(model, "/".join(segments))
        )
        return JSONResponse(doc) if doc is not None and request.method == "GET" else _not_found(request)
    group_version, rest = (segments[0], segments[1:]) if core else ("/".join(segments[:2]), segments[2:])
    resources = {r.plural: r for r in catalog(model) if r.group_version == group_version}
    parsed = _parse(rest, resources)
    if parsed is None or parsed[1] not in resources:
        return _not_found(request)
    ns, plural, name, sub = parsed
    r = resources[plural]
    if (ns is not None) != r.namespaced and not (ns is None and name is None and r.namespaced):
        return _not_found(request)
    if request.method != "GET" or sub in _FORBIDDEN_SUBRESOURCES:
        return _forbidden(r, _VERBS.get(request.method, "create"), name, ns, sub)
    t = sim_state(request).clock()
    if sub == "log" and plural == "pods" and ns is not None and name is not None:
        return pod_log(model, ns, name, dict(request.query_params), t)
    if sub not in (None, "status"):
        return _not_found(request)
    if name is not None:
        return _get(model, r, ns, name, t)
    return _list(model, r, ns, request, t)


def _get(model: ClusterModel, r: Resource, ns: str | None, name: str, t: float) -> Response:
    for obj in r.build(model, t):
        if obj["metadata"]["name"] == name and obj["metadata"].get("namespace") == ns:
            return JSONResponse({"kind": r.kind, "apiVersion": r.group_version} | obj)
    status = kube_status(404, "NotFound", f'{r.plural}{"." + r.group if r.group else ""} "{name}" not found')
    return status


def _list(model: ClusterModel, r: Resource, ns: str | None, request: Request, t: float) -> Response:
    params = request.query_params
    rv = resource_version(t)
    start = ""
    try:
        if params.get("continue"):
            rv, start = decode_continue(params["continue"])
            t = int(rv) / 10
        limit = int(params.get("limit") or 0)
        objects = [o for o in r.build(model, t) if ns is None or o["metadata"].get("namespace") == ns]
        if params.get("labelSelector"):
            objects = [o for o in objects if label_selector(params["labelSelector"])(o)]
        if params.get("fieldSelector"):
            match = field_selector(params["fieldSelector"], objects[0] if objects else None)
            objects = [o for o in objects if match(o)]
    except (SelectorError, ValueError) as exc:
        return kube_status(400, "BadRequest", str(exc))
    objects.sort(key=object_key)
    objects = [o for o in objects if object_key(o) >= start]
    meta: dict[str, Any] = {"resourceVersion": rv}
    if limit > 0 and len(objects) > limit:
        meta["continue"] = encode_continue(rv, object_key(objects[limit - 1]))
        meta["remainingItemCount"] = len(objects) - limit
        objects = objects[:limit]
    return JSONResponse({"kind": f"{r.kind}List", "apiVersion": r.group_version, "metadata": meta, "items": objects})


async def core_api(request: Request) -> Response:
    """Everything under /api."""
    rest = request.path_params.get("rest", "")
    return await _dispatch(request, [s for s in rest.split("/") if s], core=True)


async def group_api(request: Request) -> Response:
    """Everything under /apis."""
    rest = request.path_params.get("rest", "")
    return await _dispatch(request, [s for s in rest.split("/") if s], core=False)


def kube_resource_routes() -> list[BaseRoute]:
    """The resource routes, relative to a cluster's API base URL."""
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    return [
        Route("/api", core_api, methods=methods),
        Route("/api/{rest:path}", core_api, methods=methods),
        Route("/apis", group_api, methods=methods),
        Route("/apis/{rest:path}", group_api, methods=methods),
    ]
