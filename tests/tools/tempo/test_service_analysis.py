"""traces_compare and traces_service_graph end to end over respx-mocked Tempo and Prometheus."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import respx

from tests.tools.tempo.builders import otlp_trace, search_body, search_hit
from tests.tools.tempo.compare_fixtures import baseline_trace, slow_trace
from tests.tools.tempo.conftest import ServiceFactory
from tools.targets import BackendTarget

TEMPO = BackendTarget("hub", "tempo", "http://hub-tempo.test")
PROM = BackendTarget("hub", "prometheus", "http://hub-prom.test")


def trace_id(kind: str, i: int) -> str:
    return f"{0xA000 if kind == 'slow' else 0xB000:x}{i:04x}"


def serve_traces(mock: respx.MockRouter, kinds: dict[str, int]) -> None:
    for kind, count in kinds.items():
        for i in range(count):
            spans = slow_trace(i) if kind == "slow" else baseline_trace()
            mock.get(f"http://hub-tempo.test/api/traces/{trace_id(kind, i)}").respond(200, json=otlp_trace(spans))


def query_of(request: httpx.Request) -> str:
    return parse_qs(urlsplit(str(request.url)).query)["q"][0]


async def test_compare_with_a_threshold_samples_both_groups_with_traceql(make_service: ServiceFactory) -> None:
    def search(request: httpx.Request) -> httpx.Response:
        if "duration >= 200ms" in query_of(request):
            hits = [search_hit(trace_id("slow", i), duration_ms=400, matched=[(2, 300)]) for i in range(2)]
        else:
            hits = [search_hit(trace_id("base", i), duration_ms=120, matched=[(2, 100)]) for i in range(3)]
        return httpx.Response(200, json=search_body(*hits))

    with respx.mock() as mock:
        searches = mock.get("http://hub-tempo.test/api/search").mock(side_effect=search)
        serve_traces(mock, {"slow": 2, "base": 3})
        result = await make_service().compare([TEMPO], "checkout", threshold_ms=200)
    assert [query_of(c.request) for c in searches.calls] == [
        '{ resource.service.name = "checkout" && duration >= 200ms }',
        '{ resource.service.name = "checkout" && duration < 200ms }',
    ]
    assert (result.slow_traces, result.baseline_traces) == (2, 3)
    assert (result.slow_mean_ms, result.baseline_mean_ms, result.latency_delta_ms) == (300.0, 100.0, 200.0)
    top = result.contributors[0]
    assert (top.service, top.span_name, top.delta_ms, top.share, top.slow_calls) == (
        "postgres",
        "SELECT",
        200.0,
        1.0,
        3.0,
    )
    assert result.threshold_ms == {"hub": 200}
    assert result.example_slow_traces[0].startswith("hub/a000")


async def test_compare_without_threshold_splits_one_sample_at_the_percentile(make_service: ServiceFactory) -> None:
    hits = [search_hit(trace_id("base", i), duration_ms=120, matched=[(2, 100 + i)]) for i in range(9)]
    hits.append(search_hit(trace_id("slow", 0), duration_ms=400, matched=[(2, 300)]))
    with respx.mock(assert_all_called=False) as mock:
        mock.get("http://hub-tempo.test/api/search").respond(200, json=search_body(*hits))
        serve_traces(mock, {"slow": 1, "base": 9})
        result = await make_service().compare([TEMPO], "checkout", percentile=90, sample=3)
        fetched = [c.request.url.path.rsplit("/", 1)[-1] for c in mock.calls if "/api/traces/" in c.request.url.path]
    # p90 of 100..108 ms and 300 ms interpolates to 127.2 ms: only the 300 ms trace is slow; baseline <= median.
    assert result.threshold_ms == {"hub": 127.2}
    assert (result.slow_traces, result.baseline_traces) == (1, 3)
    assert fetched.count(trace_id("slow", 0)) == 1 and len(fetched) == 4
    assert result.contributors[0].span_name == "SELECT"
    assert any("p90" in n for n in result.notes)


async def test_compare_with_nothing_to_compare_says_so(make_service: ServiceFactory) -> None:
    with respx.mock() as mock:
        mock.get("http://hub-tempo.test/api/search").respond(200, json=search_body())
        result = await make_service().compare([TEMPO], "checkout", operation="POST /checkout")
    assert result.contributors == []
    assert any("too few to split" in n for n in result.notes)
    assert any("Not enough traces to compare" in n for n in result.notes)


def vector(*samples: tuple[dict[str, str], float]) -> dict[str, Any]:
    now = time.time()
    return {
        "status": "success",
        "data": {"resultType": "vector", "result": [{"metric": m, "value": [now, str(v)]} for m, v in samples]},
    }


async def test_service_graph_reads_the_metrics_generator_series(make_service: ServiceFactory) -> None:
    edge = {"client": "frontend", "server": "checkout"}

    def prometheus(request: httpx.Request) -> httpx.Response:
        query = parse_qs(request.content.decode())["query"][0]
        if "request_failed_total" in query:
            return httpx.Response(200, json=vector((edge, 0.25)))
        if "histogram_quantile" in query:
            return httpx.Response(200, json=vector((edge, 0.35)))
        return httpx.Response(200, json=vector((edge, 5.0)))

    with respx.mock() as mock:
        mock.post("http://hub-prom.test/api/v1/query").mock(side_effect=prometheus)
        result = await make_service().service_graph([PROM], [TEMPO], window="5m")
    assert (result.source, result.sources) == ("metrics", {"hub": "metrics"})
    (found,) = result.edges
    assert (found.client, found.server, found.request_rate, found.error_rate, found.error_ratio, found.p95_ms) == (
        "frontend",
        "checkout",
        5.0,
        0.25,
        0.05,
        350.0,
    )


async def test_service_graph_falls_back_to_traces_without_series(make_service: ServiceFactory) -> None:
    with respx.mock() as mock:
        mock.post("http://hub-prom.test/api/v1/query").respond(200, json=vector())
        search = mock.get("http://hub-tempo.test/api/search").respond(
            200, json=search_body(search_hit(trace_id("slow", 0), duration_ms=400))
        )
        serve_traces(mock, {"slow": 1})
        result = await make_service().service_graph([PROM], [TEMPO], service="checkout", sample_traces=5)
    assert (result.source, result.sources) == ("traces", {"hub": "traces"})
    assert query_of(search.calls.last.request) == '{ resource.service.name = "checkout" }'
    edges = {(e.client, e.server): e for e in result.edges}
    assert set(edges) == {("frontend", "checkout"), ("checkout", "postgres")}
    assert (edges[("checkout", "postgres")].requests, edges[("checkout", "postgres")].mean_ms) == (3, 83.3)
    assert any("derived from 1 sampled traces" in n for n in result.notes)


async def test_service_graph_with_a_dead_prometheus_still_answers_from_traces(make_service: ServiceFactory) -> None:
    with respx.mock() as mock:
        mock.post("http://hub-prom.test/api/v1/query").respond(503, text="down")
        mock.get("http://hub-tempo.test/api/search").respond(200, json=search_body())
        result = await make_service().service_graph([PROM], [TEMPO])
    assert result.source == "traces" and result.edges == []
    assert any("metrics unavailable" in n for n in result.notes)
    assert any("No service edges" in n for n in result.notes)
