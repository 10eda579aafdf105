"""Bearer, basic auth, a custom CA and mTLS against a real local HTTPS server (uvicorn), not header checks.

Two uvicorn servers share one set of throwaway certificates (:mod:`tests.tools.tls_certs`): one only serves TLS,
the other also requires a client certificate signed by the test CA. Both answer ``/api/v1/query`` with a Prometheus
vector only when the expected ``Authorization`` header arrives (else 401), and ``/-/ready`` with 200. Calls go
through :class:`~tools.targets.HttpClientPool` exactly as the adapters and the fleet prober make them.

asyncio's TLS server (so uvicorn) drops a connection without a client certificate silently; Go (Prometheus'
web-config), nginx and HAProxy send the TLS 1.3 ``certificate_required`` alert instead. A third, bare TLS listener
does the latter, so both ways a real mTLS endpoint refuses a client are covered.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from tests.tools.fleet.builders import spec
from tests.tools.tls_certs import TlsMaterial, make_tls_material
from tests.tools.tls_servers import (
    BASIC_PASSWORD,
    BASIC_USER,
    CALL_BOUND_S,
    TOKEN,
    VALUE,
    WRONG_PASSWORD,
    basic_header,
    refusing_without_client_certificate,
    serving_https,
)
from tools.errors import BackendError
from tools.fleet.crypto import CredentialCipher
from tools.fleet.models import Cluster, ClusterState, Credentials
from tools.fleet.probe import Prober
from tools.fleet.registry import FleetRegistry
from tools.fleet.store import SqlClusterStore
from tools.prometheus.client import PrometheusClient
from tools.targets import BackendAuth, BackendTarget, HttpClientPool, TlsConfig


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsMaterial:
    return make_tls_material(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def https_url(tls: TlsMaterial) -> Iterator[str]:
    """Server authentication only: any client may connect."""
    with serving_https(tls, cert_reqs=ssl.CERT_NONE) as url:
        yield url


@pytest.fixture(scope="session")
def mtls_url(tls: TlsMaterial) -> Iterator[str]:
    """Mutual TLS: the client must present a certificate signed by the test CA."""
    with serving_https(tls, cert_reqs=ssl.CERT_REQUIRED) as url:
        yield url


@pytest.fixture(scope="session")
def refusing_url(tls: TlsMaterial) -> Iterator[str]:
    """Mutual TLS that refuses a missing client certificate with the TLS 1.3 ``certificate_required`` alert."""
    with refusing_without_client_certificate(tls) as url:
        yield url


@pytest.fixture
async def pool() -> AsyncIterator[HttpClientPool]:
    pool = HttpClientPool(timeout=CALL_BOUND_S)
    yield pool
    await pool.aclose()


async def query_value(pool: HttpClientPool, base_url: str, tls: TlsConfig, auth: BackendAuth) -> str:
    """Run one instant query the way the metrics tools do; return the sample value."""
    target = BackendTarget(cluster="lab-a", backend="prometheus", base_url=base_url, auth=auth, tls=tls)
    client = PrometheusClient(pool.client(tls), target, timeout=1.0)
    async with asyncio.timeout(CALL_BOUND_S):
        data = await client.query("kube_node_info")
    assert data.result_type == "vector"
    return str(data.result[0]["value"][1])


def mtls_config(material: TlsMaterial, *, ca_pem: str | None = None, insecure: bool = False) -> TlsConfig:
    return TlsConfig(
        ca_pem=ca_pem,
        client_cert_pem=material.client.cert_pem,
        client_key_pem=material.client.key_pem,
        insecure_skip_verify=insecure,
    )


# -- custom CA + bearer ------------------------------------------------------------------------------------------


async def test_a_custom_ca_verifies_the_server_and_the_bearer_token_is_accepted(
    pool: HttpClientPool, tls: TlsMaterial, https_url: str
) -> None:
    value = await query_value(pool, https_url, TlsConfig(ca_pem=tls.ca.cert_pem), BackendAuth(bearer_token=TOKEN))

    assert value == VALUE


async def test_a_server_certificate_from_another_ca_fails_verification_without_leaking_the_token(
    pool: HttpClientPool, tls: TlsMaterial, https_url: str
) -> None:
    with pytest.raises(BackendError) as caught:
        await query_value(pool, https_url, TlsConfig(ca_pem=tls.other_ca.cert_pem), BackendAuth(bearer_token=TOKEN))

    message = str(caught.value)
    assert "CERTIFICATE_VERIFY_FAILED" in message
    assert caught.value.cluster == "lab-a"
    assert caught.value.status is None  # no HTTP exchange happened
    assert TOKEN not in message


async def test_the_system_trust_store_alone_does_not_trust_the_test_server(
    pool: HttpClientPool, https_url: str
) -> None:
    # Proves the CA tests above depend on the CA they pass, not on a lax default.
    with pytest.raises(BackendError, match="CERTIFICATE_VERIFY_FAILED"):
        await query_value(pool, https_url, TlsConfig(), BackendAuth(bearer_token=TOKEN))


async def test_a_wrong_bearer_token_is_refused_over_tls_without_leaking_it(
    pool: HttpClientPool, tls: TlsMaterial, https_url: str
) -> None:
    wrong = "not-the-" + TOKEN
    with pytest.raises(BackendError) as caught:
        await query_value(pool, https_url, TlsConfig(ca_pem=tls.ca.cert_pem), BackendAuth(bearer_token=wrong))

    assert caught.value.status == 401
    assert "refused the credentials" in str(caught.value)
    assert wrong not in str(caught.value)


# -- mutual TLS -------------------------------------------------------------------------------------------------


async def test_mtls_with_the_client_certificate_succeeds(pool: HttpClientPool, tls: TlsMaterial, mtls_url: str) -> None:
    value = await query_value(pool, mtls_url, mtls_config(tls, ca_pem=tls.ca.cert_pem), BackendAuth(bearer_token=TOKEN))

    assert value == VALUE


async def test_mtls_without_a_client_certificate_fails_fast_with_a_backend_error(
    pool: HttpClientPool, tls: TlsMaterial, mtls_url: str
) -> None:
    with pytest.raises(BackendError) as caught:
        await query_value(pool, mtls_url, TlsConfig(ca_pem=tls.ca.cert_pem), BackendAuth(bearer_token=TOKEN))

    message = str(caught.value)
    assert message.startswith(f"Cannot reach Prometheus at {mtls_url}")
    assert caught.value.status is None
    assert TOKEN not in message


async def test_mtls_without_a_client_certificate_says_the_tls_session_was_refused(
    pool: HttpClientPool, tls: TlsMaterial, mtls_url: str
) -> None:
    with pytest.raises(BackendError) as caught:
        await query_value(pool, mtls_url, TlsConfig(ca_pem=tls.ca.cert_pem), BackendAuth(bearer_token=TOKEN))

    assert re.search(r"(?i)\btls\b|\bssl\b|certificate", str(caught.value)), str(caught.value)


async def test_a_certificate_required_alert_becomes_a_backend_error_naming_it(
    pool: HttpClientPool, tls: TlsMaterial, refusing_url: str
) -> None:
    with pytest.raises(BackendError) as caught:
        await query_value(pool, refusing_url, TlsConfig(ca_pem=tls.ca.cert_pem), BackendAuth(bearer_token=TOKEN))

    assert "CERTIFICATE_REQUIRED" in str(caught.value)
    assert TOKEN not in str(caught.value)


async def test_insecure_skip_verify_still_presents_the_client_certificate(
    pool: HttpClientPool, tls: TlsMaterial, mtls_url: str
) -> None:
    value = await query_value(pool, mtls_url, mtls_config(tls, insecure=True), BackendAuth(bearer_token=TOKEN))

    assert value == VALUE


# -- basic auth -------------------------------------------------------------------------------------------------


async def test_basic_auth_is_accepted(pool: HttpClientPool, tls: TlsMaterial, https_url: str) -> None:
    auth = BackendAuth(basic_user=BASIC_USER, basic_password=BASIC_PASSWORD)

    assert await query_value(pool, https_url, TlsConfig(ca_pem=tls.ca.cert_pem), auth) == VALUE


async def test_a_wrong_basic_password_is_refused_with_401_without_leaking_it(
    pool: HttpClientPool, tls: TlsMaterial, https_url: str
) -> None:
    auth = BackendAuth(basic_user=BASIC_USER, basic_password=WRONG_PASSWORD)

    with pytest.raises(BackendError) as caught:
        await query_value(pool, https_url, TlsConfig(ca_pem=tls.ca.cert_pem), auth)

    message = str(caught.value)
    assert caught.value.status == 401
    assert "HTTP 401" in message
    assert "refused the credentials" in message
    assert WRONG_PASSWORD not in message
    assert basic_header(BASIC_USER, WRONG_PASSWORD).split()[1] not in message


# -- lab mode ---------------------------------------------------------------------------------------------------


async def test_insecure_skip_verify_without_a_ca_reaches_the_server(pool: HttpClientPool, https_url: str) -> None:
    value = await query_value(pool, https_url, TlsConfig(insecure_skip_verify=True), BackendAuth(bearer_token=TOKEN))

    assert value == VALUE


# -- the fleet path: stored, encrypted credentials → targeting → prober -----------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlClusterStore]:
    store = SqlClusterStore(f"sqlite:///{tmp_path / 'aiops.db'}", CredentialCipher(Fernet.generate_key()))
    try:
        yield store
    finally:
        store.close()


async def probe_with(
    store: SqlClusterStore, pool: HttpClientPool, url: str, material: TlsMaterial, ca_pem: str
) -> Cluster:
    """Register ``lab-a`` at ``url`` with a token, ``ca_pem`` and the client certificate; probe it once."""
    credentials = Credentials(
        bearer_token=SecretStr(TOKEN),
        ca_cert_pem=ca_pem,
        client_cert_pem=SecretStr(material.client.cert_pem),
        client_key_pem=SecretStr(material.client.key_pem),
    )
    registry = FleetRegistry(store, prober=Prober(pool, endpoint_timeout=CALL_BOUND_S))
    await registry.add(spec("lab-a", prometheus=url), credentials)
    async with asyncio.timeout(2 * CALL_BOUND_S):
        probed = await registry.probe("lab-a")
    assert (await registry.get("lab-a")).status == probed.status  # what was probed is what was stored
    return probed


async def test_probing_a_cluster_uses_its_stored_ca_client_certificate_and_token(
    store: SqlClusterStore, pool: HttpClientPool, tls: TlsMaterial, mtls_url: str
) -> None:
    probed = await probe_with(store, pool, mtls_url, tls, tls.ca.cert_pem)

    health = probed.status.endpoints["prometheus"]
    assert probed.status.state is ClusterState.ONLINE, probed.status.message
    assert (health.healthy, health.status_code, health.error) == (True, 200, None)
    assert health.latency_ms is not None
    assert health.latency_ms > 0
    # The capability query needs the token too: only an authorised answer lists kube_node_info.
    assert probed.capabilities.kube_state_metrics


async def test_probing_with_the_wrong_stored_ca_reports_the_tls_error_and_offline(
    store: SqlClusterStore, pool: HttpClientPool, tls: TlsMaterial, mtls_url: str
) -> None:
    probed = await probe_with(store, pool, mtls_url, tls, tls.other_ca.cert_pem)

    health = probed.status.endpoints["prometheus"]
    assert probed.status.state is ClusterState.OFFLINE
    assert (health.healthy, health.status_code) == (False, None)
    assert health.error is not None
    assert health.error.startswith("ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED]"), health.error
    assert probed.capabilities.detected_at is None  # the capability query could not run either
    for secret in (TOKEN, tls.client.key_pem):
        assert secret not in f"{probed.status.message} {health.error}"


# -- the pool ---------------------------------------------------------------------------------------------------


async def test_the_pool_shares_one_client_per_tls_configuration(pool: HttpClientPool, tls: TlsMaterial) -> None:
    with_ca = pool.client(TlsConfig(ca_pem=tls.ca.cert_pem))

    assert pool.client(TlsConfig(ca_pem=tls.ca.cert_pem)) is with_ca
    assert pool.client(None) is pool.client(TlsConfig())
    assert pool.client(TlsConfig(ca_pem=tls.other_ca.cert_pem)) is not with_ca
    assert pool.client(mtls_config(tls, ca_pem=tls.ca.cert_pem)) is not with_ca
    assert pool.client(TlsConfig(insecure_skip_verify=True)) is not pool.client(TlsConfig())
