"""Tempo-shaped HTTP endpoints of a simulated cluster, mounted at `/clusters/{cluster}/tempo`.

GET /api/search (TraceQL `q`, or `tags` logfmt with `minDuration`/`maxDuration`; `start`/`end` Unix
seconds, default the last hour; `limit` 20; `spss` 3), /api/traces/{id}, /api/v2/traces/{id},
/api/search/tags, /api/v2/search/tags, /api/search/tag/{tag}/values, /api/v2/search/tag/{tag}/values,
/api/echo, /api/status/buildinfo and /ready. Errors are plain text, like Tempo's.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from servers.sim.logql_ast import parse_duration
from servers.sim.model import ClusterModel
from servers.sim.requests import Request as SimRequest
from servers.sim.requests import find_request
from servers.sim.state import sim_state
from servers.sim.traceql import INTRINSICS, Query, TraceQLError, matching_spans, parse_traceql, referenced
from servers.sim.traces import iter_requests, otlp_trace, search_hit, span_views, tag_scopes

__all__ = ["tempo_routes"]

MAX_SEARCH_S = 86400.0
_SCAN_CAP = 200_000


class _BadRequestError(Exception):
    pass


def _model(request: Request) -> ClusterModel | None:
    return sim_state(request).models.get(request.path_params["cluster"])


def _int(params: Mapping[str, str], name: str, default: int) -> int:
    raw = params.get(name, "")
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise _BadRequestError(f"invalid {name}: strconv.Atoi: parsing {raw!r}: invalid syntax") from None
    if value <= 0:
        raise _BadRequestError(f"invalid {name}: must be a positive number")
    return value


def _window(params: Mapping[str, str], now: float) -> tuple[float, float]:
    start, end = _int(params, "start", int(now - 3600)), _int(params, "end", int(now) + 1)
    if start > end:
        raise _BadRequestError(f"http parameter start must be before end. received start={start} end={end}")
    if end - start > MAX_SEARCH_S:
        raise _BadRequestError(f"range specified by start and end exceeds 24h0m0s. received start={start} end={end}")
    return float(start), float(end)


Matcher = Callable[[SimRequest], list[int] | None]


def _tags_matcher(params: Mapping[str, str]) -> Matcher:
    tags = dict(re.findall(r'([^\s=]+)=("(?:[^"\\]|\\.)*"|\S*)', params.get("tags", "")))
    wanted = {k: v.strip('"').lower() for k, v in tags.items()}
    lo = parse_duration(params["minDuration"]) if params.get("minDuration") else 0.0
    hi = parse_duration(params["maxDuration"]) if params.get("maxDuration") else float("inf")

    def match(req: SimRequest) -> list[int] | None:
        views = span_views(req)
        if not lo <= float(views[0].value("traceDuration") or 0.0) <= hi:
            return None
        hits = [i for i, v in enumerate(views) if all(wanted[k] in str(v.value("." + k)).lower() for k in wanted)]
        return hits or None

    return match


def _traceql_matcher(query: Query) -> Matcher:
    def match(req: SimRequest) -> list[int] | None:
        return matching_spans(query, list(span_views(req)))

    return match


async def search(request: Request) -> Response:
    """GET /api/search: the most recent traces matching the query, newest first."""
    model = _model(request)
    if model is None:
        return PlainTextResponse("404 page not found\n", status_code=404)
    params = dict(request.query_params)
    began = time.perf_counter()
    try:
        limit, spss = _int(params, "limit", 20), _int(params, "spss", 3)
        start, end = _window(params, sim_state(request).clock())
        if params.get("q") and params.get("tags"):
            raise _BadRequestError("invalid request: cannot specify both query and tags")
        query = parse_traceql(params["q"]) if params.get("q") else None
        match = _tags_matcher(params) if query is None else _traceql_matcher(query)
    except (_BadRequestError, TraceQLError, ValueError) as exc:
        return PlainTextResponse(f"{exc}\n", status_code=400)
    conds = referenced(query) if query is not None else []
    hits, inspected, size = [], 0, 0
    for req in iter_requests(model, start, end):
        inspected += 1
        size += 120 * len(req.spans)
        matched = match(req)
        if matched is not None:
            hits.append(search_hit(req, matched, conds, spss))
        if len(hits) >= limit or inspected >= _SCAN_CAP:
            break
    metrics = {"inspectedTraces": inspected, "inspectedBytes": str(size), "totalBlocks": 0, "completedJobs": 1}
    metrics |= {"totalJobs": 1, "elapsedMs": round((time.perf_counter() - began) * 1000)}
    return JSONResponse({"traces": hits, "metrics": metrics})


async def trace(request: Request) -> Response:
    """GET /api/traces/{id} (and /api/v2/traces/{id}): the whole trace as OTLP JSON, or 404."""
    model = _model(request)
    if model is None:
        return PlainTextResponse("404 page not found\n", status_code=404)
    hex_id = request.path_params["trace_id"]
    if not re.fullmatch(r"[0-9a-fA-F]{1,32}", hex_id):
        return PlainTextResponse(f"invalid TraceID: {hex_id}\n", status_code=400)
    found = find_request(model, hex_id)
    if found is None:
        return PlainTextResponse("trace not found\n", status_code=404)
    return JSONResponse(otlp_trace(found, v2=request.url.path.rstrip("/").split("/")[-3] == "v2"))


_INTRINSIC_TAGS = sorted({*INTRINSICS, "span:name", "span:kind", "span:status", "span:duration", "trace:duration"})


async def tags(request: Request) -> Response:
    """GET /api/search/tags (flat `tagNames`) and /api/v2/search/tags (`scopes`), optional `scope`."""
    model = _model(request)
    if model is None:
        return PlainTextResponse("404 page not found\n", status_code=404)
    scopes = {**tag_scopes(model), "intrinsic": _INTRINSIC_TAGS}
    wanted = request.query_params.get("scope", "all")
    if wanted not in ("all", *scopes):
        return PlainTextResponse(f"invalid scope: {wanted}\n", status_code=400)
    chosen = {k: v for k, v in scopes.items() if wanted in ("all", k)}
    metrics = {"inspectedBytes": "0"}
    if "/v2/" in request.url.path:
        return JSONResponse({"scopes": [{"name": k, "tags": v} for k, v in chosen.items()], "metrics": metrics})
    flat = sorted({t for k, v in chosen.items() if k != "intrinsic" or wanted == "intrinsic" for t in v})
    return JSONResponse({"tagNames": flat, "metrics": metrics})


async def tag_values(request: Request) -> Response:
    """GET /api/search/tag/{tag}/values (v1: unscoped name) and /api/v2/... (TraceQL identifier, typed)."""
    model = _model(request)
    if model is None:
        return PlainTextResponse("404 page not found\n", status_code=404)
    tag = request.path_params["tag"]
    v2 = "/v2/" in request.url.path
    attr = tag if v2 else f".{tag}"
    try:
        start, end = _window(dict(request.query_params), sim_state(request).clock())
        limit = _int(dict(request.query_params), "limit", 1000)
    except _BadRequestError as exc:
        return PlainTextResponse(f"{exc}\n", status_code=400)
    values: dict[str, str | float | bool] = {}
    for n, req in enumerate(iter_requests(model, start, end)):
        for view in span_views(req):
            value = view.value(attr)
            if value is not None:
                text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
                values.setdefault(text, value)
        if n >= 3000 or len(values) >= limit:
            break
    if not v2:
        return JSONResponse({"tagValues": sorted(values), "metrics": {"inspectedBytes": "0"}})
    typed = []
    for text, value in sorted(values.items()):
        if attr in ("status", "kind"):
            kind = "keyword"
        elif attr in ("duration", "traceDuration"):
            kind = "duration"
        elif isinstance(value, bool):
            kind = "bool"
        elif isinstance(value, float):
            kind = "int" if value.is_integer() else "float"
        else:
            kind = "string"
        typed.append({"type": kind, "value": text})
    return JSONResponse({"tagValues": typed, "metrics": {"inspectedBytes": "0"}})


async def echo(request: Request) -> Response:
    """GET /api/echo: `echo`, Grafana's data source test."""
    return PlainTextResponse("echo")


