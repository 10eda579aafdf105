"""The simulated Kubernetes API: discovery, list/get shapes, pagination, the crash-looping pod and its events."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from servers.sim.exporter import create_app
from servers.sim.model import ClusterModel
from tests.sim.conftest import ANCHOR, INC, Clock, models_for, one_signal

HUB = "/clusters/hub"
CRASHLOOP = "payments-api-wdmsdwt78q-l84mw"


async def get(api: httpx.AsyncClient, path: str, **params: Any) -> dict[str, Any]:
    resp = await api.get(path, params=params)
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


@pytest.mark.parametrize(
    ("cluster", "groups"),
    [
        ("hub", {"loki.grafana.com", "tempo.grafana.com"}),
        ("gpu-spoke", {"nvidia.com", "kubeflow.org"}),
        ("telco-edge", {"ptp.openshift.io", "sriovnetwork.openshift.io"}),
    ],
)
async def test_discovery_lists_the_operators_groups_of_each_cluster(
    sim_api: httpx.AsyncClient, cluster: str, groups: set[str]
) -> None:
    body = await get(sim_api, f"/clusters/{cluster}/apis")
    assert (body["kind"], body["apiVersion"]) == ("APIGroupList", "v1")
    names = {g["name"] for g in body["groups"]}
    common = {"apps", "config.openshift.io", "monitoring.coreos.com"}
    operator_groups = {"nvidia.com", "kubeflow.org", "ptp.openshift.io", "sriovnetwork.openshift.io"}
    operator_groups |= {"loki.grafana.com", "tempo.grafana.com"}
    assert names & operator_groups == groups
    assert common <= names
    for g in body["groups"]:
        assert g["preferredVersion"] in g["versions"]
        listed = await get(sim_api, f"/clusters/{cluster}/apis/{g['preferredVersion']['groupVersion']}")
        assert listed["kind"] == "APIResourceList"
        assert listed["groupVersion"] == g["preferredVersion"]["groupVersion"]
        assert all({"name", "namespaced", "kind", "verbs"} <= set(r) for r in listed["resources"])


async def test_core_discovery(sim_api: httpx.AsyncClient) -> None:
    api = await get(sim_api, f"{HUB}/api")
    assert (api["kind"], api["versions"]) == ("APIVersions", ["v1"])
    v1 = await get(sim_api, f"{HUB}/api/v1")
    names = {r["name"] for r in v1["resources"]}
    assert {"pods", "pods/log", "nodes", "events", "namespaces", "secrets", "configmaps"} <= names
    pods = next(r for r in v1["resources"] if r["name"] == "pods")
    assert (pods["kind"], pods["namespaced"], pods["shortNames"]) == ("Pod", True, ["po"])


async def test_lists_have_the_list_kind_and_items_without_kind_gets_have_kind(sim_api: httpx.AsyncClient) -> None:
    nodes = await get(sim_api, f"{HUB}/api/v1/nodes")
    assert (nodes["kind"], nodes["apiVersion"]) == ("NodeList", "v1")
    assert "resourceVersion" in nodes["metadata"]
    assert len(nodes["items"]) == 5
    assert "kind" not in nodes["items"][0]
    node = await get(sim_api, f"{HUB}/api/v1/nodes/hub-worker-0")
    assert (node["kind"], node["apiVersion"]) == ("Node", "v1")
    ready = next(c for c in node["status"]["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "True"
    addresses = {a["type"]: a["address"] for a in node["status"]["addresses"]}
    assert addresses == {"InternalIP": "10.0.0.20", "Hostname": "hub-worker-0"}
    deployments = await get(sim_api, f"{HUB}/apis/apps/v1/namespaces/payments/deployments")
    assert deployments["kind"] == "DeploymentList"
    gpu_nodes = await get(sim_api, "/clusters/gpu-spoke/api/v1/nodes/gpu-worker-0")
    assert gpu_nodes["status"]["capacity"]["nvidia.com/gpu"] == "4"


async def test_pagination_walks_every_pod_once_with_continue_tokens(sim_api: httpx.AsyncClient) -> None:
    everything = await get(sim_api, f"{HUB}/api/v1/pods")
    names: list[str] = []
    token, pages = None, 0
    while True:
        params: dict[str, Any] = {"limit": 3} | ({"continue": token} if token else {})
        page = await get(sim_api, f"{HUB}/api/v1/pods", **params)
        pages += 1
        assert len(page["items"]) <= 3
        names += [p["metadata"]["name"] for p in page["items"]]
        token = page["metadata"].get("continue")
        if not token:
            assert "remainingItemCount" not in page["metadata"]
            break
        assert page["metadata"]["remainingItemCount"] == len(everything["items"]) - len(names)
    assert names == [p["metadata"]["name"] for p in everything["items"]]
    assert pages == -(-len(names) // 3)
    bad = await sim_api.get(f"{HUB}/api/v1/pods", params={"limit": 3, "continue": "not-a-token"})
    assert bad.status_code == 400
    assert (bad.json()["kind"], bad.json()["reason"]) == ("Status", "BadRequest")


async def test_label_and_field_selectors_filter_lists(sim_api: httpx.AsyncClient) -> None:
    payments = await get(sim_api, f"{HUB}/api/v1/pods", labelSelector="app=payments-api")
    assert len(payments["items"]) == 3
    on_node = await get(sim_api, f"{HUB}/api/v1/pods", fieldSelector="spec.nodeName=hub-worker-1")
    assert {p["spec"]["nodeName"] for p in on_node["items"]} == {"hub-worker-1"}
    unknown = await sim_api.get(f"{HUB}/api/v1/pods", params={"fieldSelector": "spec.nope=x"})
    assert unknown.status_code == 400


async def test_the_crash_looping_pod_is_oom_killed_and_backing_off(
    sim_api: httpx.AsyncClient, sim_clock: Clock, models: dict[str, ClusterModel]
) -> None:
    sim_clock.t = INC.restart_time(4) + 60  # one minute after the fifth OOM kill
    pod = await get(sim_api, f"{HUB}/api/v1/namespaces/payments/pods/{CRASHLOOP}")
    [status] = pod["status"]["containerStatuses"]
    assert status["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    terminated = status["lastState"]["terminated"]
    assert (terminated["reason"], terminated["exitCode"]) == ("OOMKilled", 137)
    assert status["ready"] is False
    restarts = one_signal(models["hub"], "kube_pod_container_status_restarts_total", pod=CRASHLOOP)
    assert status["restartCount"] == int(restarts(sim_clock.t))
    ready = next(c for c in pod["status"]["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "False"
    deployment = await get(sim_api, f"{HUB}/apis/apps/v1/namespaces/payments/deployments/payments-api")
    assert deployment["status"]["availableReplicas"] == 2
    assert deployment["status"]["conditions"][0]["reason"] == "MinimumReplicasUnavailable"

    sim_clock.t = INC.restart_time(4) + INC.restart_down_s + 30  # back up, until the next kill
    pod = await get(sim_api, f"{HUB}/api/v1/namespaces/payments/pods/{CRASHLOOP}")
    [status] = pod["status"]["containerStatuses"]
    assert "running" in status["state"]
    assert status["lastState"]["terminated"]["reason"] == "OOMKilled"
    deployment = await get(sim_api, f"{HUB}/apis/apps/v1/namespaces/payments/deployments/payments-api")
    assert deployment["status"]["availableReplicas"] == 3


async def test_warning_events_accompany_the_incident(sim_api: httpx.AsyncClient, sim_clock: Clock) -> None:
    events = (await get(sim_api, f"{HUB}/api/v1/events"))["items"]
    by_reason = {e["reason"]: e for e in events}
    assert {"BackOff", "OOMKilling", "Unhealthy", "Pulled", "Started"} <= set(by_reason)
    backoff = by_reason["BackOff"]
    assert backoff["type"] == "Warning"
    assert (backoff["involvedObject"]["kind"], backoff["involvedObject"]["name"]) == ("Pod", CRASHLOOP)
    assert backoff["count"] > 1
    assert backoff["firstTimestamp"] <= backoff["lastTimestamp"]
    assert by_reason["OOMKilling"]["involvedObject"]["kind"] == "Node"
    assert "Killed process" in by_reason["OOMKilling"]["message"]
    unhealthy = [e for e in events if e["reason"] == "Unhealthy"]
    assert len(unhealthy) == 3  # every payments-api pod fails its readiness probe
    assert all(e["message"].startswith("Readiness probe failed") for e in unhealthy)
    scoped = await get(
        sim_api, f"{HUB}/api/v1/namespaces/payments/events", fieldSelector=f"involvedObject.name={CRASHLOOP}"
    )
    assert scoped["kind"] == "EventList"
    assert {e["involvedObject"]["name"] for e in scoped["items"]} == {CRASHLOOP}

    sim_clock.t = INC.saturation_start - 60  # before the incident: nothing happened yet
    assert (await get(sim_api, f"{HUB}/api/v1/events"))["items"] == []


async def test_gpu_and_ptp_incidents_have_warning_events(sim_api: httpx.AsyncClient) -> None:
    gpu = (await get(sim_api, "/clusters/gpu-spoke/api/v1/events"))["items"]
    assert gpu
    assert {(e["type"], e["reason"], e["involvedObject"]["name"]) for e in gpu} == {
        ("Warning", "GPUThermalSlowdown", "gpu-worker-0"),
        ("Warning", "GPUXidError", "gpu-worker-0"),
    }
    ptp = (await get(sim_api, "/clusters/telco-edge/api/v1/namespaces/default/events"))["items"]
    reasons = [e["reason"] for e in ptp]
    assert reasons == ["PtpOffsetThresholdExceeded", "PtpClockHoldover", "PtpClockFreerun"]
    assert "LOCKED -> HOLDOVER" in ptp[1]["message"]
    assert ptp[1]["firstTimestamp"] == "2026-03-02T11:40:00Z"  # INC.ptp_holdover


async def test_pod_logs_serve_the_current_and_previous_run(sim_api: httpx.AsyncClient, sim_clock: Clock) -> None:
    path = f"{HUB}/api/v1/namespaces/payments/pods/{CRASHLOOP}/log"
    sim_clock.t = INC.restart_time(3) + INC.restart_down_s + 120  # running again for two minutes
    current = await sim_api.get(path, params={"tailLines": 1000})
    assert current.status_code == 200
    assert current.headers["content-type"].startswith("text/plain")
    lines = current.text.splitlines()
    assert lines[0].startswith('level=info msg="starting payments-api"')
    previous = (await sim_api.get(path, params={"previous": "true", "tailLines": 4})).text.splitlines()
    assert len(previous) == 4
    assert any('msg="memory pressure"' in line for line in previous)
    stamped = (await sim_api.get(path, params={"tailLines": 2, "timestamps": "true"})).text.splitlines()
    assert len(stamped) == 2
    assert stamped[0][:4] == "2026" and stamped[0][29:31] == "Z "
    healthy = await sim_api.get(
        f"{HUB}/api/v1/namespaces/payments/pods/payments-api-wdmsdwt78q-xc282/log", params={"previous": "true"}
    )
    assert healthy.status_code == 400
    assert "previous terminated container" in healthy.json()["message"]
    wrong = await sim_api.get(path, params={"container": "sidecar"})
    assert (wrong.status_code, wrong.json()["message"]) == (400, f"container sidecar is not valid for pod {CRASHLOOP}")


async def test_missing_objects_and_writes_get_status_errors(sim_api: httpx.AsyncClient) -> None:
    missing = await sim_api.get(f"{HUB}/api/v1/namespaces/payments/pods/nope")
    assert missing.status_code == 404
    assert (missing.json()["kind"], missing.json()["reason"], missing.json()["message"]) == (
        "Status",
        "NotFound",
        'pods "nope" not found',
    )
    delete = await sim_api.delete(f"{HUB}/api/v1/namespaces/payments/pods/{CRASHLOOP}")
    assert (delete.status_code, delete.json()["reason"]) == (403, "Forbidden")
    assert "cannot delete resource" in delete.json()["message"]
    exec_ = await sim_api.get(f"{HUB}/api/v1/namespaces/payments/pods/{CRASHLOOP}/exec")
    assert exec_.status_code == 403
    assert (await sim_api.get(f"{HUB}/apis/nvidia.com/v1/clusterpolicies")).status_code == 404


async def test_openshift_and_operator_resources(sim_api: httpx.AsyncClient) -> None:
    version = await get(sim_api, f"{HUB}/apis/config.openshift.io/v1/clusterversions/version")
    assert version["kind"] == "ClusterVersion"
    assert version["status"]["desired"]["version"] == "4.16.12"
    operators = await get(sim_api, "/clusters/telco-edge/apis/config.openshift.io/v1/clusteroperators")
    assert operators["kind"] == "ClusterOperatorList"
    assert all(o["kind"] == "ClusterOperator" for o in operators["items"])  # custom resources keep their kind
    assert all(o["status"]["versions"][0]["version"] == "4.14.37" for o in operators["items"])
    policy = await get(sim_api, "/clusters/gpu-spoke/apis/nvidia.com/v1/clusterpolicies")
    assert policy["items"][0]["status"]["state"] == "ready"
    ptp = await get(sim_api, "/clusters/telco-edge/apis/ptp.openshift.io/v1/namespaces/openshift-ptp/ptpconfigs")
    assert {p["metadata"]["name"] for p in ptp["items"]} == {"grandmaster", "du-follower"}
    rules = await get(sim_api, f"{HUB}/apis/monitoring.coreos.com/v1/prometheusrules")
    alerts = {r["alert"] for g in rules["items"][0]["spec"]["groups"] for r in g["rules"] if "alert" in r}
    assert "ContainerCPUSaturation" in alerts
    stacks = await get(sim_api, f"{HUB}/apis/loki.grafana.com/v1/lokistacks")
    assert stacks["items"][0]["metadata"]["namespace"] == "openshift-logging"


async def test_secrets_are_fake_and_every_secrets_request_is_counted(sim_api: httpx.AsyncClient) -> None:
    log = "/_sim/access-log"
    assert (await get(sim_api, log))["clusters"]["hub"]["secret_requests"] == 0
    await get(sim_api, f"{HUB}/api/v1/pods")
    await get(sim_api, f"{HUB}/api/v1/namespaces/payments/configmaps")
    assert (await get(sim_api, log))["clusters"]["hub"]["secret_requests"] == 0
    secrets = await get(sim_api, f"{HUB}/api/v1/secrets")
    assert secrets["kind"] == "SecretList"
    db = await get(sim_api, f"{HUB}/api/v1/namespaces/payments/secrets/payments-db-credentials")
    assert db["data"]["password"] == "c2VjcmV0LWRvLW5vdC1sZWFr"  # base64("secret-do-not-leak")
    await sim_api.get("/clusters/gpu-spoke/api/v1/namespaces/ml-training/secrets", params={"watch": "1"})
    body = await get(sim_api, log)
    assert body["clusters"]["hub"]["secret_requests"] == 2
    assert body["clusters"]["gpu-spoke"]["secret_requests"] == 1
    assert body["clusters"]["telco-edge"]["secret_requests"] == 0
    secret_paths = [e["path"] for e in body["clusters"]["hub"]["entries"] if e["secret"]]
    assert secret_paths == ["/api/v1/secrets", "/api/v1/namespaces/payments/secrets/payments-db-credentials"]
    one = await get(sim_api, f"{HUB}/_sim/access-log")
    assert set(one["clusters"]) == {"hub"}


async def test_objects_are_a_function_of_the_anchor_seed_and_clock(models: dict[str, ClusterModel]) -> None:
    async def snapshot(t: float) -> list[dict[str, Any]]:
        transport = httpx.ASGITransport(app=create_app(models_for(), clock=Clock(t)))
        async with httpx.AsyncClient(transport=transport, base_url="http://sim") as api:
            return [await get(api, f"{HUB}/{path}") for path in ("api/v1/pods", "api/v1/events", "api/v1/nodes")]

    first, again, later = await snapshot(ANCHOR + 60), await snapshot(ANCHOR + 60), await snapshot(ANCHOR + 400)
    assert first == again  # separate apps, same (anchor, seed, t): identical objects
    assert first[1] != later[1]  # time moves the story on: more BackOff, another OOM kill
