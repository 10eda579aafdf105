"""TempoClient against respx: documented answers, and every failure mapped to an actionable error."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx

from tests.tools.tempo.builders import HAND_MADE, TRACE_ID, otlp_trace, search_body, search_hit
from tools.errors import BackendError, BackendTimeoutError
from tools.targets import BackendAuth, BackendTarget, HttpClientPool
from tools.tempo import TagValue, TempoClient

BASE = "http://tempo.test:3200"
PARSE_ERROR = "invalid TraceQL query: parse error at line 1, col 3: syntax error: unexpected IDENTIFIER"


def client(pool: HttpClientPool, token: str | None = None) -> TempoClient:
    target = BackendTarget("hub", "tempo", BASE, auth=BackendAuth(bearer_token=token))
    return TempoClient(pool.for_target(target), target, timeout=1.0)


async def test_search_reads_the_documented_answer_and_sends_the_window(pool: HttpClientPool) -> None:
    body = search_body(
        search_hit("2f3e0cee77ae5dc9c17ade3689eb2e54", duration_ms=557, matched=[(7, 446.979497)], error_attr=True),
        search_hit("1b1ba462b409200d", duration_ms=611, service_stats={"frontend": (4, 0), "cart": (3, 0)}),
    )
    with respx.mock() as mock:
        route = mock.get(f"{BASE}/api/search").respond(200, json=body)
        hits = await client(pool).search("{ status = error }", start=1700000000, end=1700003600, limit=20)
    params = parse_qs(urlsplit(str(route.calls.last.request.url)).query)
    assert params == {
        "q": ["{ status = error }"],
        "start": ["1700000000"],
        "end": ["1700003600"],
        "limit": ["20"],
        "spss": ["3"],
    }
    first, second = hits
    assert (first.trace_id, first.root_service, first.root_name, first.duration_ms) == (
        "2f3e0cee77ae5dc9c17ade3689eb2e54",
        "frontend",
        "GET /checkout",
        557.0,
    )
    assert first.matched == [("0000000000000007", 446_979_497)]
    assert first.error is True and first.span_count is None
    assert (second.span_count, second.error) == (7, False)


async def test_a_search_without_traces_is_empty(pool: HttpClientPool) -> None:
    with respx.mock() as mock:
        mock.get(f"{BASE}/api/search").respond(200, json={"metrics": {"totalBlocks": 0}})
        assert await client(pool).search("{}", start=1, end=2, limit=5) == []


async def test_a_traceql_parse_error_keeps_tempos_plain_text_message(pool: HttpClientPool) -> None:
    with respx.mock() as mock:
        mock.get(f"{BASE}/api/search").respond(400, text=PARSE_ERROR)
        with pytest.raises(BackendError) as caught:
            await client(pool).search("{ foo bar }", start=1, end=2, limit=5)
    error = caught.value
    assert (error.status, error.body, error.cluster, error.query) == (400, PARSE_ERROR, "hub", "{ foo bar }")
    assert PARSE_ERROR in str(error) and "TraceQL" in (error.hint or "")


async def test_a_server_error_names_the_status_and_body(pool: HttpClientPool) -> None:
    with respx.mock() as mock:
        mock.get(f"{BASE}/api/search").respond(503, text="too many outstanding requests")
        with pytest.raises(BackendError) as caught:
            await client(pool).search("{}", start=1, end=2, limit=5)
    assert caught.value.status == 503
    assert not isinstance(caught.value, BackendTimeoutError)
    assert "too many outstanding requests" in str(caught.value)


@pytest.mark.parametrize(
    "answer",
    [httpx.ReadTimeout("slow"), httpx.Response(504, text="context deadline exceeded")],
    ids=["client-timeout", "gateway-timeout"],
)
async def test_timeouts_are_timeout_errors(pool: HttpClientPool, answer: Exception | httpx.Response) -> None:
    with respx.mock() as mock:
        route = mock.get(f"{BASE}/api/search")
        if isinstance(answer, Exception):
            route.mock(side_effect=answer)
        else:
            route.mock(return_value=answer)
        with pytest.raises(BackendTimeoutError):
            await client(pool).search("{}", start=1, end=2, limit=5)


async def test_refused_credentials_never_echo_the_token(pool: HttpClientPool) -> None:
    with respx.mock() as mock:
        mock.get(f"{BASE}/api/search").respond(401, text="bad token s3cr3t-token")
        with pytest.raises(BackendError) as caught:
            await client(pool, token="s3cr3t-token").search("{}", start=1, end=2, limit=5)
    assert caught.value.status == 401
    assert "s3cr3t-token" not in str(caught.value)
    assert "bearer token" in str(caught.value)


async def test_a_body_that_is_not_json_is_explained(pool: HttpClientPool) -> None:
    with respx.mock() as mock:
        mock.get(f"{BASE}/api/search").respond(200, text="<html>login</html>")
        with pytest.raises(BackendError, match="not JSON"):
            await client(pool).search("{}", start=1, end=2, limit=5)


async def test_an_unreachable_tempo_is_a_backend_error(pool: HttpClientPool) -> None:
    with respx.mock() as mock:
        mock.get(f"{BASE}/api/search").mock(side_effect=httpx.ConnectError("refused"))
        with pytest.raises(BackendError, match="Cannot reach Tempo"):
            await client(pool).search("{}", start=1, end=2, limit=5)


async def test_trace_returns_the_otlp_json_or_none_for_404(pool: HttpClientPool) -> None:
    payload = otlp_trace(HAND_MADE)
    with respx.mock() as mock:
        mock.get(f"{BASE}/api/traces/{TRACE_ID}").respond(200, json=payload)
        mock.get(f"{BASE}/api/traces/ffff").respond(404, text="trace not found")
        assert await client(pool).trace(TRACE_ID) == payload
        assert await client(pool).trace("ffff") is None


async def test_trace_lookup_errors_are_not_mistaken_for_not_found(pool: HttpClientPool) -> None:
    with respx.mock() as mock:
        mock.get(f"{BASE}/api/traces/{TRACE_ID}").respond(500, text="failed to read block")
        with pytest.raises(BackendError, match="failed to read block"):
            await client(pool).trace(TRACE_ID)


async def test_tag_values_use_the_typed_v2_api(pool: HttpClientPool) -> None:
    body = {"tagValues": [{"type": "string", "value": "cart"}, {"type": "string", "value": "frontend"}]}
    with respx.mock() as mock:
        route = mock.get(f"{BASE}/api/v2/search/tag/resource.service.name/values").respond(200, json=body)
        values, api = await client(pool).tag_values(
            "resource.service.name", q="{ status = error }", start=1, end=2, limit=10
        )
    assert api == "v2"
    assert values == [TagValue("cart", "string"), TagValue("frontend", "string")]
    assert parse_qs(urlsplit(str(route.calls.last.request.url)).query)["q"] == ["{ status = error }"]


async def test_tag_values_fall_back_to_v1_when_v2_is_missing(pool: HttpClientPool) -> None:
    with respx.mock() as mock:
        mock.get(f"{BASE}/api/v2/search/tag/service.name/values").respond(404, text="404 page not found")
        mock.get(f"{BASE}/api/search/tag/service.name/values").respond(200, json={"tagValues": ["a", "b"]})
        values, api = await client(pool).tag_values("service.name", q=None, start=1, end=2, limit=10)
    assert api == "v1"
    assert values == [TagValue("a"), TagValue("b")]


async def test_a_v2_refusal_that_v1_cannot_answer_either_keeps_the_v2_message(pool: HttpClientPool) -> None:
    with respx.mock() as mock:
        mock.get(f"{BASE}/api/v2/search/tag/span.bad/values").respond(400, text="tag name is not valid")
        mock.get(f"{BASE}/api/search/tag/span.bad/values").respond(400, text="other")
        with pytest.raises(BackendError) as caught:
            await client(pool).tag_values("span.bad", q=None, start=1, end=2, limit=10)
    assert caught.value.body == "tag name is not valid"
