"""MetricsService.query: top-k samples across clusters, special values, scalars, range vectors, paging."""

from __future__ import annotations

import math

import httpx
import pytest
import respx

from tests.tools.prometheus.builders import T0, json_response, matrix, success, target, vector
from tests.tools.prometheus.conftest import ServiceFactory
from tools.errors import ToolInputError


def route(respx_mock: respx.MockRouter, cluster: str) -> respx.Route:
    return respx_mock.post(f"http://{cluster}.prom/api/v1/query")


async def test_samples_are_ranked_by_value_across_clusters(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    route(respx_mock, "c1").mock(
        return_value=json_response(
            success(vector([({"job": "api", "pod": "a"}, 3.0), ({"job": "api", "pod": "b"}, math.nan)]))
        )
    )
    route(respx_mock, "c2").mock(
        return_value=json_response(
            success(vector([({"job": "api", "pod": "c"}, 7.123456789), ({"job": "api", "pod": "d"}, math.inf)]))
        )
    )
    result = await make_service().query([target("c1"), target("c2")], "x", time=T0)
    assert result.time == "2023-11-14T22:13:20Z"
    assert result.result_type == "vector"
    assert result.common_labels == {"job": "api"}
    assert [(s.cluster, s.labels["pod"], s.value) for s in result.samples] == [
        ("c2", "c", 7.12346),
        ("c1", "a", 3.0),
        ("c1", "b", "NaN"),
        ("c2", "d", "+Inf"),
    ]
    assert (result.total, result.returned, result.truncated) == (4, 4, False)


async def test_instant_query_sends_the_resolved_time(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    r = route(respx_mock, "c1").mock(return_value=json_response(success(vector([({}, 1.0)]))))
    await make_service().query([target("c1")], "x", time="2023-11-14T22:13:20Z")
    assert dict(httpx.QueryParams(r.calls.last.request.content.decode()))["time"] == "1700000000"


async def test_scalar_result_is_exposed_as_scalar(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    route(respx_mock, "c1").mock(return_value=json_response(success({"resultType": "scalar", "result": [T0, "42"]})))
    result = await make_service().query([target("c1")], "scalar(count(up))", time=T0)
    assert (result.result_type, result.scalar) == ("scalar", 42.0)
    assert [(s.cluster, s.value) for s in result.samples] == [("c1", 42.0)]


async def test_range_vector_result_shows_last_values_and_says_so(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    route(respx_mock, "c1").mock(return_value=json_response(success(matrix([({"pod": "a"}, [1.0, 2.0, 5.0])]))))
    result = await make_service().query([target("c1")], "x[1m]", time=T0)
    assert result.samples[0].value == 5.0
    assert any("range vector" in n for n in result.notes)


async def test_top_k_and_cursor(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    route(respx_mock, "c1").mock(
        return_value=json_response(success(vector([({"pod": f"p{i}"}, float(i)) for i in range(5)])))
    )
    service = make_service()
    first = await service.query([target("c1")], "x", time="now", top_k=3)
    assert [s.labels["pod"] for s in first.samples] == ["p4", "p3", "p2"]
    assert first.truncated and first.next_cursor
    second = await service.query([target("c1")], "x", time="now", top_k=3, cursor=first.next_cursor)
    assert [s.labels["pod"] for s in second.samples] == ["p1", "p0"]
    assert second.next_cursor is None
    with pytest.raises(ToolInputError, match="different arguments"):
        await service.query([target("c1")], "y", time="now", top_k=3, cursor=first.next_cursor)


async def test_instant_no_data_note(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    route(respx_mock, "c1").mock(return_value=json_response(success(vector([]))))
    result = await make_service().query([target("c1")], "missing_metric", time=T0)
    assert result.samples == []
    assert result.notes == [
        "No data: 'missing_metric' returned nothing on c1 at 2023-11-14T22:13:20Z. Check the metric name and "
        "label values, or query an earlier time."
    ]


@pytest.mark.parametrize("top_k", [0, 501])
async def test_top_k_out_of_range_is_refused(make_service: ServiceFactory, top_k: int) -> None:
    with pytest.raises(ToolInputError, match="top_k"):
        await make_service().query([target("c1")], "x", top_k=top_k)


async def test_global_view_instant_samples_are_attributed(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.post("http://thanos.hub/api/v1/query").mock(
        return_value=json_response(success(vector([({"cluster": "c1"}, 1.0), ({"cluster": "c9"}, 2.0)])))
    )
    service = make_service(global_view=target("hub", "http://thanos.hub"))
    result = await service.query([target("c1"), target("c2")], "sum by (cluster) (up)", time=T0)
    assert [(s.cluster, s.labels, s.value) for s in result.samples] == [("c1", {}, 1.0)]
    assert any("c2" in n for n in result.notes)
