"""The simulated requests as Tempo shows them: OTLP JSON traces, search hits and tag names/values.

`/api/traces/{id}` bodies follow Tempo's v1 marshalling of the OTLP proto: `batches` -> `scopeSpans` ->
`spans` with base64 `traceId`/`spanId`/`parentSpanId`, enum-named `kind`, string nanosecond times and
typed attribute values (`intValue` as a string). Search hits carry hex trace ids without leading zeros.
"""

from __future__ import annotations

import base64
import heapq
from collections.abc import Iterator
from typing import Any

from servers.sim.model import ClusterModel
from servers.sim.requests import Attr, Request, Span, request_sources, requests_between
from servers.sim.traceql import INTRINSICS, Cond

__all__ = ["SpanRef", "iter_requests", "otlp_trace", "resource_attrs", "search_hit", "span_views", "tag_scopes"]

_CHUNK_S = 300.0
_SCOPES = {
    "payments-api": ("go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp", "0.53.0", "go"),
    "storefront-web": ("@opentelemetry/instrumentation-http", "0.52.1", "nodejs"),
    "vllm-granite": ("opentelemetry.instrumentation.fastapi", "0.47b0", "python"),
}


def resource_attrs(req: Request) -> dict[str, Attr]:
    """The OTel resource of the service instance that served `req`."""
    src = req.source
    return {
        "service.name": src.service,
        "service.version": src.version,
        "k8s.cluster.name": src.cluster,
        "k8s.namespace.name": src.pod.namespace,
        "k8s.deployment.name": src.service,
        "k8s.pod.name": src.pod.name,
        "k8s.node.name": src.pod.node,
        "telemetry.sdk.language": _SCOPES[src.service][2],
    }


class SpanRef:
    """One span of a request, evaluated by TraceQL conditions (see `traceql.SpanView`)."""

    def __init__(self, req: Request, index: int, resource: dict[str, Attr]) -> None:
        self.req, self.span, self.resource = req, req.spans[index], resource
        self.attrs = dict(self.span.attrs)

    def value(self, attr: str) -> str | float | bool | None:
        """An intrinsic or attribute value (numbers as float, durations in seconds)."""
        s, req = self.span, self.req
        intrinsic: dict[str, str | float] = {
            "name": s.name, "status": "error" if s.error else "unset", "kind": s.kind,
            "duration": (s.end_ns - s.start_ns) / 1e9, "statusMessage": s.error or "",
            "rootName": req.spans[0].name, "rootServiceName": req.source.service,
            "traceDuration": (max(x.end_ns for x in req.spans) - req.start_ns) / 1e9,
        }  # fmt: skip
        if attr in INTRINSICS:
            return intrinsic[attr]
        scope, _, name = attr.partition(".")
        found = self.resource.get(name) if scope == "resource" else self.attrs.get(name)
        if scope == "" and found is None:
            found = self.resource.get(name)
        return float(found) if isinstance(found, int) and not isinstance(found, bool) else found


def span_views(req: Request) -> list[SpanRef]:
    """A TraceQL view of each span of `req`."""
    resource = resource_attrs(req)
    return [SpanRef(req, i, resource) for i in range(len(req.spans))]


def _value(v: Attr) -> dict[str, Any]:
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        return {"intValue": str(v)}
    if isinstance(v, float):
        return {"doubleValue": v}
    return {"stringValue": v}


def _attrs(items: dict[str, Attr] | tuple[tuple[str, Attr], ...]) -> list[dict[str, Any]]:
    pairs = items.items() if isinstance(items, dict) else items
    return [{"key": k, "value": _value(v)} for k, v in pairs]


def _b64(hex_id: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_id)).decode()


def _otlp_span(req: Request, s: Span) -> dict[str, Any]:
    span: dict[str, Any] = {"traceId": _b64(req.trace_id), "spanId": _b64(s.span_id)}
    if s.parent_id:
        span["parentSpanId"] = _b64(s.parent_id)
    span |= {
        "name": s.name,
        "kind": f"SPAN_KIND_{s.kind.upper()}",
        "startTimeUnixNano": str(s.start_ns),
        "endTimeUnixNano": str(s.end_ns),
        "attributes": _attrs(s.attrs),
        "status": {"code": "STATUS_CODE_ERROR", "message": s.error} if s.error else {},
    }
    return span


def otlp_trace(req: Request, *, v2: bool = False) -> dict[str, Any]:
    """The body of `GET /api/traces/{id}` (v1: `batches`) or of `/api/v2/traces/{id}` (`trace.resourceSpans`)."""
    name, version, _ = _SCOPES[req.source.service]
    batch = {
        "resource": {"attributes": _attrs(resource_attrs(req))},
        "scopeSpans": [{"scope": {"name": name, "version": version}, "spans": [_otlp_span(req, s) for s in req.spans]}],
    }
    return {"trace": {"resourceSpans": [batch]}} if v2 else {"batches": [batch]}


def search_hit(req: Request, matched: list[int], conds: list[Cond], spss: int) -> dict[str, Any]:
    """One entry of `/api/search`'s `traces`, with up to `spss` matched spans and the queried attributes."""
    views = span_views(req)
    spans = []
    for i in matched[:spss]:
        s = req.spans[i]
        attrs = {}
        for c in conds:
            key = c.attr.split(".", 1)[1] if "." in c.attr and c.attr not in INTRINSICS else c.attr
            value = views[i].value(c.attr)
            if value is not None and c.attr not in ("name", "duration", "traceDuration", "rootName"):
                attrs[key] = int(value) if isinstance(value, float) and value.is_integer() else value
        spans.append({
            "spanID": s.span_id, "name": s.name, "startTimeUnixNano": str(s.start_ns),
            "durationNanos": str(s.end_ns - s.start_ns), "attributes": _attrs(attrs),
        })  # fmt: skip
    spanset = {"spans": spans, "matched": len(matched)}
    errors = sum(1 for s in req.spans if s.error)
    return {
        "traceID": req.trace_id.lstrip("0") or "0",
        "rootServiceName": req.source.service,
        "rootTraceName": req.spans[0].name,
        "startTimeUnixNano": str(req.start_ns),
        "durationMs": round((max(s.end_ns for s in req.spans) - req.start_ns) / 1e6),
        "spanSet": spanset,
        "spanSets": [spanset],
        "serviceStats": {req.source.service: {"spanCount": len(req.spans), "errorCount": errors}},
    }


def iter_requests(model: ClusterModel, start: float, end: float) -> Iterator[Request]:
    """Every traced request of the cluster that started in [start, end), newest first."""
    sources = request_sources(model)
    hi = end
    while hi > start and sources:
        lo = max(start, hi - _CHUNK_S)
        chunk = [list(requests_between(model, s, lo, hi)) for s in sources]
        yield from heapq.merge(*(reversed(c) for c in chunk), key=lambda r: -r.start_ns)
        hi = lo


def tag_scopes(model: ClusterModel) -> dict[str, list[str]]:
    """Attribute names by scope (`resource`, `span`), from one request of each traced service."""
    resource: set[str] = set()
    span: set[str] = set()
    seen: set[str] = set()
    for req in iter_requests(model, model.anchor - 600, model.anchor):
        if req.source.service not in seen:
            seen.add(req.source.service)
            resource |= set(resource_attrs(req))
            span |= {k for s in req.spans for k, _ in s.attrs}
    return {"resource": sorted(resource), "span": sorted(span)}