async def ready(request: Request) -> Response:
    """GET /ready: `ready`."""
    return PlainTextResponse("ready\n")


async def buildinfo(request: Request) -> Response:
    """GET /api/status/buildinfo."""
    info = {"version": "2.6.1", "revision": "1a8d4e7", "branch": "HEAD", "buildUser": "root@sim"}
    return JSONResponse(info | {"buildDate": "2024-10-22T12:00:00Z", "goVersion": "go1.23.2"})


def tempo_routes() -> list[BaseRoute]:
    """The Tempo routes, relative to a cluster's Tempo base URL."""
    return [
        Route("/ready", ready, methods=["GET"]),
        Route("/api/echo", echo, methods=["GET"]),
        Route("/api/status/buildinfo", buildinfo, methods=["GET"]),
        Route("/api/search", search, methods=["GET"]),
        Route("/api/traces/{trace_id}", trace, methods=["GET"]),
        Route("/api/v2/traces/{trace_id}", trace, methods=["GET"]),
        Route("/api/search/tags", tags, methods=["GET"]),
        Route("/api/v2/search/tags", tags, methods=["GET"]),
        Route("/api/search/tag/{tag}/values", tag_values, methods=["GET"]),
        Route("/api/v2/search/tag/{tag}/values", tag_values, methods=["GET"]),
    ]
