"""The sampled requests of the traced services: one deterministic request per pod every few seconds.

A request is a pure function of (anchor, seed, pod, slot): its time, latency, outcome and span tree.
Logs (`logs.py`) print a line per request with its trace id and traces (`traces.py`) serve its spans, so
both agree by construction. On the hub, payments-api turns slow (800-2000 ms, most of it in the
`fraud-check` call, 65% ending in `upstream timeout`) once its CPU saturates; the OOM-killed pod serves
nothing while it is in CrashLoopBackOff.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

from servers.sim.ids import decode_trace_id, span_id, trace_id, unit
from servers.sim.incidents import Incidents
from servers.sim.model import ClusterModel
from servers.sim.signals import stable_key
from servers.sim.topology import PodSpec

__all__ = ["Request", "RequestSource", "Span", "find_request", "request_sources", "requests_between"]

Attr = str | int | float | bool
Outcome = Literal["ok", "slow", "error"]
Kind = Literal["server", "client", "internal"]
_SOURCES_PER_SLOT = 64  # request number n = slot * 64 + source index
_NS = 1_000_000_000


@dataclass(frozen=True)
class Span:
    """One span: times in Unix nanoseconds, `error` is the status message of a failed span."""

    span_id: str
    parent_id: str
    name: str
    kind: Kind
    start_ns: int
    end_ns: int
    attrs: tuple[tuple[str, Attr], ...]
    error: str | None = None


@dataclass(frozen=True)
class RequestSource:
    """A traced service instance (one pod) receiving one sampled request every `period_s`."""

    cluster: str
    service: str
    pod: PodSpec
    index: int
    period_s: float
    phase_s: float
    version: str


@dataclass(frozen=True)
class Request:
    """One sampled request with its trace."""

    source: RequestSource
    n: int
    start_ns: int
    latency_ms: int
    outcome: Outcome
    trace_id: str
    spans: tuple[Span, ...]

    @property
    def end_ns(self) -> int:
        """When the response was sent (and the request's log line written)."""
        return self.start_ns + self.latency_ms * 1_000_000


_PERIODS = {"payments-api": 4.0, "storefront-web": 6.0, "vllm-granite": 10.0}


def _key(model: ClusterModel) -> int:
    return stable_key("requests", model.seed, model.name)


def request_sources(model: ClusterModel) -> tuple[RequestSource, ...]:
    """The traced pods of `model`'s cluster (none on clusters without instrumented services)."""
    sources: list[RequestSource] = []
    for pod in model.spec.pods:
        service = pod.app
        period = _PERIODS.get(service)
        if period is None:
            continue
        index = len(sources)
        version = pod.containers[0].image.rsplit(":", 1)[-1]
        phase = unit(_key(model), 1_000_003 + index) * period
        sources.append(RequestSource(model.name, service, pod, index, period, phase, version))
    return tuple(sources)


def _draws(key: int, n: int) -> list[float]:
    return [unit(key, n * 8 + i) for i in range(6)]


def _span(trace: str, i: int, name: str, kind: Kind, t0: float, t1: float, attrs: dict[str, Attr]) -> Span:
    """Span `i` of `trace` (span 0 is the root, every other span its child), times in Unix ms."""
    parent = "" if i == 0 else span_id(trace, 0)
    return Span(span_id(trace, i), parent, name, kind, round(t0 * 1e6), round(t1 * 1e6), tuple(attrs.items()))


def _payments(model: ClusterModel, src: RequestSource, n: int, start_ms: float, key: int) -> Request | None:
    inc = Incidents(model.anchor)
    u = _draws(key, n)
    t = start_ms / 1000
    if src.pod.incident == "crashloop" and inc.backing_off(t):
        return None  # the container is down: the Service does not route to it
    outcome: Outcome = "ok"
    if t < inc.cpu_ramp_start:
        latency = 40 + 40 * u[0]
    elif t < inc.saturation_start:
        latency = 40 + 40 * u[0] + 260 * ((t - inc.cpu_ramp_start) / inc.cpu_ramp_s) ** 3
    else:
        latency = 800 + 1200 * u[0]
        outcome = "error" if u[1] < 0.65 else "slow"
    trace = trace_id(key, n)
    db_start = start_ms + 1 + 3 * u[2]
    db_end = db_start + (4 + 8 * u[3] if outcome == "ok" else 15 + 45 * u[3])
    fraud_end = db_end + 1 + {"ok": 20 + 25 * u[4], "slow": 300 + 400 * u[4], "error": 750.0}[outcome]
    end_ms = max(start_ms + latency, fraud_end + 1)
    if src.pod.incident == "crashloop" and inc.backing_off(end_ms / 1000):
        return None  # killed in flight: no response, no log line, no exported trace
    status = 504 if outcome == "error" else 200
    root_attrs: dict[str, Attr] = {
        "http.request.method": "POST",
        "http.route": "/charge",
        "url.path": "/api/v1/charge",
        "http.response.status_code": status,
        "server.address": "payments-api.payments.svc",
    }
    db_attrs: dict[str, Attr] = {
        "db.system": "postgresql",
        "db.name": "payments",
        "db.statement": "SELECT id, balance FROM accounts WHERE id = $1",
        "server.address": "payments-db.payments.svc",
    }
    fraud_attrs: dict[str, Attr] = {
        "peer.service": "fraud-check",
        "http.request.method": "POST",
        "url.full": "http://fraud-check.risk.svc:8080/v1/score",
        "server.address": "fraud-check.risk.svc",
    }
    fraud_attrs |= {"error.type": "timeout"} if outcome == "error" else {"http.response.status_code": 200}
    root = _span(trace, 0, "POST /charge", "server", start_ms, end_ms, root_attrs)
    db = _span(trace, 1, "db.query", "client", db_start, db_end, db_attrs)
    fraud = _span(trace, 2, "fraud-check", "client", db_end + 1, fraud_end, fraud_attrs)
    if outcome == "error":
        root = replace(root, error="upstream timeout")
        fraud = replace(fraud, error="context deadline exceeded")
    return Request(src, n, round(start_ms * 1_000_000), round(end_ms - start_ms), outcome, trace, (root, db, fraud))


def _simple(src: RequestSource, n: int, start_ms: float, key: int) -> Request:
    u = _draws(key, n)
    trace = trace_id(key, n)
    if src.service == "vllm-granite":
        latency = 300 + 900 * u[0]
        tokens = int(40 + 200 * u[1])
        http: dict[str, Attr] = {"http.request.method": "POST", "http.route": "/v1/completions"}
        gen: dict[str, Attr] = {"gen_ai.request.model": "granite-3.0-8b-instruct", "gen_ai.usage.output_tokens": tokens}
        root = _span(trace, 0, "POST /v1/completions", "server", start_ms, start_ms + latency, http)
        child = _span(trace, 1, "llm.generate", "internal", start_ms + 5, start_ms + latency - 3, gen)
    else:
        latency = 15 + 30 * u[0]
        http = {"http.request.method": "GET", "http.route": "/products"}
        sql: dict[str, Attr] = {"db.system": "postgresql", "db.statement": "SELECT * FROM products LIMIT 50"}
        root = _span(trace, 0, "GET /products", "server", start_ms, start_ms + latency, http)
        child = _span(trace, 1, "db.query", "client", start_ms + 2, start_ms + 4 + 8 * u[1], sql)
    root = replace(root, attrs=(*root.attrs, ("http.response.status_code", 200)))
    return Request(src, n, round(start_ms * 1_000_000), round(latency), "ok", trace, (root, child))


def _request(model: ClusterModel, src: RequestSource, slot: int, key: int) -> Request | None:
    n = slot * _SOURCES_PER_SLOT + src.index
    start_ms = (slot * src.period_s + src.phase_s + 0.5 * src.period_s * unit(key, n * 8 + 5)) * 1000
    if src.service == "payments-api":
        return _payments(model, src, n, start_ms, key)
    return _simple(src, n, start_ms, key)


def requests_between(model: ClusterModel, src: RequestSource, t0: float, t1: float) -> Iterator[Request]:
    """The requests of `src` that started in [t0, t1), oldest first."""
    first = math.floor((t0 - src.phase_s) / src.period_s) - 1
    last = math.ceil((t1 - src.phase_s) / src.period_s)
    key = _key(model)
    for slot in range(first, last + 1):
        req = _request(model, src, slot, key)
        if req is not None and t0 * _NS <= req.start_ns < t1 * _NS:
            yield req


def find_request(model: ClusterModel, hex_id: str) -> Request | None:
    """The request whose trace id is `hex_id`, if `model`'s cluster has one."""
    n = decode_trace_id(_key(model), hex_id)
    sources = request_sources(model)
    if n is None or n % _SOURCES_PER_SLOT >= len(sources):
        return None
    return _request(model, sources[n % _SOURCES_PER_SLOT], n // _SOURCES_PER_SLOT, _key(model))
