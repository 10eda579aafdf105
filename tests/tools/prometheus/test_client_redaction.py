"""Error texts from the Prometheus client never carry a secret: token, basic password or URL userinfo."""

from __future__ import annotations

import httpx
import pytest
import respx

from tools.errors import BackendError
from tools.prometheus import PrometheusClient
from tools.targets import BackendAuth, BackendTarget


async def test_a_body_quoting_the_basic_password_is_redacted() -> None:
    target = BackendTarget(
        "c1", "prometheus", "http://prom.test", auth=BackendAuth(basic_user="viewer", basic_password="hunter2-pw")
    )
    async with httpx.AsyncClient() as http:
        with respx.mock() as mock:
            mock.post("http://prom.test/api/v1/query").respond(502, text="bad gateway for viewer:hunter2-pw")
            with pytest.raises(BackendError) as caught:
                await PrometheusClient(http, target).query("up")
    assert "hunter2-pw" not in str(caught.value)
    assert "502" in str(caught.value)


async def test_url_userinfo_never_appears_in_a_connection_error() -> None:
    target = BackendTarget("c1", "prometheus", "http://viewer:url-pw-123@prom.test")
    async with httpx.AsyncClient() as http:
        with respx.mock() as mock:
            mock.post(host="prom.test").mock(side_effect=httpx.ConnectError("refused"))
            with pytest.raises(BackendError) as caught:
                await PrometheusClient(http, target).query("up")
    assert "url-pw-123" not in str(caught.value)
    assert "http://prom.test" in str(caught.value)


async def test_refused_basic_auth_says_basic_auth_not_token() -> None:
    target = BackendTarget(
        "c1", "prometheus", "http://prom.test", auth=BackendAuth(basic_user="viewer", basic_password="pw")
    )
    async with httpx.AsyncClient() as http:
        with respx.mock() as mock:
            mock.post("http://prom.test/api/v1/query").respond(401, text="unauthorized")
            with pytest.raises(BackendError) as caught:
                await PrometheusClient(http, target).query("up")
    assert "basic auth" in str(caught.value)
