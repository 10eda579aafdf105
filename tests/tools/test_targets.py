"""BackendTarget helpers and the client pool: one client per origin and TLS configuration; secrets never shown."""

from __future__ import annotations

import httpx
import pytest

from tools.targets import BackendAuth, BackendTarget, HttpClientPool, TlsConfig, display_url, redact


async def test_the_pool_keeps_one_client_per_origin() -> None:
    pool = HttpClientPool()
    try:
        a1 = pool.for_target(BackendTarget("a", "prometheus", "http://prom-a.test:9090/prefix"))
        a2 = pool.for_target(BackendTarget("a2", "prometheus", "http://prom-a.test:9090/other"))
        b = pool.for_target(BackendTarget("b", "prometheus", "http://prom-b.test:9090"))
        a_tls = pool.for_target(
            BackendTarget("a", "prometheus", "http://prom-a.test:9090", tls=TlsConfig(insecure_skip_verify=True))
        )
        assert a1 is a2
        assert a1 is not b
        assert a1 is not a_tls
    finally:
        await pool.aclose()


async def test_an_invalid_base_url_fails_on_every_call() -> None:
    pool = HttpClientPool()
    try:
        for _ in range(2):  # the origin cache keeps successes only
            with pytest.raises(httpx.InvalidURL):
                pool.for_target(BackendTarget("a", "prometheus", "http://prom.test:port"))
    finally:
        await pool.aclose()


def test_endpoint_is_the_joined_url_parsed_once() -> None:
    target = BackendTarget("a", "thanos", "https://thanos.test/route/")
    other = BackendTarget("b", "thanos", "https://thanos.test/route/")

    endpoint = target.endpoint("/api/v1/query")

    assert endpoint == httpx.URL(target.url("/api/v1/query")) == httpx.URL("https://thanos.test/route/api/v1/query")
    assert other.endpoint("/api/v1/query") is endpoint


def test_display_url_drops_user_info_only() -> None:
    assert display_url("https://u:p@prom.test:9090/x?y=1") == "https://prom.test:9090/x?y=1"
    assert display_url("https://prom.test") == "https://prom.test"


def test_redact_and_reprs_hide_secrets() -> None:
    auth = BackendAuth(bearer_token="tok-123", basic_user="u", basic_password="pw-456")
    assert redact("token tok-123 and pw-456", auth.secret_values()) == "token *** and ***"
    assert "tok-123" not in repr(auth)
    assert "pw-456" not in repr(BackendTarget("a", "prometheus", "http://x.test", auth=auth))
