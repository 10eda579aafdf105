"""An async client for the Tempo HTTP API (query-frontend endpoints): search, trace by id, tag values.

One :class:`TempoClient` talks to one :class:`~tools.targets.BackendTarget` through an injected ``httpx.AsyncClient``.
Tempo answers errors as plain text (a TraceQL parse error is HTTP 400 with the parser's message); every failure
becomes a :class:`~tools.errors.BackendError` carrying that text verbatim, the cluster, the query and a hint; a
client-side timeout (or Tempo's own 504) becomes :class:`~tools.errors.BackendTimeoutError` so fan-out reports it as
``timeout``. A trace id Tempo does not know (HTTP 404) is not an error here: :meth:`TempoClient.trace` returns
``None`` and the caller says what was searched where.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

import httpx

from tools.errors import BackendError, BackendTimeoutError
from tools.targets import BackendTarget, display_url, redact
from tools.timespec import format_rfc3339
from tools.transport import TRANSPORT_ERRORS, FailureHints, transport_error

__all__ = ["SearchHit", "TagValue", "TempoClient"]

_HINTS = FailureHints(
    timeout="Narrow the time range or the TraceQL query, or retry later.",
    unreachable="Check the cluster's tempo URL, TLS settings and network reachability in the fleet registry.",
    endpoint="Fix the cluster's tempo endpoint in the fleet registry (aiops cluster remove/add).",
)

_BODY_LIMIT = 1000
_HTTP_GRACE_S = 2.0
# v2 tag values may be missing (Tempo < 2.1: 404) or refuse an identifier v1 accepts (unscoped ``service.name``: 400).
_V2_FALLBACK_STATUSES = (400, 404, 405, 501)


@dataclass(frozen=True)
class SearchHit:
    """One trace of a search answer, as Tempo summarises it (``spanSets`` reduced to what the tools use)."""

    trace_id: str
    root_service: str | None
    root_name: str | None
    start_ns: int
    duration_ms: float
    span_count: int | None = None  # from ``serviceStats`` (Tempo >= 2.5), else unknown
    error_spans: int | None = None  # idem
    error: bool | None = None  # True: an error span is known; False: serviceStats says none; None: unknown
    matched: list[tuple[str, int]] = field(default_factory=list)  # (span id, duration ns) of matched spans


@dataclass(frozen=True)
class TagValue:
    """One value of a tag; ``type`` is Tempo's (string, int, float, bool, duration, status, kind), v1 says string."""

    value: str
    type: str = "string"


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _parse_hit(raw: dict[str, Any]) -> SearchHit:
    span_sets = list(raw.get("spanSets") or [])
    if raw.get("spanSet") and not span_sets:  # deprecated single span set of older Tempo versions
        span_sets = [raw["spanSet"]]
    matched: list[tuple[str, int]] = []
    error = False
    for span_set in span_sets:
        for span in span_set.get("spans") or []:
            matched.append((str(span.get("spanID", "")), _int(span.get("durationNanos"))))
            for attr in span.get("attributes") or []:
                if attr.get("key") == "status" and (attr.get("value") or {}).get("stringValue") == "error":
                    error = True
    stats = raw.get("serviceStats")
    span_count = error_spans = None
    if isinstance(stats, dict) and stats:
        span_count = sum(_int(s.get("spanCount")) for s in stats.values() if isinstance(s, dict))
        error_spans = sum(_int(s.get("errorCount")) for s in stats.values() if isinstance(s, dict))
        error = error or error_spans > 0
    duration = raw.get("durationMs")
    return SearchHit(
        trace_id=str(raw.get("traceID", "")),
        root_service=raw.get("rootServiceName"),
        root_name=raw.get("rootTraceName"),
        start_ns=_int(raw.get("startTimeUnixNano")),
        # Tempo omits durationMs for sub-millisecond traces (proto3 drops zeros).
        duration_ms=float(duration) if duration is not None else 0.0,
        span_count=span_count,
        error_spans=error_spans,
        error=True if error else (False if span_count is not None else None),
        matched=matched,
    )


