"""LogsService.query: lines per stream, limit+1 truncation and paging, no data, failures, size cap, metric queries."""

from __future__ import annotations

import httpx
import pytest
import respx

from tests.tools.loki.builders import NS, T0_NS, json_response, lines, matrix, streams, target, vector
from tests.tools.loki.conftest import ServiceFactory
from tools.contract import to_json
from tools.errors import BackendError, ToolInputError

C1, C2 = "http://c1.loki", "http://c2.loki"
RANGE = "/loki/api/v1/query_range"
QUERY = '{namespace="payments"}'
API = {"namespace": "payments", "pod": "api-1"}
DB = {"namespace": "payments", "pod": "db-0"}


async def test_lines_come_per_stream_newest_first_across_clusters(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(C1 + RANGE).mock(
        return_value=json_response(
            streams((API, [(T0_NS - 1 * NS, "a1"), (T0_NS - 4 * NS, "a4")]), (DB, [(T0_NS - 3 * NS, "d3")]))
        )
    )
    respx_mock.get(C2 + RANGE).mock(return_value=json_response(streams((API, [(T0_NS - 2 * NS, "b2")]))))
    result = await make_service().query([target("c1", C1), target("c2", C2)], QUERY)
    assert result.result_type == "streams"
    assert [(s.cluster, s.labels["pod"], [ln.line for ln in s.lines]) for s in result.streams] == [
        ("c1", "api-1", ["a1", "a4"]),
        ("c2", "api-1", ["b2"]),
        ("c1", "db-0", ["d3"]),
    ]
    assert result.streams[0].lines[0].time == "2023-11-14T22:13:19Z"
    assert (result.total, result.returned, result.truncated, result.next_cursor) == (4, 4, False, None)
    assert result.answered == ["c1", "c2"]
    assert result.start == "2023-11-14T21:13:20Z"


async def test_asking_for_one_extra_line_reveals_truncation_and_the_cursor_pages_older_lines(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    route = respx_mock.get(C1 + RANGE).mock(
        side_effect=[
            json_response(streams((API, lines(T0_NS, 4)))),  # limit=3 -> Loki is asked for 4 and has them
            json_response(streams((API, [(T0_NS - 3 * NS, "line 3")]))),
        ]
    )
    service = make_service()
    first = await service.query([target("c1", C1)], QUERY, limit=3)
    assert route.calls[0].request.url.params["limit"] == "4"
    assert [ln.line for ln in first.streams[0].lines] == ["line 0", "line 1", "line 2"]
    assert (first.total, first.returned, first.truncated) == (4, 3, True)
    assert any("more than 3 matching lines on c1" in note for note in first.notes)
    assert first.next_cursor is not None

    second = await service.query([target("c1", C1)], QUERY, limit=3, cursor=first.next_cursor)
    params = route.calls[1].request.url.params
    assert params["end"] == str(T0_NS - 2 * NS)  # older than the oldest line returned
    assert params["start"] == route.calls[0].request.url.params["start"]
    assert [ln.line for ln in second.streams[0].lines] == ["line 3"]
    assert (second.truncated, second.next_cursor) == (False, None)


async def test_the_cut_never_splits_lines_that_share_a_timestamp(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    same = T0_NS - 5 * NS
    respx_mock.get(C1 + RANGE).mock(
        return_value=json_response(streams((API, [(T0_NS, "new"), (same, "x"), (same, "y"), (same - NS, "old")])))
    )
    result = await make_service().query([target("c1", C1)], QUERY, limit=2)
    assert [ln.line for ln in result.streams[0].lines] == ["new"]
    assert result.truncated


async def test_no_data_is_a_success_that_says_what_was_searched_where(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(C1 + RANGE).mock(return_value=json_response(streams()))
    result = await make_service().query([target("c1", C1)], QUERY + ' |= "panic"', tenant="application")
    assert (result.total, result.returned, result.streams) == (0, 0, [])
    [note] = result.notes
    assert '{namespace="payments"} |= "panic"' in note
    assert "2023-11-14T21:13:20Z .. 2023-11-14T22:13:20Z" in note
    assert "c1" in note
    assert "tenant application" in note


async def test_one_failing_cluster_is_reported_and_the_others_answer(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(C1 + RANGE).mock(return_value=json_response(streams((API, lines(T0_NS, 2)))))
    respx_mock.get(C2 + RANGE).mock(return_value=httpx.Response(502, text="bad gateway"))
    result = await make_service().query([target("c1", C1), target("c2", C2)], QUERY)
    statuses = {c.cluster: (c.status, c.message) for c in result.clusters}
    assert statuses["c1"][0] == "ok"
    assert statuses["c2"][0] == "error"
    assert "502" in (statuses["c2"][1] or "")
    assert result.returned == 2
    assert any("Partial result" in note for note in result.notes)


async def test_bad_logql_everywhere_raises_lokis_own_message(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    message = "parse error at line 1, col 23: syntax error: unexpected IDENTIFIER"
    respx_mock.get(C1 + RANGE).mock(return_value=httpx.Response(400, text=message))
    respx_mock.get(C2 + RANGE).mock(return_value=httpx.Response(400, text=message))
    with pytest.raises(BackendError) as caught:
        await make_service().query([target("c1", C1), target("c2", C2)], QUERY + " |= oops")
    assert caught.value.body == message
    assert caught.value.status == 400


async def test_timeouts_are_reported_per_cluster(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    respx_mock.get(C1 + RANGE).mock(return_value=json_response(streams()))
    respx_mock.get(C2 + RANGE).mock(side_effect=httpx.ReadTimeout("slow"))
    result = await make_service().query([target("c1", C1), target("c2", C2)], QUERY)
    assert {c.cluster: c.status for c in result.clusters} == {"c1": "ok", "c2": "timeout"}


async def test_blanket_selectors_are_refused_before_any_backend_call(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    route = respx_mock.get(C1 + RANGE).mock(return_value=json_response(streams()))
    with pytest.raises(ToolInputError, match="every log stream"):
        await make_service().query([target("c1", C1)], '{namespace=~".+"}')
    assert route.call_count == 0


async def test_the_answer_stays_under_the_byte_cap_and_pages_the_rest(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(C1 + RANGE).mock(
        return_value=json_response(streams((API, lines(T0_NS, 200, template="{i} " + "x" * 300))))
    )
    result = await make_service(response_max_bytes=6000).query([target("c1", C1)], QUERY)
    assert len(to_json(result).encode()) <= 6000
    assert 5 < result.returned < 200
    assert result.truncated
    assert result.next_cursor is not None
    assert any("left out to stay under 6000 bytes" in note for note in result.notes)


async def test_very_long_lines_are_shortened_and_say_so(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(C1 + RANGE).mock(return_value=json_response(streams((API, [(T0_NS, "y" * 1500)]))))
    result = await make_service(max_line_chars=1000).query([target("c1", C1)], QUERY)
    assert result.streams[0].lines[0].line == "y" * 1000 + "…[+500 chars]"
    assert any("shortened" in note for note in result.notes)


async def test_metric_queries_come_back_as_series_summaries_highest_peak_first(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    t = T0_NS // NS
    route = respx_mock.get(C1 + RANGE).mock(
        return_value=json_response(
            matrix(
                ({"level": "info"}, [(t - 120, 10.0), (t - 60, 30.0), (t, 20.0)]),
                ({"level": "error"}, [(t - 120, 1.0), (t - 60, 90.0), (t, 3.0)]),
            )
        )
    )
    query = 'sum by (level) (count_over_time({namespace="payments"}[1m]))'
    result = await make_service().query([target("c1", C1)], query, step="1m")
    params = route.calls.last.request.url.params
    assert params["step"] == "60"
    assert "limit" not in params
    assert result.result_type == "matrix"
    assert result.step == "1m"
    error, info = result.series
    assert (error.labels, error.points, error.min, error.max, error.mean, error.last) == (
        {"level": "error"},
        3,
        1.0,
        90.0,
        31.33,
        3.0,
    )
    assert error.max_time == "2023-11-14T22:12:20Z"
    assert info.labels == {"level": "info"}
    assert (result.total, result.returned, result.truncated) == (2, 2, False)


async def test_metric_series_are_paged(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    many = [({"pod": f"p{i:02d}"}, [(1.0, float(i))]) for i in range(5)]
    respx_mock.get(C1 + RANGE).mock(return_value=json_response(matrix(*many)))
    service = make_service(max_series=2)
    query = 'sum by (pod) (count_over_time({namespace="payments"}[1m]))'
    first = await service.query([target("c1", C1)], query)
    assert [s.labels["pod"] for s in first.series] == ["p04", "p03"]
    second = await service.query([target("c1", C1)], query, cursor=first.next_cursor)
    assert [s.labels["pod"] for s in second.series] == ["p02", "p01"]


async def test_instant_metric_query_uses_the_query_endpoint_at_the_window_end(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    route = respx_mock.get(C1 + "/loki/api/v1/query").mock(
        return_value=json_response(vector(({"level": "error"}, 7.0)))
    )
    result = await make_service().query(
        [target("c1", C1)], 'sum by (level) (count_over_time({namespace="payments"}[5m]))', instant=True
    )
    assert route.calls.last.request.url.params["time"] == str(T0_NS)
    assert result.result_type == "vector"
    assert (result.series[0].last, result.series[0].points) == (7.0, 1)


async def test_an_instant_log_query_is_refused(make_service: ServiceFactory) -> None:
    with pytest.raises(ToolInputError, match="only metric queries"):
        await make_service().query([target("c1", C1)], QUERY, instant=True)


async def test_a_cursor_from_other_arguments_is_refused(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(C1 + RANGE).mock(return_value=json_response(streams((API, lines(T0_NS, 3)))))
    service = make_service()
    first = await service.query([target("c1", C1)], QUERY, limit=2)
    with pytest.raises(ToolInputError, match="different arguments"):
        await service.query([target("c1", C1)], QUERY, limit=5, cursor=first.next_cursor)
    with pytest.raises(ToolInputError, match="not a cursor"):
        await service.query([target("c1", C1)], QUERY, cursor="garbage!")
