"""MetricsService.query_range / raw_range: fan-out outcomes, errors, token budget, paging, size cap, global view."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import httpx
import pytest
import respx

from tests.tools.prometheus.builders import (
    T0,
    cpu_fleet_matrix,
    error_body,
    json_response,
    matrix,
    success,
    target,
)
from tests.tools.prometheus.conftest import ServiceFactory
from tools.errors import BackendError, ToolInputError
from tools.prometheus import PrometheusAPIError, parse_range_resource, to_json
from tools.sizecap import json_size

PARSE_ERROR = "1:14: parse error: unexpected right parenthesis ')'"
START, END = T0, T0 + 3585  # 240 evaluation points at the default 15 s step


def route(respx_mock: respx.MockRouter, cluster: str) -> respx.Route:
    return respx_mock.post(f"http://{cluster}.prom/api/v1/query_range")


def simple_matrix(cluster_tag: str, count: int = 2) -> dict[str, object]:
    return success(matrix([({"pod": f"{cluster_tag}-{i}"}, [float(i), float(i + 1)]) for i in range(count)]))


async def test_partial_failure_labels_each_cluster(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    route(respx_mock, "c1").mock(return_value=json_response(error_body("internal", "tsdb closed"), status=500))
    route(respx_mock, "c2").mock(side_effect=httpx.ReadTimeout("read timed out"))
    route(respx_mock, "c3").mock(return_value=json_response(simple_matrix("c3")))
    result = await make_service().query_range([target("c1"), target("c2"), target("c3")], "x", start=START, end=END)
    status = {o.cluster: (o.status, o.message or "") for o in result.clusters}
    assert status["c1"][0] == "error"
    assert "tsdb closed" in status["c1"][1]
    assert "HTTP 500" in status["c1"][1]
    assert status["c2"][0] == "timeout"
    assert status["c3"] == ("ok", "")
    assert result.answered == ["c3"]
    assert {s.cluster for s in result.series} == {"c3"}
    assert any(n.startswith("Partial result: 1 of 3 clusters answered; failed: c1, c2") for n in result.notes)


async def test_a_cluster_that_never_answers_is_cut_at_the_cluster_timeout(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    never = asyncio.Event()

    async def hang(request: httpx.Request) -> httpx.Response:
        await never.wait()  # bounded by the service's per-cluster timeout, never by a sleep
        raise AssertionError("unreachable")

    route(respx_mock, "slow").mock(side_effect=hang)
    route(respx_mock, "fast").mock(return_value=json_response(simple_matrix("fast")))
    service = make_service(cluster_timeout_s=0.05)
    result = await service.query_range([target("slow"), target("fast")], "x", start=START, end=END)
    assert {o.cluster: o.status for o in result.clusters} == {"slow": "timeout", "fast": "ok"}
    assert "no answer within 0.05s" in (result.clusters[0].message or "")


async def test_same_parse_error_everywhere_raises_prometheus_message_verbatim(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    for cluster in ("c1", "c2", "c3"):
        route(respx_mock, cluster).mock(return_value=json_response(error_body("bad_data", PARSE_ERROR), status=400))
    with pytest.raises(PrometheusAPIError) as info:
        await make_service().query_range(
            [target("c1"), target("c2"), target("c3")], "sum(rate(x[5m])))", start=START, end=END
        )
    message = str(info.value)
    assert PARSE_ERROR in message
    assert "query='sum(rate(x[5m])))'" in message
    assert "all 3 clusters" in message
    assert "2023-11-14T22:13:20Z .. 2023-11-14T23:13:05Z step 15s" in message
    assert info.value.error == PARSE_ERROR
    assert info.value.hint and "Fix the query" in info.value.hint


async def test_all_clusters_dead_raises_listing_each_cluster(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    route(respx_mock, "c1").mock(side_effect=httpx.ConnectError("connection refused"))
    route(respx_mock, "c2").mock(return_value=httpx.Response(503, text="upstream connect error"))
    route(respx_mock, "c3").mock(side_effect=httpx.ReadTimeout("read timed out"))
    with pytest.raises(BackendError) as info:
        await make_service().query_range([target("c1"), target("c2"), target("c3")], "up", start=START, end=END)
    assert not isinstance(info.value, PrometheusAPIError)
    message = str(info.value)
    assert "No answer from any of the 3 clusters" in message
    assert "c1: error (Cannot reach Prometheus at http://c1.prom" in message
    assert "c2: error (" in message
    assert "upstream connect error" in message
    assert "c3: timeout (" in message
    assert info.value.hint and "retry later" in info.value.hint


async def test_no_data_is_a_success_that_says_what_was_searched_where(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    for cluster in ("c1", "c2"):
        route(respx_mock, cluster).mock(return_value=json_response(success(matrix([]))))
    result = await make_service().query_range([target("c1"), target("c2")], "nope_total", start=START, end=END)
    assert (result.total, result.series, result.truncated) == (0, [], False)
    [note] = result.notes
    assert "No data: 'nope_total' returned no series on c1, c2 between 2023-11-14T22:13:20Z and" in note
    assert "step 15s" in note


async def test_token_budget_of_a_60_series_hour(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    raw_body = success(cpu_fleet_matrix(series_count=60, points=240))
    raw_chars = len(json.dumps(raw_body))
    route(respx_mock, "c1").mock(return_value=json_response(raw_body))
    query = 'sum by (namespace, pod, container, node) (rate(container_cpu_usage_seconds_total{namespace="shop"}[5m]))'
    result = await make_service().query_range([target("c1")], query, start=START, end=END)
    text = to_json(result)
    print(f"\ntoken budget: default response {len(text)} chars, raw Prometheus JSON {raw_chars} chars")
    assert len(text) <= 6_000
    assert raw_chars >= 30 * len(text)
    assert (result.returned, result.total, result.truncated) == (10, 60, True)
    assert result.next_cursor is not None
    for summary in result.series:
        assert None not in (summary.min, summary.max, summary.mean, summary.last, summary.p95)
        assert summary.points == 240
    assert result.common_labels["namespace"] == "shop"
    assert all("namespace" not in s.labels and "pod" in s.labels for s in result.series)
    assert [s.max for s in result.series] == sorted((s.max for s in result.series), reverse=True)  # type: ignore[type-var]


async def test_cursor_pages_through_every_series_once_at_the_anchored_range(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    r = route(respx_mock, "c1").mock(
        return_value=json_response(success(matrix([({"pod": f"p{i:02d}"}, [float(i)]) for i in range(25)])))
    )
    service = make_service()
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        page = await service.query_range([target("c1")], "x", start="now-1h", top_k=10, cursor=cursor)
        seen += [s.labels.get("pod") or page.common_labels["pod"] for s in page.series]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [f"p{i:02d}" for i in range(24, -1, -1)]  # ranked by max, highest first
    forms = [dict(httpx.QueryParams(c.request.content.decode())) for c in r.calls]
    assert len(forms) == 3
    assert len({(f["start"], f["end"]) for f in forms}) == 1  # pages 2 and 3 reuse page 1's "now"


async def test_cursor_with_other_arguments_is_refused(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    route(respx_mock, "c1").mock(
        return_value=json_response(success(matrix([({"pod": f"p{i}"}, [float(i)]) for i in range(15)])))
    )
    service = make_service()
    first = await service.query_range([target("c1")], "x", start=START, end=END)
    assert first.next_cursor
    cursor = first.next_cursor
    changed_calls: list[Callable[[], Awaitable[object]]] = [
        lambda: service.query_range([target("c1")], "y", start=START, end=END, cursor=cursor),
        lambda: service.query_range([target("c1")], "x", start=T0 - 60, end=END, cursor=cursor),
        lambda: service.query_range([target("c1")], "x", start=START, end=END, step="30s", cursor=cursor),
        lambda: service.query_range([target("c1")], "x", start=START, end=END, rank_by="mean", cursor=cursor),
    ]
    for call in changed_calls:
        with pytest.raises(ToolInputError, match="different arguments"):
            await call()
    with pytest.raises(ToolInputError, match="different arguments"):
        await service.query_range([target("c1"), target("c2")], "x", cursor=first.next_cursor, start=START, end=END)
    with pytest.raises(ToolInputError, match="not a cursor"):
        await service.query_range([target("c1")], "x", cursor="garbage!", start=START, end=END)


@pytest.mark.parametrize("cap", [1_500, 3_000, 12_000])
async def test_size_cap_is_never_exceeded_and_paging_stays_complete(
    respx_mock: respx.MockRouter, make_service: ServiceFactory, cap: int
) -> None:
    service = make_service(response_max_bytes=cap)
    for count, label_len in [(1, 10), (5, 40), (20, 80), (60, 120), (150, 200)]:
        body = success(
            matrix(
                [
                    (
                        {"pod": f"p{i:03d}-" + "x" * label_len, "node": f"n{i}"},
                        [float(i), float(3 * i), 0.0, float(i)] * 5,
                    )
                    for i in range(count)
                ]
            )
        )
        route(respx_mock, "c1").mock(return_value=json_response(body))
        seen: list[str] = []
        cursor = None
        for _ in range(count + 1):
            page = await service.query_range([target("c1")], "x", top_k=200, cursor=cursor, start=START, end=END)
            assert json_size(page) <= cap
            assert len(to_json(page)) <= cap
            seen += [s.labels.get("node") or page.common_labels["node"] for s in page.series]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert sorted(seen) == sorted(f"n{i}" for i in range(count)), (cap, count)


async def test_deviations_are_dropped_before_series(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    spiky = [1.0] * 30 + [40.0] + [1.0] * 30
    route(respx_mock, "c1").mock(
        return_value=json_response(success(matrix([({"pod": f"p{i}"}, [v + i for v in spiky]) for i in range(6)])))
    )
    full = await make_service().query_range([target("c1")], "x", start=START, end=END)
    assert all(s.deviations for s in full.series)
    last_deviations = full.series[-1].deviations
    assert last_deviations
    cap = json_size(full) - len(json.dumps(last_deviations[0].model_dump(), separators=(",", ":")))
    capped = await make_service(response_max_bytes=cap).query_range([target("c1")], "x", start=START, end=END)
    assert capped.returned == 6
    assert capped.series[-1].deviations is None
    assert capped.series[0].deviations


async def test_step_adjustment_and_warnings_are_reported(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    r1 = route(respx_mock, "c1").mock(
        return_value=json_response(success(matrix([({"pod": "a"}, [1.0])]), warnings=["partial response"]))
    )
    route(respx_mock, "c2").mock(return_value=json_response(success(matrix([]))))
    result = await make_service().query_range(
        [target("c1"), target("c2")], "x", start=T0, end=T0 + 7 * 86400, step="1s"
    )
    assert result.step_s == 55
    assert dict(httpx.QueryParams(r1.calls.last.request.content.decode()))["step"] == "55"
    assert any("step raised from 1s to 55s" in n for n in result.notes)
    assert result.warnings == ["[c1] partial response"]


async def test_blanket_selector_is_refused_before_any_request(make_service: ServiceFactory) -> None:
    with pytest.raises(ToolInputError, match="every series"):
        await make_service().query_range([target("c1")], 'count({__name__=~".+"})', start=START, end=END)


async def test_resource_uri_reproduces_the_query_with_absolute_times(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    r = route(respx_mock, "c1").mock(return_value=json_response(simple_matrix("c1", count=3)))
    service = make_service()
    result = await service.query_range([target("c1")], "x", start="now-1h")
    assert result.resource_uri and result.resource_uri.startswith("metrics://range/")
    ref = parse_range_resource(result.resource_uri)
    assert (ref.query, ref.step, ref.clusters) == ("x", 15.0, ["c1"])
    assert ref.end - ref.start == 3600
    raw = await service.raw_range([target("c1")], ref.query, start=ref.start, end=ref.end, step=ref.step)
    first_form = dict(httpx.QueryParams(r.calls[0].request.content.decode()))
    second_form = dict(httpx.QueryParams(r.calls[1].request.content.decode()))
    assert (first_form["start"], first_form["end"]) == (second_form["start"], second_form["end"])
    assert raw["returned"] == raw["total"] == 3
    assert raw["truncated"] is False
    assert raw["series"][0] == {"cluster": "c1", "metric": {"pod": "c1-0"}, "values": [[T0, "0.0"], [T0 + 15, "1.0"]]}
    with pytest.raises(ToolInputError):
        parse_range_resource("metrics://range/bm90LWpzb24")


async def test_raw_range_is_capped_and_says_so(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    route(respx_mock, "c1").mock(return_value=json_response(success(cpu_fleet_matrix(series_count=20, points=240))))
    raw = await make_service(resource_max_bytes=30_000).raw_range([target("c1")], "x", start=T0, end=T0 + 3585, step=15)
    assert raw["truncated"] is True
    assert 0 < raw["returned"] < raw["total"] == 20
    assert len(json.dumps(raw)) <= 30_000
    assert any("left out to stay under 30000 bytes" in n for n in raw["notes"])


async def test_global_view_asks_one_querier_and_splits_series_by_cluster_label(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    body = success(
        matrix(
            [
                ({"cluster": "c1", "pod": "a"}, [1.0, 2.0]),
                ({"cluster": "c2", "pod": "b"}, [5.0, 6.0]),
                ({"cluster": "other", "pod": "c"}, [9.0, 9.0]),
                ({"pod": "aggregated"}, [7.0, 7.0]),
            ]
        )
    )
    querier = respx_mock.post("http://thanos.hub/api/v1/query_range").mock(return_value=json_response(body))
    service = make_service(global_view=target("hub-thanos", "http://thanos.hub"))
    result = await service.query_range([target("c1"), target("c2"), target("c4")], "x", start=START, end=END)
    assert querier.call_count == 1
    assert [(s.cluster, s.labels) for s in result.series] == [("c2", {"pod": "b"}), ("c1", {"pod": "a"})]
    assert {o.cluster: o.status for o in result.clusters} == {"c1": "ok", "c2": "ok", "c4": "ok"}
    assert result.answered == ["c1", "c2", "c4"]
    assert any("No series for selected cluster(s) in the global view: c4." in n for n in result.notes)
    assert any("1 series had no 'cluster' label" in n for n in result.notes)


async def test_global_view_querier_failure_raises(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    respx_mock.post("http://thanos.hub/api/v1/query_range").mock(side_effect=httpx.ConnectError("refused"))
    service = make_service(global_view=target("hub-thanos", "http://thanos.hub"))
    with pytest.raises(BackendError, match="No answer from the global-view querier: hub-thanos: error"):
        await service.query_range([target("c1")], "x", start=START, end=END)


async def test_no_cluster_selected_is_an_input_error(make_service: ServiceFactory) -> None:
    with pytest.raises(ToolInputError, match="No cluster selected"):
        await make_service().query_range([], "up", start=START, end=END)


async def test_different_user_errors_everywhere_still_quote_prometheus(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    route(respx_mock, "c1").mock(return_value=json_response(error_body("bad_data", PARSE_ERROR), status=400))
    route(respx_mock, "c2").mock(
        return_value=json_response(error_body("bad_data", 'unknown function with name "new_fn"'), status=400)
    )
    with pytest.raises(PrometheusAPIError) as info:
        await make_service().query_range([target("c1"), target("c2")], "new_fn(x))", start=START, end=END)
    assert PARSE_ERROR in str(info.value)
    assert 'Other clusters said: unknown function with name "new_fn"' in str(info.value)


async def test_parse_error_with_another_cluster_down_still_leads_with_prometheus_words(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    route(respx_mock, "c1").mock(return_value=json_response(error_body("bad_data", PARSE_ERROR), status=400))
    route(respx_mock, "c2").mock(side_effect=httpx.ConnectError("connection refused"))
    with pytest.raises(PrometheusAPIError) as info:
        await make_service().query_range([target("c1"), target("c2")], "sum(x))", start=START, end=END)
    assert "rejected the request on 1 of 2 clusters (bad_data); failed otherwise: c2" in str(info.value)
    assert PARSE_ERROR in str(info.value)
