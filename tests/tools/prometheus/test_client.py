"""PrometheusClient against respx-mocked Prometheus answers: request shape, success shapes and every error path."""

from __future__ import annotations

import re

import httpx
import pytest
import respx

from tests.tools.prometheus.builders import T0, error_body, json_response, matrix, success, target, vector
from tools.errors import BackendError, BackendTimeoutError, ToolInputError
from tools.fanout import fan_out
from tools.prometheus.client import PrometheusAPIError, PrometheusClient
from tools.targets import HttpClientPool

URL = "http://c1.prom"
PARSE_ERROR = '1:5: parse error: unexpected "}" in label matching, expected string'


def client(pool: HttpClientPool, *, token: str | None = None, timeout: float = 10.0) -> PrometheusClient:
    return PrometheusClient(pool.client(), target("c1", URL, token=token), timeout=timeout)


async def test_query_posts_a_form_with_timeout_and_auth_header(
    respx_mock: respx.MockRouter, pool: HttpClientPool
) -> None:
    route = respx_mock.post(f"{URL}/api/v1/query").mock(
        return_value=json_response(success(vector([({"job": "api"}, 1.0)])))
    )
    data = await client(pool, token="s3cret").query('up{job="api"}', time=T0)
    request = route.calls.last.request
    form = dict(httpx.QueryParams(request.content.decode()))
    assert form == {"query": 'up{job="api"}', "time": "1700000000", "timeout": "10000ms"}
    assert request.headers["Authorization"] == "Bearer s3cret"
    assert data.result_type == "vector"
    assert data.result == [{"metric": {"job": "api"}, "value": [T0, "1.0"]}]


