"""Service-graph edges from Tempo's metrics-generator series, or derived from the parent/child spans of traces.

The metrics-generator's service-graphs processor writes, per ``client``/``server`` pair (plus ``connection_type``):
``traces_service_graph_request_total``, ``traces_service_graph_request_failed_total`` and the
``traces_service_graph_request_server_seconds`` histogram. :data:`GRAPH_QUERIES` turn them into request rate,
error rate and p95 latency per edge. Without those series, :class:`TraceEdges` counts an edge for every span whose
parent belongs to another service (a request from the parent's service to the span's), with its failures and the
called span's duration.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tools.tempo.compare import mean, percentile
from tools.tempo.results import ServiceEdge
from tools.tempo.spantree import SpanTree
from tools.tempo.summary import ms

__all__ = ["GRAPH_QUERIES", "EdgeSample", "TraceEdges", "edges_from_metrics", "graph_queries", "touches"]

GRAPH_QUERIES = {
    "requests": "sum by (client, server) (rate(traces_service_graph_request_total[{w}]))",
    "failed": "sum by (client, server) (rate(traces_service_graph_request_failed_total[{w}]))",
    "p95": "histogram_quantile(0.95, sum by (client, server, le) "
    "(rate(traces_service_graph_request_server_seconds_bucket[{w}])))",
}

# (cluster, labels, value) of one instant-query sample.
EdgeSample = tuple[str, dict[str, str], float | None]


def graph_queries(window: str) -> dict[str, str]:
    """The three PromQL queries with the rate window filled in (e.g. ``5m``, ``1h``)."""
    return {name: query.replace("{w}", window) for name, query in GRAPH_QUERIES.items()}


def touches(edge: ServiceEdge, service: str | None) -> bool:
    """True when ``service`` is unset or is the edge's client or server."""
    return service is None or service in (edge.client, edge.server)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def edges_from_metrics(
    requests: list[EdgeSample], failed: list[EdgeSample], p95: list[EdgeSample]
) -> list[ServiceEdge]:
    """One edge per (cluster, client, server) having a request rate; failures and p95 joined onto it."""

    def keyed(samples: list[EdgeSample]) -> dict[tuple[str, str, str], float | None]:
        return {
            (cluster, labels.get("client", ""), labels.get("server", "")): _finite(value)
            for cluster, labels, value in samples
        }

    failed_by, p95_by = keyed(failed), keyed(p95)
    edges = []
    for key, rate in keyed(requests).items():
        if rate is None:
            continue
        errors = failed_by.get(key) or 0.0
        latency = p95_by.get(key)
        edges.append(
            ServiceEdge(
                cluster=key[0],
                client=key[1] or "(unknown)",
                server=key[2] or "(unknown)",
                request_rate=round(rate, 4),
                error_rate=round(errors, 4),
                error_ratio=round(errors / rate, 4) if rate > 0 else None,
                p95_ms=round(latency * 1000, 1) if latency is not None else None,
            )
        )
    edges.sort(key=lambda e: (-(e.request_rate or 0.0), e.cluster, e.client, e.server))
    return edges


@dataclass
class TraceEdges:
    """Edges accumulated over the sampled traces of one cluster."""

    cluster: str
    traces: int = 0
    calls: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # durations (ns) of the called spans
    errors: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, tree: SpanTree) -> None:
        """Count every cross-service parent/child pair of ``tree``."""
        self.traces += 1
        for span in tree.spans.values():
            parent = tree.spans.get(span.parent_id) if span.parent_id else None
            if parent is None or parent.service == span.service:
                continue
            key = (parent.service, span.service)
            self.calls.setdefault(key, []).append(span.duration_ns)
            self.errors[key] = self.errors.get(key, 0) + span.error

    def edges(self) -> list[ServiceEdge]:
        """The edges, most calls first."""
        found = []
        for (client, server), durations in self.calls.items():
            errors = self.errors.get((client, server), 0)
            average = mean([float(d) for d in durations])
            found.append(
                ServiceEdge(
                    cluster=self.cluster,
                    client=client,
                    server=server,
                    requests=len(durations),
                    errors=errors,
                    error_ratio=round(errors / len(durations), 4),
                    mean_ms=ms(average) if average is not None else None,
                    p95_ms=ms(percentile([float(d) for d in durations], 95)),
                )
            )
        found.sort(key=lambda e: (-(e.requests or 0), e.client, e.server))
        return found
