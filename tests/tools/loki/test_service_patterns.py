"""LogsService.patterns: templates per group, bursts against the baseline window, sampling, grouping and the cap."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import httpx
import pytest
import respx

from tests.tools.loki.builders import NS, T0_NS, StreamSpec, json_response, streams, target
from tests.tools.loki.conftest import ServiceFactory
from tools.contract import to_json
from tools.errors import ToolInputError

C1 = "http://c1.loki"
RANGE = "/loki/api/v1/query_range"
QUERY = '{namespace="payments"}'
PAY = {"namespace": "payments", "pod": "api-1"}
WINDOW_START = T0_NS - 3600 * NS
MIN = 60 * NS


def spread(count: int, template: str, *, end: int, span: int = 3500 * NS) -> list[tuple[int, str]]:
    """``count`` lines of ``template`` ({i} = index) spread evenly over ``span`` before ``end``, newest first."""
    return [(end - 1 - i * (span // max(count, 1)), template.format(i=i)) for i in range(count)]


def answer(window: Sequence[StreamSpec], baseline: Sequence[StreamSpec]) -> Callable[[httpx.Request], httpx.Response]:
    """Answer the window query with ``window`` streams and the preceding window's query with ``baseline``."""

    def respond(request: httpx.Request) -> httpx.Response:
        is_window = int(request.url.params["start"]) == WINDOW_START
        return json_response(streams(*(window if is_window else baseline)))

    return respond


def incident() -> tuple[list[StreamSpec], list[StreamSpec]]:
    uuid = "123e4567-e89b-12d3-a456-4266141740{i:02d}"
    window = spread(60, f"payment {uuid} declined reason=insufficient_funds", end=T0_NS)
    window += spread(40, "db timeout after {i}ms", end=T0_NS)
    window += spread(30, "GET /api/v1/items 200 {i}ms", end=T0_NS)
    window += spread(3, "cache miss key {i}", end=T0_NS)
    baseline = spread(30, "GET /api/v1/items 200 {i}ms", end=WINDOW_START)
    baseline += spread(5, "db timeout after {i}ms", end=WINDOW_START)
    return [(PAY, sorted(window, reverse=True))], [(PAY, sorted(baseline, reverse=True))]