class TempoClient:
    """Typed calls to one Tempo query-frontend. Build one per target per call; it holds no connections."""

    def __init__(self, http: httpx.AsyncClient, target: BackendTarget, *, timeout: float = 30.0) -> None:
        self._http = http
        self._target = target
        self._timeout = timeout
        self._where = display_url(target.base_url)

    @property
    def target(self) -> BackendTarget:
        """The endpoint this client talks to."""
        return self._target

    async def search(self, q: str, *, start: int, end: int, limit: int, spss: int = 3) -> list[SearchHit]:
        """Traces matching the TraceQL query ``q`` in ``[start, end]`` (unix seconds): Tempo's first ``limit``."""
        params = {"q": q, "start": str(start), "end": str(end), "limit": str(limit), "spss": str(spss)}
        body = await self._get_json("api/search", params=params, query=q, time_range=_range(start, end))
        traces = body.get("traces") if isinstance(body, dict) else None
        if traces is None:
            return []
        if not isinstance(traces, list):
            raise self._shape_error("search", body, q)
        return [_parse_hit(t) for t in traces if isinstance(t, dict) and t.get("traceID")]

    async def trace(self, trace_id: str, *, start: int | None = None, end: int | None = None) -> dict[str, Any] | None:
        """The trace as Tempo's OTLP JSON (``batches``/``resourceSpans``), or ``None`` when Tempo has no such id."""
        params = {"start": str(start), "end": str(end)} if start is not None and end is not None else None
        where = _range(start, end) if start is not None and end is not None else None
        response = await self._send(f"api/traces/{quote(trace_id, safe='')}", params, query=trace_id, time_range=where)
        if response.status_code == 404:
            return None
        body = self._json(response, query=trace_id, time_range=where)
        if not isinstance(body, dict):
            raise self._shape_error("trace", body, trace_id)
        return body

    async def tag_values(
        self, tag: str, *, q: str | None, start: int, end: int, limit: int
    ) -> tuple[list[TagValue], Literal["v2", "v1"]]:
        """Values of ``tag`` in ``[start, end]``: the v2 API (typed, filtered by ``q``), else v1 (strings)."""
        params = {"start": str(start), "end": str(end), "limit": str(limit)}
        v2_params = {**params, "q": q} if q else params
        where = _range(start, end)
        path = quote(tag, safe="")
        response = await self._send(f"api/v2/search/tag/{path}/values", v2_params, query=q or tag, time_range=where)
        if response.status_code not in _V2_FALLBACK_STATUSES:
            body = self._json(response, query=q or tag, time_range=where)
            return [_tag_value(v) for v in _tag_list(body, self._shape_error("tag values", body, tag))], "v2"
        v2_error = self._error_for(response, query=q or tag, time_range=where)
        fallback = await self._send(f"api/search/tag/{path}/values", params, query=tag, time_range=where)
        if fallback.status_code >= 300 and response.status_code == 400:
            raise v2_error  # the v2 parser's message is the one that explains an identifier v1 does not know either
        body = self._json(fallback, query=tag, time_range=where)
        return [_tag_value(v) for v in _tag_list(body, self._shape_error("tag values", body, tag))], "v1"

    # -- plumbing ------------------------------------------------------------------------------------------

    def _ctx(self, query: str | None, time_range: str | None) -> dict[str, Any]:
        return {"backend": "tempo", "cluster": self._target.cluster, "query": query, "time_range": time_range}

    def _scrub(self, text: str) -> str:
        return redact(text.replace(self._target.base_url, self._where), self._target.auth.secret_values())

    def _shape_error(self, what: str, body: Any, query: str | None) -> BackendError:
        return BackendError(
            f"Tempo sent an unexpected {what} payload ({type(body).__name__})",
            **self._ctx(query, None),
            body=self._scrub(json.dumps(body)[:_BODY_LIMIT]),
            hint="Is the cluster's tempo URL the Tempo query-frontend (port 3200 or its route)?",
        )

    async def _get_json(self, path: str, *, params: dict[str, str], query: str | None, time_range: str | None) -> Any:
        response = await self._send(path, params, query=query, time_range=time_range)
        return self._json(response, query=query, time_range=time_range)

    def _json(self, response: httpx.Response, *, query: str | None, time_range: str | None) -> Any:
        if response.status_code >= 300:
            raise self._error_for(response, query=query, time_range=time_range)
        try:
            return response.json()
        except ValueError:
            raise BackendError(
                f"Tempo answered HTTP {response.status_code} with a body that is not JSON",
                **self._ctx(query, time_range),
                status=response.status_code,
                body=self._scrub(response.text[:_BODY_LIMIT]),
                hint="Is the cluster's tempo URL the Tempo API (not a console or login page)?",
            ) from None

    def _error_for(self, response: httpx.Response, *, query: str | None, time_range: str | None) -> BackendError:
        status = response.status_code
        text = self._scrub(response.text.strip()[:_BODY_LIMIT])
        ctx = self._ctx(query, time_range)
        if status in (401, 403):
            kind = self._target.auth.kind()
            return BackendError(
                f"Tempo refused the credentials (HTTP {status}): the {kind} sent was not accepted or lacks access",
                **ctx,
                status=status,
                body=text,
                hint="Check the cluster's stored credentials (and the tenant, for a multi-tenant Tempo gateway).",
            )
        if 300 <= status < 400:
            return BackendError(
                f"Tempo redirected to {response.headers.get('location', '?')!r} instead of answering",
                **ctx,
                status=status,
                hint="The tempo URL probably points at a login/OAuth proxy page; use the API route or a token.",
            )
        if status in (408, 504):
            return BackendTimeoutError(
                f"Tempo gave up on the request (HTTP {status})",
                **ctx,
                status=status,
                body=text,
                hint="Narrow the time range or the TraceQL query, or retry later.",
            )
        if status in (400, 422):
            return BackendError(
                "Tempo rejected the request",
                **ctx,
                status=status,
                body=text,
                hint="Fix the TraceQL or arguments: the text above is Tempo's own message. TraceQL looks like "
                '{ resource.service.name = "checkout" && duration > 500ms }.',
            )
        return BackendError(
            f"Tempo failed (HTTP {status})",
            **ctx,
            status=status,
            body=text,
            hint="The tracing backend failed; retry later or check the cluster's Tempo pods.",
        )

    async def _send(
        self, path: str, params: dict[str, str] | None, *, query: str | None, time_range: str | None
    ) -> httpx.Response:
        ctx = self._ctx(query, time_range)
        try:
            return await self._http.get(
                self._target.url(path),
                params=params,
                headers={"Accept": "application/json", **self._target.auth.headers()},
                auth=self._target.auth.httpx_auth() or httpx.USE_CLIENT_DEFAULT,
                timeout=self._timeout + _HTTP_GRACE_S,
            )
        except TRANSPORT_ERRORS as exc:
            raise transport_error(
                exc,
                backend="Tempo",
                where=self._where,
                scrub=self._scrub,
                context=ctx,
                hints=_HINTS,
                timeout_s=self._timeout,
            ) from exc


def _range(start: int | None, end: int | None) -> str:
    return f"{format_rfc3339(start or 0)} .. {format_rfc3339(end or 0)}"


def _tag_list(body: Any, error: BackendError) -> list[Any]:
    if not isinstance(body, dict):
        raise error
    values = body.get("tagValues")
    if values is None:
        return []
    if not isinstance(values, list):
        raise error
    return values


def _tag_value(raw: Any) -> TagValue:
    if isinstance(raw, dict):
        return TagValue(str(raw.get("value", "")), str(raw.get("type") or "string"))
    return TagValue(str(raw))
