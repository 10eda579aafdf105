"""The simulator HTTP app: live exposition text, the index and the Kubernetes-shaped endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from servers.sim.exporter import create_app, metrics_path
from servers.sim.model import ClusterModel
from tests.sim.conftest import ANCHOR, models_for

NOW = ANCHOR + 127.0  # a live scrape time after the history ends


class Clock:
    """A settable clock injected into the app."""

    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def models() -> dict[str, ClusterModel]:
    return models_for()


@pytest.fixture
async def client(models: dict[str, ClusterModel], clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(models, clock=clock))
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as c:
        yield c


async def scrape(
    client: httpx.AsyncClient, cluster: str, job: str, target: str
) -> dict[str, list[tuple[str, dict[str, str], float]]]:
    resp = await client.get(metrics_path(cluster, job, target))
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        fam.name: [(s.name, s.labels, s.value) for s in fam.samples]
        for fam in text_string_to_metric_families(resp.text)
    }


@pytest.mark.parametrize(
    ("cluster", "job", "target"),
    [
        ("hub", "node-exporter", "hub-worker-0"),
        ("hub", "kubelet", "hub-worker-0"),
        ("hub", "kube-state-metrics", "kube-state-metrics"),
        ("gpu-spoke", "nvidia-dcgm-exporter", "gpu-worker-0"),
        ("telco-edge", "ptp-monitor-service", "edge-du-1"),
    ],
)
async def test_every_exporter_serves_text_that_prometheus_client_parses(
    client: httpx.AsyncClient, models: dict[str, ClusterModel], cluster: str, job: str, target: str
) -> None:
    parsed = await scrape(client, cluster, job, target)
    expected = models[cluster].target(job, target)
    assert expected is not None
    assert sum(len(v) for v in parsed.values()) == sum(len(f.series) for f in expected.families)


async def test_counters_are_exposed_with_total_and_typed_counter(client: httpx.AsyncClient) -> None:
    resp = await client.get(metrics_path("hub", "node-exporter", "hub-master-0"))
    assert "# TYPE node_cpu_seconds_total counter" in resp.text
    families = {f.name: f for f in text_string_to_metric_families(resp.text)}
    assert families["node_cpu_seconds"].type == "counter"
    assert {s.name for s in families["node_cpu_seconds"].samples} == {"node_cpu_seconds_total"}


async def test_dcgm_samples_carry_the_real_exporter_labels(client: httpx.AsyncClient) -> None:
    parsed = await scrape(client, "gpu-spoke", "nvidia-dcgm-exporter", "gpu-worker-0")
    temps = parsed["DCGM_FI_DEV_GPU_TEMP"]
    assert len(temps) == 4
    _, labels, value = next(s for s in temps if s[1]["gpu"] == "2")
    assert labels["modelName"] == "NVIDIA A100-SXM4-80GB"
    assert labels["device"] == "nvidia2"
    assert labels["Hostname"] == "gpu-worker-0"
    assert labels["UUID"].startswith("GPU-")
    assert (labels["namespace"], labels["pod"], labels["container"]) == ("ml-training", "llama-ft-worker-0", "pytorch")
    assert value > 80


async def test_live_values_follow_the_injected_clock(client: httpx.AsyncClient, clock: Clock) -> None:
    def total(parsed: dict[str, list[tuple[str, dict[str, str], float]]]) -> float:
        return sum(v for _, _, v in parsed["node_cpu_seconds"])

    first = total(await scrape(client, "hub", "node-exporter", "hub-master-1"))
    clock.t += 30.0
    second = total(await scrape(client, "hub", "node-exporter", "hub-master-1"))
    # 4 CPUs, 1 s/s each across all modes (values are printed with 10 significant digits).
    assert second - first == pytest.approx(30.0 * 4, abs=0.02)


async def test_ptp_state_is_freerun_in_the_live_scrape(client: httpx.AsyncClient) -> None:
    parsed = await scrape(client, "telco-edge", "ptp-monitor-service", "edge-du-1")
    states = {(s[1]["iface"], s[1]["process"]): s[2] for s in parsed["openshift_ptp_clock_state"]}
    assert states == {("ens2fx", "ptp4l"): 0.0, ("CLOCK_REALTIME", "phc2sys"): 1.0}


async def test_version_has_the_kubernetes_shape(client: httpx.AsyncClient) -> None:
    resp = await client.get("/clusters/hub/version")
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {
        "major",
        "minor",
        "gitVersion",
        "gitCommit",
        "gitTreeState",
        "buildDate",
        "goVersion",
        "compiler",
        "platform",
    }
    assert (body["major"], body["minor"]) == ("1", "29")
    assert body["gitVersion"].startswith("v1.29.")
    assert len(body["gitCommit"]) == 40
    edge = (await client.get("/clusters/telco-edge/version")).json()
    assert edge["minor"] == "27"


@pytest.mark.parametrize("probe", ["readyz", "livez", "healthz"])
async def test_health_probes_answer_ok(client: httpx.AsyncClient, probe: str) -> None:
    resp = await client.get(f"/clusters/gpu-spoke/{probe}")
    assert (resp.status_code, resp.text) == (200, "ok")


async def test_unknown_cluster_gets_a_kubernetes_status_404(client: httpx.AsyncClient) -> None:
    resp = await client.get("/clusters/nope/version")
    assert resp.status_code == 404
    assert resp.json()["kind"] == "Status"
    assert resp.json()["reason"] == "NotFound"
    assert (await client.get("/clusters/hub/api/v1/nosuchresources")).status_code == 404
    assert (await client.get("/clusters/hub/no/such/path")).json()["reason"] == "NotFound"


async def test_unknown_target_is_404(client: httpx.AsyncClient) -> None:
    assert (await client.get(metrics_path("hub", "node-exporter", "no-such-node"))).status_code == 404
    assert (await client.get(metrics_path("hub", "nvidia-dcgm-exporter", "hub-worker-0"))).status_code == 404


async def test_index_lists_every_cluster_api_and_scrape_path(
    client: httpx.AsyncClient, models: dict[str, ClusterModel]
) -> None:
    body = (await client.get("/")).json()
    assert set(body["clusters"]) == {"hub", "gpu-spoke", "telco-edge"}
    paths = [p for c in body["clusters"].values() for ps in c["exporters"].values() for p in ps]
    assert len(paths) == sum(len(e.targets) for m in models.values() for e in m.exporters)
    for path in paths:
        assert (await client.get(path)).status_code == 200
