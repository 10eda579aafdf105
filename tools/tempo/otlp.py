"""Read a trace as Tempo serves it (OTLP JSON) into flat :class:`Span` records.

Tempo's ``/api/traces/<id>`` answers ``{"batches": [...]}``; ``/api/v2/traces/<id>`` answers
``{"trace": {"resourceSpans": [...]}}``; raw OTLP/JSON is ``{"resourceSpans": [...]}``. Each resource carries
``service.name`` and holds ``scopeSpans`` (``instrumentationLibrarySpans`` before OTLP 0.15) of spans. Tempo's JSON
encodes ``traceId``/``spanId`` in base64 (protobuf's JSON mapping) while the OTLP spec says hex: both are read and
normalised to lower-case hex. Times are nanosecond strings; ``kind`` and ``status.code`` come as enum names
(``SPAN_KIND_SERVER``, ``STATUS_CODE_ERROR``) or numbers.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["Span", "attr_text", "normalise_id", "parse_trace"]

_HEX = re.compile(r"^[0-9a-fA-F]+$")
_KINDS = {0: "unspecified", 1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer"}
_ERROR_CODES = {2, "2", "STATUS_CODE_ERROR", "ERROR"}
_MESSAGE_LIMIT = 300
# Attributes that explain a failed span when its status carries no message (newest convention first).
_ERROR_ATTRIBUTES = (
    "error.type",
    "http.response.status_code",
    "http.status_code",
    "rpc.grpc.status_code",
    "db.response.status_code",
)


@dataclass(slots=True)
class Span:
    """One span, reduced to what the trace summaries need."""

    span_id: str
    parent_id: str | None
    name: str
    service: str
    kind: str
    start_ns: int
    end_ns: int
    error: bool = False
    message: str | None = None

    @property
    def duration_ns(self) -> int:
        """``end - start``, never negative (clock skew can produce end < start)."""
        return max(0, self.end_ns - self.start_ns)


def normalise_id(value: Any) -> str:
    """A trace or span id as lower-case hex, whether Tempo sent hex (16/32 chars) or base64 (12/24 chars)."""
    text = str(value or "").strip()
    if not text:
        return ""
    if len(text) in (16, 32) and _HEX.match(text):
        return text.lower()
    try:
        return base64.b64decode(text, validate=True).hex()
    except (binascii.Error, ValueError):
        return text.lower()


def attr_text(value: Any) -> str:
    """The text of an OTLP ``AnyValue`` (``{"stringValue": ...}``, ``{"intValue": "3"}``, arrays, ...)."""
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    for key in ("stringValue", "intValue", "doubleValue"):
        if key in value:
            return str(value[key])
    if "boolValue" in value:
        return "true" if value["boolValue"] else "false"
    if "arrayValue" in value:
        return "[" + ", ".join(attr_text(v) for v in (value["arrayValue"] or {}).get("values") or []) + "]"
    if "kvlistValue" in value:
        pairs = (value["kvlistValue"] or {}).get("values") or []
        return "{" + ", ".join(f"{p.get('key')}={attr_text(p.get('value'))}" for p in pairs) + "}"
    if "bytesValue" in value:
        return str(value["bytesValue"])
    return ""


def _attributes(items: Any) -> dict[str, str]:
    return {str(a.get("key")): attr_text(a.get("value")) for a in items or [] if isinstance(a, dict)}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _kind(value: Any) -> str:
    if isinstance(value, int):
        return _KINDS.get(value, "unspecified")
    text = str(value or "").upper().removeprefix("SPAN_KIND_")
    return text.lower() if text.lower() in _KINDS.values() else "unspecified"


def _error_message(status: dict[str, Any], span: dict[str, Any]) -> str | None:
    message = str(status.get("message") or "").strip()
    if not message:
        for event in span.get("events") or []:
            if isinstance(event, dict) and event.get("name") == "exception":
                attrs = _attributes(event.get("attributes"))
                parts = [attrs.get("exception.type", ""), attrs.get("exception.message", "")]
                message = ": ".join(p for p in parts if p)
                if message:
                    break
    if not message:
        attrs = _attributes(span.get("attributes"))
        found = [f"{k}={attrs[k]}" for k in _ERROR_ATTRIBUTES if attrs.get(k)]
        message = ", ".join(found)
    if not message:
        return None
    return message if len(message) <= _MESSAGE_LIMIT else message[: _MESSAGE_LIMIT - 1] + "…"


def _parent(span: dict[str, Any]) -> str | None:
    parent = normalise_id(span.get("parentSpanId") or span.get("parentSpanID"))
    # Some SDKs send an all-zero parent id for a root span.
    return parent if parent.strip("0") else None


def _resource_spans(payload: dict[str, Any]) -> list[Any]:
    if isinstance(payload.get("trace"), dict):  # /api/v2/traces
        payload = payload["trace"]
    for key in ("batches", "resourceSpans"):
        value = payload.get(key)
        if isinstance(value, list):
            return value
    return []


def _raw_spans(payload: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for resource_spans in _resource_spans(payload):
        if not isinstance(resource_spans, dict):
            continue
        resource = _attributes((resource_spans.get("resource") or {}).get("attributes"))
        service = resource.get("service.name") or "unknown_service"
        scopes = resource_spans.get("scopeSpans") or resource_spans.get("instrumentationLibrarySpans") or []
        for scope in scopes:
            for span in (scope or {}).get("spans") or []:
                if isinstance(span, dict):
                    yield service, span


def parse_trace(payload: dict[str, Any]) -> list[Span]:
    """Every span of ``payload`` once (Tempo may return a span twice when it sits in two blocks), in input order."""
    spans: dict[str, Span] = {}
    for service, raw in _raw_spans(payload):
        span_id = normalise_id(raw.get("spanId") or raw.get("spanID"))
        if not span_id or span_id in spans:
            continue
        status = raw.get("status") or {}
        error = status.get("code") in _ERROR_CODES
        start = _int(raw.get("startTimeUnixNano"))
        end = _int(raw.get("endTimeUnixNano")) or start
        spans[span_id] = Span(
            span_id=span_id,
            parent_id=_parent(raw),
            name=str(raw.get("name") or "(unnamed)"),
            service=service,
            kind=_kind(raw.get("kind")),
            start_ns=start,
            end_ns=max(start, end),
            error=error,
            message=_error_message(status, raw) if error else None,
        )
    return list(spans.values())
