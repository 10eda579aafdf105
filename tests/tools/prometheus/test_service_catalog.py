"""Metric names, label names/values, series and metadata merged across clusters."""

from __future__ import annotations

import httpx
import pytest
import respx

from tests.tools.prometheus.builders import json_response, success, target
from tests.tools.prometheus.conftest import ServiceFactory
from tools.errors import ToolInputError
from tools.prometheus.name_cache import NameCache


def names_route(respx_mock: respx.MockRouter, cluster: str, host: str | None = None) -> respx.Route:
    return respx_mock.get(f"http://{host or cluster + '.prom'}/api/v1/label/__name__/values")


async def test_list_names_merges_clusters_and_says_where_partial(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    names_route(respx_mock, "c1").mock(return_value=json_response(success(["DCGM_FI_DEV_GPU_UTIL", "up"])))
    names_route(respx_mock, "c2").mock(return_value=json_response(success(["node_load1", "up"])))
    result = await make_service().list_names([target("c1"), target("c2")])
    assert result.label == "__name__"
    assert result.values == ["DCGM_FI_DEV_GPU_UTIL", "node_load1", "up"]
    assert result.present_only_in == {"DCGM_FI_DEV_GPU_UTIL": ["c1"], "node_load1": ["c2"]}
    assert result.per_cluster == {"c1": 2, "c2": 2}


@pytest.mark.parametrize(("match", "expected"), [("dcgm", ["DCGM_FI_DEV_GPU_UTIL"]), ("^no.*1$", ["node_load1"])])
async def test_list_names_filters_by_substring_or_regex(
    respx_mock: respx.MockRouter, make_service: ServiceFactory, match: str, expected: list[str]
) -> None:
    names_route(respx_mock, "c1").mock(
        return_value=json_response(success(["DCGM_FI_DEV_GPU_UTIL", "node_load1", "up"]))
    )
    result = await make_service().list_names([target("c1")], match=match)
    assert result.values == expected
    assert result.match == [match]


async def test_list_names_pages_with_a_cursor(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    names_route(respx_mock, "c1").mock(return_value=json_response(success([f"m{i:02d}" for i in range(5)])))
    service = make_service()
    first = await service.list_names([target("c1")], limit=3)
    assert (first.values, first.total, first.truncated) == (["m00", "m01", "m02"], 5, True)
    second = await service.list_names([target("c1")], limit=3, cursor=first.next_cursor)
    assert second.values == ["m03", "m04"]
    with pytest.raises(ToolInputError, match="different arguments"):
        await service.list_names([target("c1")], match="m", cursor=first.next_cursor)


async def test_bad_name_regex_is_refused(make_service: ServiceFactory) -> None:
    with pytest.raises(ToolInputError, match="not a valid regex"):
        await make_service().list_names([target("c1")], match="(unclosed")


async def test_label_values_pass_selectors_and_global_view_narrows_them(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    r = respx_mock.get("http://thanos.hub/api/v1/label/namespace/values").mock(
        return_value=json_response(success(["a", "b"]))
    )
    service = make_service(global_view=target("hub", "http://thanos.hub"))
    result = await service.label_values([target("c1"), target("c2")], "namespace", match=['up{job="x"}'])
    assert result.values == ["a", "b"]
    assert r.calls.last.request.url.params.get_list("match[]") == ['up{cluster=~"c1|c2",job="x"}']
    assert any("Global view" in n for n in result.notes)


async def test_label_values_refuse_blanket_selectors(make_service: ServiceFactory) -> None:
    with pytest.raises(ToolInputError, match="every series"):
        await make_service().label_values([target("c1")], "job", match=['{__name__=~".+"}'])


async def test_label_names(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    respx_mock.post("http://c1.prom/api/v1/labels").mock(return_value=json_response(success(["__name__", "job"])))
    respx_mock.post("http://c2.prom/api/v1/labels").mock(return_value=json_response(success(["__name__", "gpu"])))
    result = await make_service().label_names([target("c1"), target("c2")])
    assert result.names == ["__name__", "gpu", "job"]
    assert result.present_only_in == {"gpu": ["c2"], "job": ["c1"]}


async def test_series_are_listed_per_cluster_with_common_labels(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    r = respx_mock.post("http://c1.prom/api/v1/series").mock(
        return_value=json_response(
            success(
                [{"__name__": "up", "job": "api", "instance": "a"}, {"__name__": "up", "job": "api", "instance": "b"}]
            )
        )
    )
    respx_mock.post("http://c2.prom/api/v1/series").mock(
        return_value=json_response(success([{"__name__": "up", "job": "api", "instance": "a"}]))
    )
    result = await make_service().series([target("c1"), target("c2")], ["up"], start="now-2h")
    assert result.common_labels == {"__name__": "up", "job": "api"}
    assert [(s.cluster, s.labels) for s in result.series] == [
        ("c1", {"instance": "a"}),
        ("c1", {"instance": "b"}),
        ("c2", {"instance": "a"}),
    ]
    form = httpx.QueryParams(r.calls.last.request.content.decode())
    assert float(form["end"]) - float(form["start"]) == 7200


async def test_series_needs_a_selector(make_service: ServiceFactory) -> None:
    with pytest.raises(ToolInputError, match="at least one"):
        await make_service().series([target("c1")], [])


async def test_metadata_is_merged_and_marks_partial_presence(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    up = {"type": "gauge", "help": "1 if the target is up.", "unit": ""}
    respx_mock.get("http://c1.prom/api/v1/metadata").mock(
        return_value=json_response(success({"up": [up], "DCGM_FI_DEV_GPU_UTIL": [{"type": "gauge", "help": "GPU"}]}))
    )
    respx_mock.get("http://c2.prom/api/v1/metadata").mock(return_value=json_response(success({"up": [up]})))
    result = await make_service().metadata([target("c1"), target("c2")])
    assert [(m.metric, m.type, m.clusters) for m in result.metrics] == [
        ("DCGM_FI_DEV_GPU_UTIL", "gauge", ["c1"]),
        ("up", "gauge", None),
    ]
    assert result.metrics[1].help == "1 if the target is up."
    assert result.metrics[1].unit is None


async def test_thousands_of_names_page_under_the_cap_without_gaps(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    names = [f"some_fairly_long_metric_name_number_{i:05d}_total" for i in range(5_000)]
    names_route(respx_mock, "c1").mock(return_value=json_response(success(names)))
    service = make_service()
    seen: list[str] = []
    cursor = None
    for _ in range(100):
        page = await service.list_names([target("c1")], limit=5_000, cursor=cursor)
        assert len(page.model_dump_json(exclude_none=True).encode()) <= 12_000
        seen += page.values
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == names


async def test_metric_names_are_fetched_once_per_endpoint_while_fresh(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    route = names_route(respx_mock, "c1").mock(return_value=json_response(success(["DCGM_FI_DEV_GPU_UTIL", "up"])))
    service = make_service()
    first = await service.list_names([target("c1")])
    filtered = await service.list_names([target("c1")], match="dcgm")
    assert route.call_count == 1
    assert first.values == ["DCGM_FI_DEV_GPU_UTIL", "up"] and filtered.values == ["DCGM_FI_DEV_GPU_UTIL"]
    uncached = make_service(metric_names_cache_s=0)
    await uncached.list_names([target("c1")])
    await uncached.list_names([target("c1")])
    assert route.call_count == 3


async def test_the_name_cache_expires_reports_its_age_and_stays_bounded() -> None:
    now = [100.0]
    fetched: list[str] = []

    async def fetch() -> list[str]:
        fetched.append("x")
        return ["up"]

    cache = NameCache(ttl_s=60, max_entries=2, clock=lambda: now[0])
    assert await cache.names(("c1", "http://a"), fetch) == (["up"], 0.0)
    now[0] += 30
    assert await cache.names(("c1", "http://a"), fetch) == (["up"], 30.0)
    now[0] += 31
    assert await cache.names(("c1", "http://a"), fetch) == (["up"], 0.0)
    assert len(fetched) == 2
    for i in range(5):
        await cache.names((f"c{i}", "http://b"), fetch)
    assert len(cache) == 2
