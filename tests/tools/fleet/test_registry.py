"""The async registry: selection, targets with decrypted credentials, summary, and probing end to end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from pydantic import SecretStr

from tests.tools.fleet.builders import T0, TOKEN, capabilities, online_status, spec, token_credentials
from tools.errors import ToolInputError, UnknownClusterError
from tools.fleet.models import ClusterState, ClusterType, Credentials, Environment
from tools.fleet.probe import Prober
from tools.fleet.registry import FleetRegistry
from tools.fleet.store import SqlClusterStore
from tools.targets import HttpClientPool

CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


@pytest.fixture
async def registry(sqlite_store: SqlClusterStore) -> FleetRegistry:
    reg = FleetRegistry(sqlite_store, clock=lambda: T0)
    await reg.add(
        spec(
            "hub-1",
            type=ClusterType.HUB,
            environment=Environment.PRODUCTION,
            labels={"site": "lon"},
            api="https://api.hub.example:6443",
            prometheus="https://prom.hub.example",
        ),
        token_credentials(ca_cert_pem=CA),
    )
    await reg.add(
        spec(
            "edge-1",
            type=ClusterType.EDGE,
            environment=Environment.PRODUCTION,
            labels={"site": "par"},
            prometheus="https://prom.edge.example",
        ),
        Credentials(basic_user="viewer", basic_password=SecretStr("pw-edge"), insecure_skip_verify=True),
    )
    await reg.add(
        spec(
            "lab-1",
            type=ClusterType.SPOKE,
            environment=Environment.LAB,
            labels={"site": "lon", "gpu": "yes"},
            api="https://api.lab.example:6443",
        ),
    )
    return reg


def names(clusters: list[Any]) -> list[str]:
    return [c.name for c in clusters]


async def test_select_without_filters_returns_the_whole_fleet(registry: FleetRegistry) -> None:
    assert names(await registry.select()) == ["edge-1", "hub-1", "lab-1"]


async def test_select_by_names(registry: FleetRegistry) -> None:
    assert names(await registry.select(names=["lab-1", "hub-1"])) == ["hub-1", "lab-1"]


async def test_select_by_labels_needs_every_pair(registry: FleetRegistry) -> None:
    assert names(await registry.select(labels={"site": "lon"})) == ["hub-1", "lab-1"]
    assert names(await registry.select(labels={"site": "lon", "gpu": "yes"})) == ["lab-1"]
    assert await registry.select(labels={"site": "nyc"}) == []


async def test_select_by_environment_and_types_ignores_case(registry: FleetRegistry) -> None:
    assert names(await registry.select(environment="production")) == ["edge-1", "hub-1"]
    assert names(await registry.select(types=["edge", "SPOKE"])) == ["edge-1", "lab-1"]
    assert names(await registry.select(environment="PRODUCTION", types=["hub"])) == ["hub-1"]


async def test_select_rejects_unknown_enum_values_listing_the_valid_ones(registry: FleetRegistry) -> None:
    with pytest.raises(ToolInputError, match="Valid values: PRODUCTION, STAGING, DEVELOPMENT, LAB"):
        await registry.select(environment="prod")
    with pytest.raises(ToolInputError, match="Unknown cluster type 'core'"):
        await registry.select(types=["core"])


async def test_unknown_names_are_an_error_that_lists_the_known_ones(registry: FleetRegistry) -> None:
    with pytest.raises(UnknownClusterError) as info:
        await registry.select(names=["hub-1", "nope-1", "nope-2"])
    assert info.value.names == ["nope-1", "nope-2"]
    assert "Known clusters: edge-1, hub-1, lab-1" in str(info.value)
    with pytest.raises(UnknownClusterError, match="Known clusters: edge-1, hub-1, lab-1"):
        await registry.get("nope-1")


async def test_targets_carry_decrypted_credentials_and_name_the_clusters_without_the_endpoint(
    registry: FleetRegistry,
) -> None:
    targets, missing = await registry.targets(await registry.select(), "prometheus")

    assert missing == ["lab-1"]
    by_cluster = {t.cluster: t for t in targets}
    assert sorted(by_cluster) == ["edge-1", "hub-1"]
    hub = by_cluster["hub-1"]
    assert (hub.backend, hub.base_url, hub.labels) == (
        "prometheus",
        "https://prom.hub.example",
        {"site": "lon"},
    )
    assert hub.auth.headers() == {"Authorization": f"Bearer {TOKEN}"}
    assert hub.tls.ca_pem == CA
    edge = by_cluster["edge-1"]
    assert edge.auth.headers() == {}
    assert (edge.auth.basic_user, edge.auth.basic_password) == ("viewer", "pw-edge")
    assert edge.tls.insecure_skip_verify is True
    assert TOKEN not in repr(targets)


async def test_targets_reject_an_unknown_backend(registry: FleetRegistry) -> None:
    with pytest.raises(ToolInputError, match="Valid backends: prometheus, thanos"):
        await registry.targets(await registry.select(), "graphite")  # type: ignore[arg-type]


async def test_summary_counts_from_the_stored_records(registry: FleetRegistry, sqlite_store: SqlClusterStore) -> None:
    sqlite_store.record_probe("hub-1", online_status(T0, "api"), capabilities(gpu=True, thanos=True))
    sqlite_store.record_probe("edge-1", online_status(T0 - timedelta(minutes=10), "prometheus"), None)

    summary = await registry.summary()

    assert summary.total == 3
    assert summary.by_state == {"ONLINE": 2, "UNKNOWN": 1}
    assert summary.by_type == {"HUB": 1, "EDGE": 1, "SPOKE": 1}
    assert summary.by_environment == {"PRODUCTION": 2, "LAB": 1}
    assert summary.by_platform == {"OPENSHIFT": 3}
    assert summary.capabilities["gpu"] == 1
    assert summary.capabilities["thanos"] == 1
    assert summary.capabilities["ptp"] == 0
    assert summary.never_probed == ["lab-1"]
    assert summary.stale == ["edge-1"]  # 600 s > 3 x 60 s for an EDGE cluster
    assert summary.oldest_probe == T0 - timedelta(minutes=10)
    assert summary.newest_probe == T0


@pytest.fixture
async def pool() -> AsyncIterator[HttpClientPool]:
    pool = HttpClientPool()
    yield pool
    await pool.aclose()


async def test_probe_records_the_outcome_and_keeps_the_token_out_of_the_record(
    router: Any, sqlite_store: SqlClusterStore, pool: HttpClientPool
) -> None:
    reg = FleetRegistry(sqlite_store, prober=Prober(pool, endpoint_timeout=2.0))
    await reg.add(spec("spoke-a", api="https://api.a.example"), token_credentials())
    ready = router.get("https://api.a.example/readyz").respond(503, text=f"rejected token {TOKEN}")

    probed = await reg.probe("spoke-a")

    assert ready.calls.last.request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert probed.status.state is ClusterState.OFFLINE
    assert probed.status.endpoints["api"].error == "HTTP 503 from /readyz: rejected token ***"
    stored = await reg.get("spoke-a")
    assert stored.status == probed.status
    assert TOKEN not in stored.model_dump_json()


async def test_probe_of_an_unknown_cluster_lists_the_known_ones(
    sqlite_store: SqlClusterStore, pool: HttpClientPool
) -> None:
    reg = FleetRegistry(sqlite_store, prober=Prober(pool))
    await reg.add(spec("spoke-a"))
    with pytest.raises(UnknownClusterError, match="Known clusters: spoke-a"):
        await reg.probe("spoke-b")
