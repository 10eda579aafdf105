"""LokiClient against respx-mocked Loki answers: request shape, tenancy, success shapes and every error path."""

from __future__ import annotations

import httpx
import pytest
import respx

from tests.tools.loki.builders import NS, T0_NS, json_response, matrix, streams, success, target, vector
from tools.errors import BackendError, BackendTimeoutError, ToolInputError
from tools.loki.client import LokiClient, resolve_tenancy
from tools.targets import HttpClientPool

URL = "http://c1.loki"
PARSE_ERROR = "parse error at line 1, col 19: syntax error: unexpected IDENTIFIER, expecting STRING"


def client(
    pool: HttpClientPool,
    url: str = URL,
    *,
    token: str | None = None,
    tenant: str | None = None,
    labels: dict[str, str] | None = None,
) -> LokiClient:
    return LokiClient(pool.client(), target("c1", url, token=token, labels=labels), tenant=tenant, timeout=5.0)


async def test_query_range_sends_nanosecond_bounds_limit_and_direction(
    respx_mock: respx.MockRouter, pool: HttpClientPool
) -> None:
    route = respx_mock.get(f"{URL}/loki/api/v1/query_range").mock(
        return_value=json_response(streams(({"namespace": "payments"}, [(T0_NS, "boom")])))
    )
    data = await client(pool, token="s3cret").query_range(
        '{namespace="payments"}', start_ns=T0_NS - 3600 * NS, end_ns=T0_NS, limit=201
    )
    request = route.calls.last.request
    assert dict(request.url.params) == {
        "query": '{namespace="payments"}',
        "start": str(T0_NS - 3600 * NS),
        "end": str(T0_NS),
        "direction": "backward",
        "limit": "201",
    }
    assert request.headers["Authorization"] == "Bearer s3cret"
    assert "X-Scope-OrgID" not in request.headers
    assert data.result_type == "streams"
    assert data.result == [{"stream": {"namespace": "payments"}, "values": [[str(T0_NS), "boom"]]}]


async def test_metric_range_query_returns_the_matrix_and_sends_the_step(
    respx_mock: respx.MockRouter, pool: HttpClientPool
) -> None:
    route = respx_mock.get(f"{URL}/loki/api/v1/query_range").mock(
        return_value=json_response(matrix(({"level": "error"}, [(1.0, 3.0), (61.0, 5.0)])))
    )
    data = await client(pool).query_range('sum(rate({a="b"}[1m]))', start_ns=0, end_ns=NS * 120, step_s=60)
    assert route.calls.last.request.url.params["step"] == "60"
    assert data.result_type == "matrix"
    assert data.result[0]["values"] == [[1.0, "3.0"], [61.0, "5.0"]]


async def test_instant_query_returns_a_vector_and_scalars_are_wrapped(
    respx_mock: respx.MockRouter, pool: HttpClientPool
) -> None:
    route = respx_mock.get(f"{URL}/loki/api/v1/query").mock(
        side_effect=[
            json_response(vector(({"level": "warn"}, 7.0))),
            json_response(success({"resultType": "scalar", "result": [1.0, "2"]})),
        ]
    )
    first = await client(pool).query('count_over_time({a="b"}[5m])', time_ns=T0_NS)
    second = await client(pool).query("vector(2)")
    assert route.calls[0].request.url.params["time"] == str(T0_NS)
    assert first.result_type == "vector"
    assert first.result[0]["metric"] == {"level": "warn"}
    assert (second.result_type, second.result) == ("vector", [{"metric": {}, "value": [1.0, "2"]}])


