"""The shared mapping of a request that got no response to a BackendError with the backend's hints."""

from __future__ import annotations

import ssl

import httpx
import pytest

from tools.errors import BackendError, BackendTimeoutError
from tools.transport import FailureHints, transport_error

HINTS = FailureHints(timeout="narrow it", unreachable="check the URL", endpoint="fix the endpoint", tls="check TLS")


def fail(exc: Exception, where: str = "http://loki.hub") -> BackendError:
    return transport_error(
        exc,
        backend="Loki",
        where=where,
        scrub=lambda text: text.replace("s3cret", "***"),
        context={"backend": "loki", "cluster": "hub"},
        hints=HINTS,
        timeout_s=2.5,
    )


def test_a_timeout_names_the_backend_the_wait_and_the_timeout_hint() -> None:
    error = fail(httpx.ReadTimeout("slow"))
    assert isinstance(error, BackendTimeoutError)
    assert str(error).startswith("Loki at http://loki.hub did not answer in time (2.5s, ReadTimeout)")
    assert error.hint == "narrow it" and error.cluster == "hub"


@pytest.mark.parametrize(
    ("exc", "where", "hint"),
    [
        (httpx.InvalidURL("bad host s3cret"), "http://loki.hub", "fix the endpoint"),
        (httpx.ConnectError("refused s3cret"), "http://loki.hub", "check the URL"),
        (httpx.ConnectError("handshake"), "https://loki.hub", "check TLS"),
        (ssl.SSLError("certificate required"), "http://loki.hub", "check TLS"),
    ],
)
def test_each_failure_gets_its_hint_and_no_secret(exc: Exception, where: str, hint: str) -> None:
    error = fail(exc, where)
    assert type(error) is BackendError
    assert error.hint == hint
    assert "s3cret" not in str(error)
