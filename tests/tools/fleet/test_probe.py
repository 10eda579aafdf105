"""The HTTP prober against respx-mocked endpoints (and a stalled transport for the timeout bound)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.tools.fleet.builders import TOKEN, token_credentials
from tools.fleet.capabilities import capability_query
from tools.fleet.models import Cluster, ClusterSpec, ClusterState, Credentials, Endpoints
from tools.fleet.probe import Prober
from tools.targets import HttpClientPool

API = "https://api.c1.example:6443"
PROM = "https://prom.c1.example"
THANOS = "https://thanos.c1.example"
AM = "https://am.c1.example"
LOKI = "https://loki.c1.example"
TEMPO = "https://tempo.c1.example"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def cluster(**endpoints: str) -> Cluster:
    spec = ClusterSpec(name="spoke-a", endpoints=Endpoints(**endpoints))
    return Cluster(**spec.model_dump(), created_at=NOW, updated_at=NOW)


def vector(*names: str) -> dict[str, Any]:
    result = [{"metric": {"__name__": n}, "value": [1795680000, "1"]} for n in names]
    return {"status": "success", "data": {"resultType": "vector", "result": result}}


@pytest.fixture
async def pool() -> AsyncIterator[HttpClientPool]:
    pool = HttpClientPool()
    yield pool
    await pool.aclose()


@pytest.fixture
def prober(pool: HttpClientPool) -> Prober:
    return Prober(pool, endpoint_timeout=2.0, clock=lambda: NOW)


def all_up(router: Any, *metric_names: str) -> None:
    router.get(f"{API}/readyz").respond(200, text="ok")
    for base in (PROM, THANOS, AM):
        router.get(f"{base}/-/ready").respond(200, text="ready")
    for base in (LOKI, TEMPO):
        router.get(f"{base}/ready").respond(200, text="ready")
    router.get(f"{PROM}/api/v1/query").respond(200, json=vector(*metric_names))


async def test_all_endpoints_up_is_online_with_latencies(router: Any, prober: Prober) -> None:
    all_up(router, "kube_node_info")
    c = cluster(api=API, prometheus=PROM, thanos=THANOS, alertmanager=AM, loki=LOKI, tempo=TEMPO)

    outcome = await prober.probe(c, None)

    status = outcome.status
    assert status.state is ClusterState.ONLINE
    assert status.last_probe == NOW
    assert sorted(status.endpoints) == ["alertmanager", "api", "loki", "prometheus", "tempo", "thanos"]
    for health in status.endpoints.values():
        assert health.healthy
        assert health.status_code == 200
        assert health.latency_ms is not None
        assert health.latency_ms >= 0
        assert health.error is None
    assert status.message == "All 6 endpoint(s) healthy."


async def test_one_endpoint_failing_is_degraded_with_its_error(router: Any, prober: Prober) -> None:
    router.get(f"{API}/readyz").respond(200)
    router.get(f"{PROM}/-/ready").respond(500, text="tsdb not ready")
    router.get(f"{PROM}/api/v1/query").respond(503)
    router.get(f"{LOKI}/ready").mock(side_effect=httpx.ConnectError("connection refused"))
    router.get(f"{TEMPO}/ready").respond(200)

    outcome = await prober.probe(cluster(api=API, prometheus=PROM, loki=LOKI, tempo=TEMPO), None)

    status = outcome.status
    assert status.state is ClusterState.DEGRADED
    prom, loki = status.endpoints["prometheus"], status.endpoints["loki"]
    assert (prom.healthy, prom.status_code) == (False, 500)
    assert prom.error == "HTTP 500 from /-/ready: tsdb not ready"
    assert (loki.healthy, loki.status_code) == (False, None)
    assert loki.error == "ConnectError: connection refused"
    assert status.endpoints["api"].healthy
    assert status.endpoints["tempo"].healthy
    assert status.message is not None
    assert status.message.startswith("2/4 endpoints healthy")
    assert "tsdb not ready" in status.message


async def test_every_endpoint_down_is_offline(router: Any, prober: Prober) -> None:
    router.get(f"{API}/readyz").mock(side_effect=httpx.ConnectError("no route to host"))
    router.get(f"{AM}/-/ready").respond(502)

    outcome = await prober.probe(cluster(api=API, alertmanager=AM), None)

    assert outcome.status.state is ClusterState.OFFLINE
    assert not any(h.healthy for h in outcome.status.endpoints.values())


async def test_a_cluster_without_endpoints_is_unknown_and_says_why(router: Any, prober: Prober) -> None:
    outcome = await prober.probe(cluster(), None)
    assert outcome.status.state is ClusterState.UNKNOWN
    assert outcome.status.message is not None
    assert "No endpoint is configured" in outcome.status.message
    assert outcome.capabilities is None
    assert not router.calls


async def test_api_falls_back_to_version_when_readyz_is_hidden(router: Any, prober: Prober) -> None:
    router.get(f"{API}/readyz").respond(403, text="forbidden")
    version = router.get(f"{API}/version").respond(200, json={"gitVersion": "v1.31.0"})

    outcome = await prober.probe(cluster(api=API), None)

    assert version.called
    api = outcome.status.endpoints["api"]
    assert (api.healthy, api.status_code) == (True, 200)


async def test_an_unauthorised_answer_points_at_the_credentials(router: Any, prober: Prober) -> None:
    router.get(f"{API}/readyz").respond(401, text="Unauthorized")
    outcome = await prober.probe(cluster(api=API), token_credentials())
    error = outcome.status.endpoints["api"].error
    assert error is not None
    assert "HTTP 401" in error
    assert "check the cluster's credentials" in error


async def test_a_stalled_endpoint_is_cut_off_at_the_timeout() -> None:
    never = asyncio.Event()

    async def stall(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.c1.example":
            await never.wait()
        return httpx.Response(200, text="ok")

    pool = HttpClientPool(transport=httpx.MockTransport(stall))
    prober = Prober(pool, endpoint_timeout=0.05)
    try:
        started = time.perf_counter()
        async with asyncio.timeout(5):
            outcome = await prober.probe(cluster(api=API, alertmanager=AM), None)
        elapsed = time.perf_counter() - started
    finally:
        await pool.aclose()

    assert elapsed < 1.0
    assert outcome.status.state is ClusterState.DEGRADED
    assert outcome.status.endpoints["api"].error == "no answer within 0.05 s"
    assert outcome.status.endpoints["alertmanager"].healthy


async def test_the_token_is_sent_but_never_recorded(router: Any, prober: Prober) -> None:
    ready = router.get(f"{API}/readyz").respond(200)
    # A backend that echoes the token in its error body must not leak it into the status.
    router.get(f"{PROM}/-/ready").respond(500, text=f"bad token {TOKEN}")
    query = router.get(f"{PROM}/api/v1/query").respond(200, json=vector())

    outcome = await prober.probe(cluster(api=API, prometheus=PROM), token_credentials())

    assert ready.calls.last.request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert query.calls.last.request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert outcome.status.endpoints["prometheus"].error == "HTTP 500 from /-/ready: bad token ***"
    assert TOKEN not in outcome.status.model_dump_json()


async def test_basic_auth_is_sent_and_never_shown(router: Any, prober: Prober) -> None:
    route = router.get(f"{AM}/-/ready").respond(200)
    creds = Credentials(basic_user="admin", basic_password=token_credentials().bearer_token)

    outcome = await prober.probe(cluster(alertmanager=AM), creds)

    assert route.calls.last.request.headers["Authorization"].startswith("Basic ")
    assert outcome.status.endpoints["alertmanager"].url == AM
    assert TOKEN not in outcome.status.model_dump_json()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://admin:hunter2@am.c1.example", "user:password@"),
        ("http://prom.c1.example:909O", "not a valid URL"),
        ("prom.c1.example:9090", "absolute http"),
        ("ftp://prom.c1.example", "absolute http"),
    ],
)
def test_endpoint_urls_that_would_fail_or_leak_are_refused_at_registration(url: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as caught:
        Endpoints(prometheus=url)
    assert "hunter2" not in str(caught.value).split("input_value")[0]


@pytest.mark.parametrize(
    ("metrics", "expected"),
    [
        (["DCGM_FI_DEV_GPU_UTIL", "kube_node_info"], {"gpu": True, "ptp": False, "kube_state_metrics": True}),
        (["openshift_ptp_offset_ns"], {"gpu": False, "ptp": True, "sriov": False}),
        (
            ["sriov_vf_tx_packets", "node_cpu_seconds_total"],
            {"sriov": True, "node_exporter": True, "gpu": False},
        ),
        (
            [],
            {"gpu": False, "ptp": False, "sriov": False, "kube_state_metrics": False, "node_exporter": False},
        ),
    ],
)
async def test_capabilities_come_from_the_metrics_prometheus_has(
    router: Any, prober: Prober, metrics: list[str], expected: dict[str, bool]
) -> None:
    router.get(f"{PROM}/-/ready").respond(200)
    query = router.get(f"{PROM}/api/v1/query").respond(200, json=vector(*metrics))

    outcome = await prober.probe(cluster(prometheus=PROM), None)

    assert query.calls.last.request.url.params["query"] == capability_query()
    assert outcome.capabilities is not None
    assert {k: getattr(outcome.capabilities, k) for k in expected} == expected
    assert outcome.capabilities.detected_at == NOW
    assert "DCGM_FI_DEV_GPU_UTIL" in outcome.capabilities.metrics_checked


async def test_thanos_capability_follows_the_thanos_endpoint(router: Any, prober: Prober) -> None:
    all_up(router)
    up = await prober.probe(cluster(prometheus=PROM, thanos=THANOS), None)
    without = await prober.probe(cluster(prometheus=PROM), None)
    assert up.capabilities is not None
    assert up.capabilities.thanos is True
    assert without.capabilities is not None
    assert without.capabilities.thanos is False


async def test_the_thanos_querier_answers_the_capability_query_when_there_is_no_prometheus(
    router: Any, prober: Prober
) -> None:
    router.get(f"{THANOS}/-/ready").respond(200)
    router.get(f"{THANOS}/api/v1/query").respond(200, json=vector("DCGM_FI_DEV_GPU_UTIL"))
    outcome = await prober.probe(cluster(thanos=THANOS), None)
    assert outcome.capabilities is not None
    assert (outcome.capabilities.gpu, outcome.capabilities.thanos) == (True, True)


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(503, text="unavailable"),
        httpx.Response(200, json={"status": "error", "error": "query timed out"}),
        httpx.Response(200, text="<html>login</html>"),
    ],
)
async def test_a_failed_capability_query_leaves_capabilities_undetected(
    router: Any, prober: Prober, answer: httpx.Response
) -> None:
    router.get(f"{PROM}/-/ready").respond(200)
    router.get(f"{PROM}/api/v1/query").mock(return_value=answer)
    outcome = await prober.probe(cluster(prometheus=PROM), None)
    assert outcome.capabilities is None
    assert outcome.status.state is ClusterState.ONLINE
    assert outcome.status.message is not None
    assert "Capabilities not refreshed" in outcome.status.message


async def test_prometheus_down_means_no_capabilities_rather_than_a_guess(router: Any, prober: Prober) -> None:
    router.get(f"{API}/readyz").respond(200)
    router.route(host="prom.c1.example").mock(side_effect=httpx.ConnectError("connection refused"))
    outcome = await prober.probe(cluster(api=API, prometheus=PROM), None)
    assert outcome.status.state is ClusterState.DEGRADED
    assert outcome.capabilities is None


async def test_unusable_tls_material_is_reported_on_the_endpoint(router: Any, prober: Prober) -> None:
    outcome = await prober.probe(cluster(api=API), Credentials(ca_cert_pem="not a certificate"))
    api = outcome.status.endpoints["api"]
    assert api.healthy is False
    assert api.error is not None
    assert api.error.startswith("TLS failure")
    assert not router.calls


async def test_a_malformed_endpoint_url_is_an_endpoint_error_not_a_crash(router: Any, prober: Prober) -> None:
    # Registration refuses such URLs now; a row stored before that check existed must still not crash a probe.
    bad = cluster().model_copy(update={"endpoints": Endpoints.model_construct(api="https://api.c1.example:port")})
    outcome = await prober.probe(bad, None)
    assert outcome.status.state is ClusterState.OFFLINE
    error = outcome.status.endpoints["api"].error
    assert error is not None
    assert error.startswith("InvalidURL")