async def test_labels_label_values_and_series(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    labels = respx_mock.get(f"{URL}/loki/api/v1/labels").mock(return_value=json_response(success(["namespace", "pod"])))
    values = respx_mock.get(f"{URL}/loki/api/v1/label/namespace/values").mock(
        return_value=json_response(success(["payments", "billing"]))
    )
    series = respx_mock.get(f"{URL}/loki/api/v1/series").mock(
        return_value=json_response(success([{"namespace": "payments", "pod": "api-1"}]))
    )
    c = client(pool)
    assert await c.labels(start_ns=1, end_ns=2, query='{namespace="payments"}') == ["namespace", "pod"]
    assert await c.label_values("namespace", start_ns=1, end_ns=2) == ["payments", "billing"]
    assert await c.series(['{namespace="payments"}'], start_ns=1, end_ns=2) == [
        {"namespace": "payments", "pod": "api-1"}
    ]
    assert dict(labels.calls.last.request.url.params) == {"start": "1", "end": "2", "query": '{namespace="payments"}'}
    assert "query" not in values.calls.last.request.url.params
    assert series.calls.last.request.url.params.get_list("match[]") == ['{namespace="payments"}']


async def test_an_empty_label_list_may_come_as_null(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    respx_mock.get(f"{URL}/loki/api/v1/labels").mock(return_value=json_response(success(None)))
    assert await client(pool).labels() == []


async def test_a_label_name_is_checked_before_it_goes_into_the_path(pool: HttpClientPool) -> None:
    with pytest.raises(ToolInputError, match="not a label name"):
        await client(pool).label_values("../../admin")


async def test_tenant_header_is_sent_when_a_tenant_is_configured(
    respx_mock: respx.MockRouter, pool: HttpClientPool
) -> None:
    route = respx_mock.get(f"{URL}/loki/api/v1/labels").mock(return_value=json_response(success([])))
    await client(pool, tenant="team-a").labels()
    assert route.calls.last.request.headers["X-Scope-OrgID"] == "team-a"
    await client(pool, labels={"loki-tenant": "team-b"}).labels()
    assert route.calls.last.request.headers["X-Scope-OrgID"] == "team-b"


@pytest.mark.parametrize(
    ("url", "tenant", "base", "header"),
    [
        ("https://gw/api/logs/v1/application", None, "https://gw/api/logs/v1/application", None),
        ("https://gw/api/logs/v1/application/", "audit", "https://gw/api/logs/v1/audit", None),
        ("https://gw/api/logs/v1", None, "https://gw/api/logs/v1/application", None),
        ("https://gw/api/logs/v1", "infrastructure", "https://gw/api/logs/v1/infrastructure", None),
        ("http://loki:3100/", None, "http://loki:3100", None),
        ("http://loki:3100", "fake", "http://loki:3100", "fake"),
    ],
)
def test_tenancy_follows_the_registered_url(url: str, tenant: str | None, base: str, header: str | None) -> None:
    tenancy = resolve_tenancy(target("c1", url), tenant)
    assert tenancy.base_url == base
    assert tenancy.headers.get("X-Scope-OrgID") == header


async def test_lokistack_gateway_route_gets_the_api_path_and_bearer_token(
    respx_mock: respx.MockRouter, pool: HttpClientPool
) -> None:
    gateway = "https://lokistack-gateway.openshift-logging.svc:8080/api/logs/v1/application"
    route = respx_mock.get(
        "https://lokistack-gateway.openshift-logging.svc:8080/api/logs/v1/infrastructure/loki/api/v1/query_range"
    ).mock(return_value=json_response(streams()))
    await client(pool, gateway, token="sa-token", tenant="infrastructure").query_range('{a="b"}', start_ns=0, end_ns=1)
    request = route.calls.last.request
    assert request.headers["Authorization"] == "Bearer sa-token"
    assert "X-Scope-OrgID" not in request.headers


async def test_bad_logql_gives_lokis_plain_text_message_verbatim(
    respx_mock: respx.MockRouter, pool: HttpClientPool
) -> None:
    respx_mock.get(f"{URL}/loki/api/v1/query_range").mock(return_value=httpx.Response(400, text=PARSE_ERROR + "\n"))
    with pytest.raises(BackendError) as caught:
        await client(pool).query_range('{namespace=payments"}', start_ns=0, end_ns=1, time_range="r")
    error = caught.value
    assert (error.status, error.body, error.cluster, error.query) == (400, PARSE_ERROR, "c1", '{namespace=payments"}')
    assert PARSE_ERROR in str(error)
    assert "Loki's own message" in str(error)


async def test_a_json_error_body_is_read_for_its_message(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    respx_mock.get(f"{URL}/loki/api/v1/query_range").mock(
        return_value=httpx.Response(400, json={"status": "error", "errorType": "bad_data", "error": PARSE_ERROR})
    )
    with pytest.raises(BackendError) as caught:
        await client(pool).query_range("x", start_ns=0, end_ns=1)
    assert caught.value.body == PARSE_ERROR


@pytest.mark.parametrize("status", [401, 403])
async def test_refused_credentials_say_so_without_leaking_the_token(
    respx_mock: respx.MockRouter, pool: HttpClientPool, status: int
) -> None:
    respx_mock.get(f"{URL}/loki/api/v1/labels").mock(
        return_value=httpx.Response(status, text="token s3cret-token is not allowed")
    )
    with pytest.raises(BackendError) as caught:
        await client(pool, token="s3cret-token").labels()
    text = str(caught.value)
    assert "refused the credentials" in text
    assert "bearer token" in text
    assert "s3cret-token" not in text
    assert "cluster-logging-application-view" in text


async def test_server_errors_keep_the_body_and_are_not_user_errors(
    respx_mock: respx.MockRouter, pool: HttpClientPool
) -> None:
    respx_mock.get(f"{URL}/loki/api/v1/query_range").mock(
        return_value=httpx.Response(503, text="too many unhealthy instances in the ring")
    )
    with pytest.raises(BackendError) as caught:
        await client(pool).query_range('{a="b"}', start_ns=0, end_ns=1)
    assert not isinstance(caught.value, BackendTimeoutError)
    assert caught.value.status == 503
    assert caught.value.body == "too many unhealthy instances in the ring"


@pytest.mark.parametrize(
    ("status", "body"),
    [(504, "Gateway Timeout"), (500, "rpc error: code = Canceled desc = context deadline exceeded")],
)
async def test_lokis_own_timeouts_become_timeout_errors(
    respx_mock: respx.MockRouter, pool: HttpClientPool, status: int, body: str
) -> None:
    respx_mock.get(f"{URL}/loki/api/v1/query_range").mock(return_value=httpx.Response(status, text=body))
    with pytest.raises(BackendTimeoutError) as caught:
        await client(pool).query_range('{a="b"}', start_ns=0, end_ns=1)
    assert caught.value.body == body


async def test_client_side_timeout_becomes_a_timeout_error(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    respx_mock.get(f"{URL}/loki/api/v1/query_range").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(BackendTimeoutError, match="did not answer in time"):
        await client(pool).query_range('{a="b"}', start_ns=0, end_ns=1)


async def test_unreachable_loki_is_a_backend_error(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    respx_mock.get(f"{URL}/loki/api/v1/labels").mock(side_effect=httpx.ConnectError("connection refused"))
    with pytest.raises(BackendError, match="Cannot reach Loki"):
        await client(pool).labels()


@pytest.mark.parametrize(
    ("response", "match"),
    [
        (httpx.Response(200, text="<html>login</html>"), "not JSON"),
        (httpx.Response(200, json={"status": "error"}), "without a success envelope"),
        (httpx.Response(302, headers={"location": "https://oauth/login"}), "redirected"),
        (httpx.Response(404, text="404 page not found"), "HTTP 404"),
        (json_response(success({"resultType": "weird", "result": []})), "resultType"),
    ],
)
async def test_answers_that_are_not_loki_say_what_to_check(
    respx_mock: respx.MockRouter, pool: HttpClientPool, response: httpx.Response, match: str
) -> None:
    respx_mock.get(f"{URL}/loki/api/v1/query_range").mock(return_value=response)
    with pytest.raises(BackendError, match=match):
        await client(pool).query_range('{a="b"}', start_ns=0, end_ns=1)
