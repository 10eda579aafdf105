"""Loki-shaped HTTP endpoints of a simulated cluster, mounted at `/clusters/{cluster}/loki`.

GET (and POST form) /loki/api/v1/query_range, /query, /labels, /label/{name}/values, /series,
/index/stats, /status/buildinfo and GET /ready. Parameters, defaults, limits and error texts follow Loki:
`limit` 100 (max 5000), `direction` backward, `start` one hour before `end` (labels: six hours), times as
Unix ns, Unix s (<= 10 digits), float s or RFC 3339; errors are HTTP 400 with a plain-text body.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from servers.sim.logql import parse_logql
from servers.sim.logql_ast import LogQLError, LogQuery, parse_duration
from servers.sim.logql_eval import Labels, QueryStats, eval_metric, select_lines, select_streams
from servers.sim.logs import LogStream, iter_entries, log_streams
from servers.sim.state import sim_state

__all__ = ["loki_routes"]

MAX_ENTRIES = 5000
MAX_QUERY_S = 86400.0  # the simulator's max_query_length: 1d
_MAX_POINTS = 11000
_INSTANT_LOG_QUERY = (
    "log queries are not supported as an instant query type, please change your query to a range query type"
)
_TOO_MANY_POINTS = (
    "exceeded maximum resolution of 11,000 points per timeseries. Try increasing the value of the step parameter"
)


class BadRequestError(Exception):
    """A request Loki would answer with HTTP 400 and this text."""


def _time(params: Mapping[str, str], name: str, default: float) -> float:
    value = params.get(name, "")
    if not value:
        return default
    try:
        if "." in value:
            return float(value)
        number = int(value)
        return float(number) if len(value) <= 10 else number / 1e9
    except ValueError:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            raise BadRequestError(f"could not parse '{name}' parameter: strconv.ParseInt: parsing {value!r}: "
                             "invalid syntax") from None  # fmt: skip


def _range(params: Mapping[str, str], now: float, default_s: float) -> tuple[float, float]:
    end = _time(params, "end", now)
    since = params.get("since")
    start = _time(params, "start", end - (parse_duration(since) if since else default_s))
    if end < start:
        raise BadRequestError("end timestamp must not be before or equal to start time")
    if end - start > MAX_QUERY_S:
        hours = (end - start) / 3600
        raise BadRequestError(f"the query time range exceeds the limit (query length: {hours:.0f}h0m0s, limit: 1d)")
    return start, end


def _limit(params: Mapping[str, str]) -> int:
    try:
        limit = int(params.get("limit") or 100)
    except ValueError:
        raise BadRequestError(f"strconv.ParseInt: parsing {params['limit']!r}: invalid syntax") from None
    if limit <= 0:
        raise BadRequestError("limit must be a positive value")
    if limit > MAX_ENTRIES:
        raise BadRequestError(
            f"max entries limit per query exceeded, limit > max_entries_limit ({limit} > {MAX_ENTRIES})"
        )
    return limit


def _backward(params: Mapping[str, str]) -> bool:
    direction = params.get("direction", "backward").lower()
    if direction not in ("forward", "backward"):
        raise BadRequestError(f"invalid direction '{params['direction']}'")
    return direction == "backward"


def _number(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def _ts(t: float) -> float | int:
    return int(t) if float(t).is_integer() else round(t, 3)


def _stats(stats: QueryStats, began: float) -> dict[str, Any]:
    elapsed = max(time.perf_counter() - began, 1e-6)
    store = {
        "totalChunksRef": 0,
        "totalChunksDownloaded": 0,
        "chunksDownloadTime": 0,
        "queryReferencedStructured": False,
    }
    summary = {
        "bytesProcessedPerSecond": int(stats.bytes / elapsed), "linesProcessedPerSecond": int(stats.lines / elapsed),
        "totalBytesProcessed": stats.bytes, "totalLinesProcessed": stats.lines, "execTime": elapsed,
        "queueTime": 0, "subqueries": 0, "totalEntriesReturned": stats.returned, "splits": 1, "shards": 1,
        "totalPostFilterLines": stats.returned, "totalStructuredMetadataBytesProcessed": 0,
    }  # fmt: skip
    ingester = {"totalReached": 1, "totalChunksMatched": 0, "totalBatches": 1, "totalLinesSent": stats.lines}
    return {"summary": summary, "querier": {"store": store}, "ingester": {**ingester, "store": store}, "cache": {}}


async def _params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method == "POST":
        params |= {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    return params


def _streams(request: Request) -> tuple[LogStream, ...] | None:
    model = sim_state(request).models.get(request.path_params["cluster"])
    return None if model is None else log_streams(model)


async def _query(request: Request, instant: bool) -> Response:
    began = time.perf_counter()
    streams = _streams(request)
    if streams is None:
        return PlainTextResponse("404 page not found\n", status_code=404)
    params = await _params(request)
    now = sim_state(request).clock()
    try:
        expr = parse_logql(params.get("query", ""))
        stats = QueryStats()
        if isinstance(expr, LogQuery):
            if instant:
                raise BadRequestError(_INSTANT_LOG_QUERY)
            start, end = _range(params, now, 3600.0)
            lines = select_lines(streams, expr, start, end, _limit(params), _backward(params), stats)
            grouped: dict[Labels, list[list[str]]] = {}
            for labels, ns, line in lines:
                grouped.setdefault(labels, []).append([str(ns), line])
            result: Any = [{"stream": dict(k), "values": v} for k, v in grouped.items()]
            kind = "streams"
        elif instant:
            at = _time(params, "time", now)
            values = eval_metric(streams, expr, [at], stats)
            if isinstance(values, float):
                kind, result = "scalar", [_ts(at), _number(values)]
            else:
                kind = "vector"
                result = [{"metric": dict(k), "value": [_ts(at), _number(v)]} for k, v in values[0].items()]
        else:
            start, end = _range(params, now, 3600.0)
            step = _step(params, start, end)
            steps = [start + i * step for i in range(int((end - start) // step) + 1)]
            values = eval_metric(streams, expr, steps, stats)
            vectors: list[dict[Labels, float]] = [{(): values}] * len(steps) if isinstance(values, float) else values
            series: dict[Labels, list[list[Any]]] = {}
            for t, vec in zip(steps, vectors, strict=True):
                for k, v in vec.items():
                    series.setdefault(k, []).append([_ts(t), _number(v)])
            kind, result = "matrix", [{"metric": dict(k), "values": v} for k, v in series.items()]
    except (LogQLError, BadRequestError, ValueError) as exc:
        return PlainTextResponse(str(exc), status_code=400)
    data = {"resultType": kind, "result": result, "stats": _stats(stats, began)}
    return JSONResponse({"status": "success", "data": data})


def _step(params: Mapping[str, str], start: float, end: float) -> float:
    raw = params.get("step", "")
    step = float(max(math.floor((end - start) / 250), 1))
    if raw:
        step = float(raw) if raw.replace(".", "", 1).isdigit() else parse_duration(raw)
    if step <= 0:
        raise BadRequestError("zero or negative query resolution step widths are not accepted. Try a positive integer")
    if (end - start) / step > _MAX_POINTS:
        raise BadRequestError(_TOO_MANY_POINTS)
    return step


async def query_range(request: Request) -> Response:
    """GET /loki/api/v1/query_range: streams for log queries, a matrix for metric queries."""
    return await _query(request, instant=False)


async def query(request: Request) -> Response:
    """GET /loki/api/v1/query: a metric query at one instant (log queries are rejected, like Loki 3)."""
    return await _query(request, instant=True)


def _selected(streams: tuple[LogStream, ...], selectors: list[str]) -> list[LogStream]:
    if not selectors:
        return list(streams)
    found: dict[Labels, LogStream] = {}
    for text in selectors:
        expr = parse_logql(text)
        if not isinstance(expr, LogQuery):
            raise BadRequestError("only label matchers are supported")
        found |= {s.labels: s for s in select_streams(streams, expr)}
    return list(found.values())


async def _metadata(request: Request, what: str) -> Response:
    streams = _streams(request)
    if streams is None:
        return PlainTextResponse("404 page not found\n", status_code=404)
    params = await _params(request)
    try:
        _range(params, sim_state(request).clock(), 6 * 3600.0)
        if what == "series":
            selectors = request.query_params.getlist("match[]") or request.query_params.getlist("match")
            if request.method == "POST":
                selectors += [str(v) for v in (await request.form()).getlist("match[]")]
            if not selectors:
                raise BadRequestError("at least one match[] argument required")
            data: Any = [dict(s.labels) for s in _selected(streams, selectors)]
        else:
            chosen = _selected(streams, [params["query"]] if params.get("query") else [])
            if what == "labels":
                data = sorted({k for s in chosen for k, _ in s.labels})
            else:
                data = sorted({v for s in chosen for k, v in s.labels if k == request.path_params["name"]})
    except (LogQLError, BadRequestError, ValueError) as exc:
        return PlainTextResponse(str(exc), status_code=400)
    return JSONResponse({"status": "success", "data": data})


async def labels(request: Request) -> Response:
    """GET /loki/api/v1/labels: every label name of the streams (matching `query`, if given)."""
    return await _metadata(request, "labels")


async def label_values(request: Request) -> Response:
    """GET /loki/api/v1/label/{name}/values: the values of one label."""
    return await _metadata(request, "values")


async def series(request: Request) -> Response:
    """GET/POST /loki/api/v1/series: the label sets of the streams matching any `match[]` selector."""
    return await _metadata(request, "series")


async def index_stats(request: Request) -> Response:
    """GET /loki/api/v1/index/stats: streams, chunks, entries and bytes a selector covers in the range."""
    streams = _streams(request)
    if streams is None:
        return PlainTextResponse("404 page not found\n", status_code=404)
    params = await _params(request)
    try:
        start, end = _range(params, sim_state(request).clock(), 3600.0)
        chosen = _selected(streams, [params.get("query", "")])
    except (LogQLError, BadRequestError, ValueError) as exc:
        return PlainTextResponse(str(exc), status_code=400)
    entries = [line for s in chosen for _, line in iter_entries(s, start, end, backward=False)]
    size = sum(len(line) for line in entries)
    chunks = sum(1 for _ in chosen) * max(1, math.ceil((end - start) / 7200))
    return JSONResponse({"streams": len(chosen), "chunks": chunks, "entries": len(entries), "bytes": size})


async def ready(request: Request) -> Response:
    """GET /ready: `ready`, as a Loki that can serve queries answers."""
    return PlainTextResponse("ready\n")


async def buildinfo(request: Request) -> Response:
    """GET /loki/api/v1/status/buildinfo."""
    info = {"version": "3.3.2", "revision": "23b5fc2c", "branch": "HEAD", "buildUser": "root@sim",
            "buildDate": "2024-12-18T12:00:00Z", "goVersion": "go1.23.4"}  # fmt: skip
    return JSONResponse(info)


def loki_routes() -> list[BaseRoute]:
    """The Loki routes, relative to a cluster's Loki base URL."""
    both = ["GET", "POST"]
    return [
        Route("/ready", ready, methods=["GET"]),
        Route("/loki/api/v1/query_range", query_range, methods=both),
        Route("/loki/api/v1/query", query, methods=both),
        Route("/loki/api/v1/labels", labels, methods=both),
        Route("/loki/api/v1/label", labels, methods=both),
        Route("/loki/api/v1/label/{name}/values", label_values, methods=both),
        Route("/loki/api/v1/series", series, methods=both),
        Route("/loki/api/v1/index/stats", index_stats, methods=both),
        Route("/loki/api/v1/status/buildinfo", buildinfo, methods=["GET"]),
    ]
