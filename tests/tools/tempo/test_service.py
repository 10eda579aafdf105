"""TracesService over respx-mocked Tempo (and Prometheus): fan-out status, no data, windows, paging, trace lookup."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx

from tests.tools.tempo.builders import HAND_MADE, TRACE_ID, otlp_trace, search_body, search_hit
from tests.tools.tempo.conftest import ServiceFactory
from tools.contract import to_json
from tools.errors import BackendError, ToolInputError
from tools.targets import BackendTarget

PARSE_ERROR = "invalid TraceQL query: parse error at line 1, col 10: syntax error: unexpected IDENTIFIER"


def tempo(cluster: str) -> BackendTarget:
    return BackendTarget(cluster, "tempo", f"http://{cluster}.test")


async def test_search_merges_clusters_slowest_first_and_labels_the_dead_ones(make_service: ServiceFactory) -> None:
    with respx.mock() as mock:
        mock.get("http://alive.test/api/search").respond(
            200, json=search_body(search_hit("a1", duration_ms=50), search_hit("a2", duration_ms=900))
        )
        mock.get("http://other.test/api/search").respond(200, json=search_body(search_hit("o1", duration_ms=300)))
        mock.get("http://broken.test/api/search").respond(503, text="unavailable")
        mock.get("http://silent.test/api/search").mock(side_effect=httpx.ReadTimeout("slow"))
        result = await make_service().search([tempo(c) for c in ("alive", "other", "broken", "silent")], "{}")
    assert [(t.cluster, t.trace_id, t.duration_ms) for t in result.traces] == [
        ("alive", "a2", 900.0),
        ("other", "o1", 300.0),
        ("alive", "a1", 50.0),
    ]
    statuses = {c.cluster: c.status for c in result.clusters}
    assert statuses == {"alive": "ok", "other": "ok", "broken": "error", "silent": "timeout"}
    assert result.answered == ["alive", "other"]
    assert any("failed: broken, silent" in n for n in result.notes)


async def test_a_bad_traceql_everywhere_raises_tempos_own_words(make_service: ServiceFactory) -> None:
    with respx.mock() as mock:
        mock.get("http://a.test/api/search").respond(400, text=PARSE_ERROR)
        mock.get("http://b.test/api/search").respond(400, text=PARSE_ERROR)
        with pytest.raises(BackendError) as caught:
            await make_service().search([tempo("a"), tempo("b")], "{ nope nope }")
    assert PARSE_ERROR in str(caught.value) and "{ nope nope }" in str(caught.value)


async def test_no_match_is_a_success_that_says_what_was_searched_where(make_service: ServiceFactory) -> None:
    with respx.mock() as mock:
        mock.get("http://hub.test/api/search").respond(200, json=search_body())
        result = await make_service().search([tempo("hub")], "{ status = error }", start="now-15m")
    assert result.total == 0 and result.traces == []
    assert any("{ status = error }" in n and "hub" in n for n in result.notes)


@pytest.mark.parametrize(
    ("start", "end", "message"), [("now-25h", "now", "longer than"), ("now", "now-1h", "is not after")]
)
async def test_windows_are_checked_before_any_call(
    make_service: ServiceFactory, start: str, end: str, message: str
) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.get("http://hub.test/api/search").respond(200, json=search_body())
        with pytest.raises(ToolInputError, match=message):
            await make_service().search([tempo("hub")], "{}", start=start, end=end)
    assert route.call_count == 0


async def test_search_pages_through_the_merged_list_over_the_same_window(make_service: ServiceFactory) -> None:
    service = make_service()
    with respx.mock() as mock:
        for cluster in ("a", "b"):
            hits = [search_hit(f"{cluster}{i}", duration_ms=100 * i + (cluster == "b")) for i in range(1, 4)]
            mock.get(f"http://{cluster}.test/api/search").respond(200, json=search_body(*hits))
        first = await service.search([tempo("a"), tempo("b")], "{}", limit=3)
        assert first.next_cursor is not None
        second = await service.search([tempo("a"), tempo("b")], "{}", limit=3, cursor=first.next_cursor)
        windows = {
            (q["start"][0], q["end"][0]) for q in (parse_qs(urlsplit(str(c.request.url)).query) for c in mock.calls)
        }
    assert [t.trace_id for t in first.traces] == ["b3", "a3", "b2"]
    assert [t.trace_id for t in second.traces] == ["a2", "b1", "a1"]
    assert (first.total, first.truncated, second.next_cursor) == (6, True, None)
    assert len(windows) == 1


async def test_a_cursor_from_other_arguments_is_refused(make_service: ServiceFactory) -> None:
    service = make_service()
    with respx.mock() as mock:
        hits = [search_hit(f"t{i}", duration_ms=i) for i in range(3)]
        mock.get("http://hub.test/api/search").respond(200, json=search_body(*hits))
        first = await service.search([tempo("hub")], "{}", limit=1)
        with pytest.raises(ToolInputError, match="different arguments"):
            await service.search([tempo("hub")], "{ status = error }", limit=1, cursor=first.next_cursor)


async def test_get_trace_summarises_and_offers_the_span_list(make_service: ServiceFactory) -> None:
    service = make_service()
    with respx.mock() as mock:
        mock.get(f"http://hub.test/api/traces/{TRACE_ID}").respond(200, json=otlp_trace(HAND_MADE))
        summary = await service.get_trace(tempo("hub"), TRACE_ID.upper())
        assert summary.next_cursor is not None
        page = await service.get_trace(tempo("hub"), TRACE_ID, cursor=summary.next_cursor)
        raw = json.loads(await service.trace_spans(tempo("hub"), TRACE_ID))
    assert summary.found and summary.trace_id == TRACE_ID
    assert (summary.total, summary.returned, summary.truncated) == (7, 0, True)
    assert summary.resource_uri == f"traces://trace/hub/{TRACE_ID}"
    assert [p.name for p in summary.critical_path][-1] == "Charge"
    assert summary.spans == []
    assert (page.returned, page.truncated, page.next_cursor) == (7, False, None)
    assert page.critical_path == [] and len(page.spans) == 7
    assert (raw["total"], raw["returned"], raw["truncated"]) == (7, 7, False)


async def test_a_small_byte_cap_drops_detail_before_the_critical_path(make_service: ServiceFactory) -> None:
    with respx.mock() as mock:
        mock.get(f"http://hub.test/api/traces/{TRACE_ID}").respond(200, json=otlp_trace(HAND_MADE))
        result = await make_service(response_max_bytes=2200).get_trace(tempo("hub"), TRACE_ID)
    assert len(to_json(result).encode()) <= 2200
    assert len(result.services) == 1 and len(result.slowest_spans) == 1
    assert result.critical_path, "the critical path is what traces_get is for"


async def test_an_unknown_trace_id_is_an_answer_not_an_error(make_service: ServiceFactory) -> None:
    with respx.mock() as mock:
        mock.get("http://hub.test/api/traces/abc123").respond(404, text="trace not found")
        result = await make_service().get_trace(tempo("hub"), "abc123")
    assert result.found is False
    assert result.clusters[0].status == "ok"
    assert any("No trace with id abc123 on cluster hub" in n for n in result.notes)


async def test_a_malformed_trace_id_is_refused_before_asking(make_service: ServiceFactory) -> None:
    with pytest.raises(ToolInputError, match="not a trace id"):
        await make_service().get_trace(tempo("hub"), "../../etc")


async def test_the_span_resource_is_capped(make_service: ServiceFactory) -> None:
    with respx.mock() as mock:
        mock.get(f"http://hub.test/api/traces/{TRACE_ID}").respond(200, json=otlp_trace(HAND_MADE))
        raw = await make_service(resource_max_bytes=700).trace_spans(tempo("hub"), TRACE_ID)
    body = json.loads(raw)
    assert len(raw) <= 700
    assert body["truncated"] is True and 0 < body["returned"] < 7


async def test_tag_values_merge_clusters_and_say_which_api_answered(make_service: ServiceFactory) -> None:
    v2 = {"tagValues": [{"type": "string", "value": "cart"}, {"type": "string", "value": "frontend"}]}
    with respx.mock() as mock:
        mock.get("http://new.test/api/v2/search/tag/resource.service.name/values").respond(200, json=v2)
        mock.get("http://old.test/api/v2/search/tag/resource.service.name/values").respond(404)
        mock.get("http://old.test/api/search/tag/resource.service.name/values").respond(
            200, json={"tagValues": ["frontend", "legacy"]}
        )
        result = await make_service().tag_values([tempo("new"), tempo("old")], "resource.service.name")
    assert [(v.value, v.clusters) for v in result.values] == [
        ("cart", ["new"]),
        ("frontend", None),
        ("legacy", ["old"]),
    ]
    assert result.api == {"new": "v2", "old": "v1"}
    assert any("old: answered by the v1 tag API" in n for n in result.notes)