async def test_query_range_sends_bounds_and_step(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    route = respx_mock.post(f"{URL}/api/v1/query_range").mock(
        return_value=json_response(success(matrix([({"pod": "a"}, [1.0, 2.0])])))
    )
    data = await client(pool).query_range("x", start=T0, end=T0 + 3600, step=15)
    form = dict(httpx.QueryParams(route.calls.last.request.content.decode()))
    assert (form["start"], form["end"], form["step"]) == ("1700000000", "1700003600", "15")
    assert data.result_type == "matrix"
    assert data.result[0]["values"] == [[T0, "1.0"], [T0 + 15, "2.0"]]


async def test_scalar_results_are_wrapped_as_one_sample(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    respx_mock.post(f"{URL}/api/v1/query").mock(
        return_value=json_response(success({"resultType": "scalar", "result": [T0, "42"]}))
    )
    data = await client(pool).query("scalar(count(up))")
    assert data.result_type == "scalar"
    assert data.result == [{"metric": {}, "value": [T0, "42"]}]


async def test_warnings_are_kept(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    respx_mock.post(f"{URL}/api/v1/query").mock(
        return_value=json_response(success(vector([]), warnings=["PromQL info: metric might not be a counter"]))
    )
    data = await client(pool).query("rate(x[5m])")
    assert data.warnings == ["PromQL info: metric might not be a counter"]


async def test_400_bad_data_carries_prometheus_error_verbatim_and_the_query(
    respx_mock: respx.MockRouter, pool: HttpClientPool
) -> None:
    respx_mock.post(f"{URL}/api/v1/query").mock(
        return_value=json_response(error_body("bad_data", PARSE_ERROR), status=400)
    )
    with pytest.raises(PrometheusAPIError) as info:
        await client(pool).query("up{job=}")
    error = info.value
    assert PARSE_ERROR in str(error)
    assert "query='up{job=}'" in str(error)
    assert "c1" in str(error)
    assert (error.status, error.error_type, error.error, error.backend) == (400, "bad_data", PARSE_ERROR, "prometheus")
    assert error.is_user_error
    assert error.time_range == "at now"


async def test_error_status_inside_a_200_is_still_an_error(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    respx_mock.post(f"{URL}/api/v1/query").mock(
        return_value=json_response(error_body("execution", "many-to-many matching not allowed"))
    )
    with pytest.raises(PrometheusAPIError, match="many-to-many matching not allowed") as info:
        await client(pool).query("a * b")
    assert info.value.error_type == "execution"


async def test_5xx_with_a_non_json_body_is_reported_with_the_body(
    respx_mock: respx.MockRouter, pool: HttpClientPool
) -> None:
    respx_mock.post(f"{URL}/api/v1/query").mock(return_value=httpx.Response(502, text="<html>Bad Gateway</html>"))
    with pytest.raises(BackendError) as info:
        await client(pool).query("up")
    assert info.value.status == 502
    assert "<html>Bad Gateway</html>" in str(info.value)
    assert not isinstance(info.value, PrometheusAPIError)


async def test_5xx_with_a_prometheus_error_is_not_a_user_error(
    respx_mock: respx.MockRouter, pool: HttpClientPool
) -> None:
    respx_mock.post(f"{URL}/api/v1/query").mock(
        return_value=json_response(error_body("internal", "tsdb unavailable"), status=500)
    )
    with pytest.raises(PrometheusAPIError, match="tsdb unavailable") as info:
        await client(pool).query("up")
    assert not info.value.is_user_error


@pytest.mark.parametrize("status", [401, 403])
async def test_refused_credentials_say_so_without_echoing_the_token(
    respx_mock: respx.MockRouter, pool: HttpClientPool, status: int
) -> None:
    respx_mock.post(f"{URL}/api/v1/query").mock(return_value=httpx.Response(status, text="token s3cret rejected"))
    with pytest.raises(BackendError) as info:
        await client(pool, token="s3cret").query("up")
    assert "refused the credentials" in str(info.value)
    assert info.value.status == status
    assert "s3cret" not in str(info.value)


async def test_read_timeout_becomes_a_timeout_error(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    respx_mock.post(f"{URL}/api/v1/query").mock(side_effect=httpx.ReadTimeout("read timed out"))
    with pytest.raises(BackendTimeoutError) as info:
        await client(pool).query("up")
    assert "did not answer in time" in str(info.value)


async def test_prometheus_own_timeout_is_a_timeout_error(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    respx_mock.post(f"{URL}/api/v1/query").mock(
        return_value=json_response(error_body("timeout", "query timed out in expression evaluation"), status=503)
    )
    with pytest.raises(BackendTimeoutError, match="query timed out in expression evaluation"):
        await client(pool).query("up")


async def test_timeouts_are_reported_as_timeout_by_fan_out(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    respx_mock.post(f"{URL}/api/v1/query").mock(side_effect=httpx.ReadTimeout("read timed out"))
    prom = client(pool)
    [result] = await fan_out([prom], lambda c: c.query("up"), cluster_of=lambda c: c.target.cluster, timeout=5)
    assert result.status == "timeout"
    assert result.cluster == "c1"


async def test_garbage_json_is_a_clear_error(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    respx_mock.post(f"{URL}/api/v1/query").mock(return_value=httpx.Response(200, text="{not json"))
    with pytest.raises(BackendError, match="not JSON") as info:
        await client(pool).query("up")
    assert "{not json" in str(info.value)


async def test_json_that_is_not_an_envelope_is_a_clear_error(
    respx_mock: respx.MockRouter, pool: HttpClientPool
) -> None:
    respx_mock.post(f"{URL}/api/v1/query").mock(return_value=json_response([1, 2, 3]))
    with pytest.raises(BackendError, match="not an API envelope"):
        await client(pool).query("up")


async def test_success_without_result_type_is_a_shape_error(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    respx_mock.post(f"{URL}/api/v1/query").mock(return_value=json_response(success({"result": []})))
    with pytest.raises(BackendError, match="without resultType"):
        await client(pool).query("up")


async def test_connection_refused_is_a_backend_error(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    respx_mock.post(f"{URL}/api/v1/query").mock(side_effect=httpx.ConnectError("connection refused"))
    with pytest.raises(BackendError, match=re.escape("Cannot reach Prometheus at http://c1.prom")):
        await client(pool).query("up")


async def test_redirect_to_a_login_page_is_explained(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    respx_mock.post(f"{URL}/api/v1/query").mock(
        return_value=httpx.Response(302, headers={"Location": "https://oauth.example/login"})
    )
    with pytest.raises(BackendError, match=re.escape("redirected to 'https://oauth.example/login'")):
        await client(pool).query("up")


async def test_series_labels_and_values(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    series_route = respx_mock.post(f"{URL}/api/v1/series").mock(
        return_value=json_response(success([{"__name__": "up", "job": "api"}]))
    )
    respx_mock.post(f"{URL}/api/v1/labels").mock(return_value=json_response(success(["__name__", "job"])))
    values_route = respx_mock.get(f"{URL}/api/v1/label/job/values").mock(
        return_value=json_response(success(["api", "db"]))
    )
    prom = client(pool)
    assert await prom.series(["up", 'x{a="b"}'], start=T0, end=T0 + 60) == [{"__name__": "up", "job": "api"}]
    sent = httpx.QueryParams(series_route.calls.last.request.content.decode())
    assert sent.get_list("match[]") == ["up", 'x{a="b"}']
    assert sent["start"] == "1700000000"
    assert await prom.label_names() == ["__name__", "job"]
    assert await prom.label_values("job", ["up"]) == ["api", "db"]
    assert values_route.calls.last.request.url.params.get_list("match[]") == ["up"]


async def test_label_values_refuses_a_label_name_that_is_not_one(pool: HttpClientPool) -> None:
    with pytest.raises(ToolInputError):
        await client(pool).label_values("../admin")


async def test_metadata_alerts_rules_targets(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    respx_mock.get(f"{URL}/api/v1/metadata").mock(
        return_value=json_response(success({"up": [{"type": "gauge", "help": "Target up.", "unit": ""}]}))
    )
    respx_mock.get(f"{URL}/api/v1/alerts").mock(
        return_value=json_response(success({"alerts": [{"labels": {"alertname": "A"}, "state": "firing"}]}))
    )
    rules_route = respx_mock.get(f"{URL}/api/v1/rules").mock(
        return_value=json_response(success({"groups": [{"name": "g", "rules": []}]}))
    )
    respx_mock.get(f"{URL}/api/v1/targets").mock(
        return_value=json_response(success({"activeTargets": [], "droppedTargets": []}))
    )
    prom = client(pool)
    assert (await prom.metadata("up"))["up"][0]["type"] == "gauge"
    assert (await prom.alerts())[0]["state"] == "firing"
    assert (await prom.rules("alert"))[0]["name"] == "g"
    assert rules_route.calls.last.request.url.params["type"] == "alert"
    assert await prom.targets() == {"activeTargets": [], "droppedTargets": []}


async def test_alerts_without_alerts_field_is_a_shape_error(respx_mock: respx.MockRouter, pool: HttpClientPool) -> None:
    respx_mock.get(f"{URL}/api/v1/alerts").mock(return_value=json_response(success({"nope": []})))
    with pytest.raises(BackendError, match="unexpected alerts payload"):
        await client(pool).alerts()


async def test_fractional_timeouts_are_sent_as_whole_milliseconds(
    respx_mock: respx.MockRouter, pool: HttpClientPool
) -> None:
    # Prometheus refuses "13.5s" ("cannot parse ... to a valid duration"); "13500ms" is accepted.
    route = respx_mock.post(f"{URL}/api/v1/query").mock(return_value=json_response(success(vector([]))))
    await client(pool, timeout=13.5).query("up")
    assert dict(httpx.QueryParams(route.calls.last.request.content.decode()))["timeout"] == "13500ms"
