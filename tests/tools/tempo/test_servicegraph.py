"""Service-graph edges from metrics-generator samples and from cross-service parent/child spans."""

from __future__ import annotations

from tests.tools.tempo.builders import S, spans_of
from tools.tempo import build_tree
from tools.tempo.servicegraph import TraceEdges, edges_from_metrics, graph_queries


def test_metric_samples_join_into_edges_busiest_first() -> None:
    edge = {"client": "frontend", "server": "checkout"}
    db = {"client": "checkout", "server": "postgres"}
    edges = edges_from_metrics(
        requests=[("hub", edge, 10.0), ("hub", db, 25.0), ("hub", {"client": "x", "server": "y"}, float("nan"))],
        failed=[("hub", edge, 0.5)],
        p95=[("hub", edge, 0.2), ("hub", db, float("nan"))],
    )
    assert [(e.client, e.server) for e in edges] == [("checkout", "postgres"), ("frontend", "checkout")]
    db_edge, front = edges
    assert (front.request_rate, front.error_rate, front.error_ratio, front.p95_ms) == (10.0, 0.5, 0.05, 200.0)
    assert (db_edge.error_rate, db_edge.error_ratio, db_edge.p95_ms) == (0.0, 0.0, None)


def test_graph_queries_fill_in_the_window() -> None:
    queries = graph_queries("5m")
    assert queries["requests"] == "sum by (client, server) (rate(traces_service_graph_request_total[5m]))"
    assert "traces_service_graph_request_failed_total[5m]" in queries["failed"]
    assert queries["p95"].startswith("histogram_quantile(0.95, sum by (client, server, le)")


def test_trace_edges_count_calls_failures_and_callee_durations() -> None:
    edges = TraceEdges("hub")
    for slow in (False, True):
        edges.add(
            build_tree(
                spans_of(
                    [
                        S(1, None, "frontend", "GET /", 0, 100),
                        S(2, 1, "frontend", "render", 0, 10),
                        S(3, 1, "checkout", "Place", 10, 90 if slow else 50, error="boom" if slow else None),
                        S(4, 3, "postgres", "SELECT", 20, 30),
                    ]
                )
            )
        )
    found = {(e.client, e.server): e for e in edges.edges()}
    assert set(found) == {("frontend", "checkout"), ("checkout", "postgres")}
    call = found[("frontend", "checkout")]
    assert (call.requests, call.errors, call.error_ratio, call.mean_ms, call.p95_ms) == (2, 1, 0.5, 60.0, 78.0)
    assert edges.traces == 2
