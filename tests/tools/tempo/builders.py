"""Tempo API payloads in their documented shapes, built from compact span descriptions.

A span is ``(span_id, parent_id, service, name, start_ms, end_ms)`` plus optional failure; ids are small integers
encoded as Tempo's JSON does (base64 of the 8 bytes) or as OTLP/JSON hex.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Literal

from tools.tempo import Span

T0_NS = 1_767_000_000_000_000_000
TRACE_ID = "2f3e0cee77ae5dc9c17ade3689eb2e54"
Encoding = Literal["base64", "hex"]


@dataclass(frozen=True)
class S:
    """A span of a hand-made trace; times in milliseconds from T0."""

    id: int
    parent: int | None
    service: str
    name: str
    start: float
    end: float
    error: str | None = None
    kind: str = "SPAN_KIND_SERVER"


def hex_id(number: int) -> str:
    return f"{number:016x}"


def encode_id(number: int, encoding: Encoding, size: int = 8) -> str:
    raw = number.to_bytes(size, "big")
    return base64.b64encode(raw).decode() if encoding == "base64" else raw.hex()


def ns(ms: float) -> int:
    return T0_NS + round(ms * 1_000_000)


def otlp_span(span: S, encoding: Encoding = "base64") -> dict[str, Any]:
    body: dict[str, Any] = {
        "traceId": base64.b64encode(bytes.fromhex(TRACE_ID)).decode() if encoding == "base64" else TRACE_ID,
        "spanId": encode_id(span.id, encoding),
        "name": span.name,
        "kind": span.kind,
        "startTimeUnixNano": str(ns(span.start)),
        "endTimeUnixNano": str(ns(span.end)),
        "attributes": [{"key": "http.method", "value": {"stringValue": "GET"}}],
        "status": {},
    }
    if span.parent is not None:
        body["parentSpanId"] = encode_id(span.parent, encoding)
    if span.error is not None:
        body["status"] = {"code": "STATUS_CODE_ERROR", "message": span.error}
    return body


def otlp_trace(
    spans: list[S], *, key: Literal["batches", "resourceSpans"] = "batches", encoding: Encoding = "base64"
) -> dict[str, Any]:
    """``/api/traces/<id>`` JSON: one resource (batch) per service, each with one scope of spans."""
    services = list(dict.fromkeys(s.service for s in spans))
    batches = [
        {
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
            "scopeSpans": [
                {
                    "scope": {"name": "test"},
                    "spans": [otlp_span(s, encoding) for s in spans if s.service == service],
                }
            ],
        }
        for service in services
    ]
    return {key: batches}


def spans_of(items: list[S]) -> list[Span]:
    """The parsed spans directly (for the maths tests)."""
    return [
        Span(
            span_id=hex_id(s.id),
            parent_id=hex_id(s.parent) if s.parent is not None else None,
            name=s.name,
            service=s.service,
            kind="server",
            start_ns=ns(s.start),
            end_ns=ns(s.end),
            error=s.error is not None,
            message=s.error,
        )
        for s in items
    ]


def search_hit(
    trace_id: str,
    *,
    duration_ms: int,
    root_service: str = "frontend",
    root_name: str = "GET /checkout",
    matched: list[tuple[int, float]] | None = None,
    service_stats: dict[str, tuple[int, int]] | None = None,
    error_attr: bool = False,
) -> dict[str, Any]:
    """One ``traces`` item of ``/api/search`` (as in Tempo's API docs)."""
    hit: dict[str, Any] = {
        "traceID": trace_id,
        "rootServiceName": root_service,
        "rootTraceName": root_name,
        "startTimeUnixNano": str(T0_NS),
        "durationMs": duration_ms,
    }
    if matched is not None:
        spans = []
        for span_id, ms in matched:
            span: dict[str, Any] = {
                "spanID": hex_id(span_id),
                "startTimeUnixNano": str(T0_NS),
                "durationNanos": str(round(ms * 1_000_000)),
            }
            if error_attr:
                span["attributes"] = [{"key": "status", "value": {"stringValue": "error"}}]
            spans.append(span)
        hit["spanSets"] = [{"spans": spans, "matched": len(spans)}]
    if service_stats is not None:
        hit["serviceStats"] = {k: {"spanCount": n, "errorCount": e} for k, (n, e) in service_stats.items()}
    return hit


def search_body(*hits: dict[str, Any]) -> dict[str, Any]:
    return {"traces": list(hits), "metrics": {"inspectedBytes": "1000", "totalBlocks": 3}}


# The hand-made trace of the span-tree tests (times in ms):
#   A frontend GET /checkout [0,100]
#   ├ B cart GetCart [10,40]      └ E redis GET [15,35]
#   ├ G frontend render [20,30]   (parallel with B, ends first: not critical)
#   └ C checkout PlaceOrder [50,90]
#       ├ D postgres SELECT [55,70]   (overlapped by F: not critical)
#       └ F payments Charge [60,85]
HAND_MADE = [
    S(1, None, "frontend", "GET /checkout", 0, 100),
    S(2, 1, "cart", "GetCart", 10, 40),
    S(5, 2, "redis", "GET", 15, 35),
    S(7, 1, "frontend", "render", 20, 30),
    S(3, 1, "checkout", "PlaceOrder", 50, 90, error="payment declined"),
    S(4, 3, "postgres", "SELECT", 55, 70),
    S(6, 3, "payments", "Charge", 60, 85, error="card expired"),
]