async def test_templates_are_counted_exactly_per_namespace(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    window, baseline = incident()
    respx_mock.get(C1 + RANGE).mock(side_effect=answer(window, baseline))
    result = await make_service().patterns([target("c1", C1)], QUERY)
    [group] = result.groups
    assert (group.cluster, group.namespace, group.lines, group.baseline_lines) == ("c1", "payments", 133, 35)
    assert [(t.template, t.count, t.baseline_count) for t in group.templates] == [
        ("payment <UUID> declined reason=insufficient_funds", 60, 0),
        ("db timeout after <NUM>ms", 40, 5),
        ("GET /api/v<NUM>/items <NUM> <NUM>ms", 30, 30),
        ("cache miss key <NUM>", 3, 0),
    ]
    assert group.templates[0].share == 45.1
    assert group.templates[3].example == "cache miss key 0"
    assert (result.lines_sampled, result.total, result.returned, result.truncated) == (133, 1, 1, False)
    assert result.baseline_start == "2023-11-14T20:13:20Z"


async def test_bursts_are_jumps_against_the_baseline_and_frequent_new_templates(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    window, baseline = incident()
    respx_mock.get(C1 + RANGE).mock(side_effect=answer(window, baseline))
    result = await make_service().patterns([target("c1", C1)], QUERY)
    assert [(b.template, b.new, b.ratio, b.count, b.baseline_count) for b in result.bursts] == [
        ("payment <UUID> declined reason=insufficient_funds", True, None, 60, 0),
        ("db timeout after <NUM>ms", False, 8.0, 40, 5),
    ]  # GET lines kept their rate; the new cache-miss template has fewer than min_count lines
    db = result.bursts[1]
    assert (db.rate_per_min, db.baseline_rate_per_min) == (0.6667, 0.08333)


async def test_burst_thresholds_are_arguments(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    window, baseline = incident()
    respx_mock.get(C1 + RANGE).mock(side_effect=answer(window, baseline))
    result = await make_service().patterns([target("c1", C1)], QUERY, min_count=3, burst_ratio=10)
    assert [b.template for b in result.bursts] == [
        "payment <UUID> declined reason=insufficient_funds",
        "cache miss key <NUM>",
    ]


async def test_a_capped_sample_is_said_and_rates_use_the_span_it_covers(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    window = [(T0_NS - i * MIN, f"retry {i}") for i in range(11)]  # one a minute; 11 = sample_limit + 1
    baseline = spread(10, "retry {i}", end=WINDOW_START)
    route = respx_mock.get(C1 + RANGE).mock(side_effect=answer([(PAY, window)], [(PAY, baseline)]))
    result = await make_service().patterns([target("c1", C1)], QUERY, sample_limit=10, min_count=5)
    assert route.calls[0].request.url.params["limit"] == "11"
    assert result.groups[0].lines == 10
    assert any("Sample capped at the newest 10 lines" in note and "c1" in note for note in result.notes)
    [burst] = result.bursts
    assert (burst.rate_per_min, burst.ratio) == (1.111, 6.67)  # 10 lines over 9 min vs 10 lines over 60 min


async def test_groups_follow_streams_when_asked(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    other = {"namespace": "payments", "pod": "api-2"}
    window = [(PAY, spread(4, "ok {i}", end=T0_NS)), (other, spread(2, "fail {i}", end=T0_NS))]
    respx_mock.get(C1 + RANGE).mock(side_effect=answer(window, []))
    result = await make_service().patterns([target("c1", C1)], QUERY, group_by="stream", baseline="none")
    assert [(g.labels, g.lines, g.baseline_lines) for g in result.groups] == [(PAY, 4, None), (other, 2, None)]


async def test_openshift_logging_namespace_labels_are_understood(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    viaq = {"kubernetes_namespace_name": "payments", "log_type": "application"}
    respx_mock.get(C1 + RANGE).mock(side_effect=answer([(viaq, spread(3, "hello {i}", end=T0_NS))], []))
    result = await make_service().patterns([target("c1", C1)], '{kubernetes_namespace_name="payments"}')
    assert result.groups[0].namespace == "payments"


async def test_without_a_baseline_only_the_window_is_fetched(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    window, baseline = incident()
    route = respx_mock.get(C1 + RANGE).mock(side_effect=answer(window, baseline))
    result = await make_service().patterns([target("c1", C1)], QUERY, baseline="none")
    assert route.call_count == 1
    assert result.bursts == []
    assert result.baseline_start is None
    assert result.groups[0].templates[0].baseline_count is None


async def test_a_group_without_baseline_lines_gets_a_note_not_bursts(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    window, _ = incident()
    respx_mock.get(C1 + RANGE).mock(side_effect=answer(window, []))
    result = await make_service().patterns([target("c1", C1)], QUERY)
    assert result.bursts == []
    assert any("No baseline lines for c1/payments" in note for note in result.notes)


async def test_no_lines_is_a_success_that_says_what_was_searched(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(C1 + RANGE).mock(return_value=json_response(streams()))
    result = await make_service().patterns([target("c1", C1)], QUERY)
    assert (result.groups, result.bursts, result.lines_sampled) == ([], [], 0)
    assert any(QUERY in note and "c1" in note and "2023-11-14T21:13:20Z" in note for note in result.notes)


async def test_metric_queries_and_bad_thresholds_are_refused(make_service: ServiceFactory) -> None:
    with pytest.raises(ToolInputError, match="metric query"):
        await make_service().patterns([target("c1", C1)], "rate(" + QUERY + "[5m])")
    with pytest.raises(ToolInputError, match="sample_limit"):
        await make_service().patterns([target("c1", C1)], QUERY, sample_limit=6000)
    with pytest.raises(ToolInputError, match="burst_ratio"):
        await make_service().patterns([target("c1", C1)], QUERY, burst_ratio=1.0)


async def test_many_groups_stay_under_the_cap_and_keep_the_bursts(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    window: list[StreamSpec] = []
    for n in range(30):
        labels = {"namespace": f"ns-{n:02d}"}
        entries = [
            line
            for k in range(8)
            for line in spread(12, f"event{k} in component{n} value {{i}} " + "z" * 40, end=T0_NS)
        ]
        window.append((labels, sorted(entries, reverse=True)))
    respx_mock.get(C1 + RANGE).mock(side_effect=answer(window, [(w[0], w[1][:1]) for w in window]))
    result = await make_service(response_max_bytes=8000).patterns([target("c1", C1)], '{namespace=~"ns-00|ns-01"}')
    assert len(to_json(result).encode()) <= 8000
    assert result.truncated
    assert result.bursts  # protected while groups and templates were dropped
    assert result.returned < result.total
