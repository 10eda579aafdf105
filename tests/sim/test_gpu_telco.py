"""The gpu-spoke GPU faults (XID 79, thermal throttle mask, power limit, MIG, an idle allocated GPU) and the
telco-edge PTP clock class / FREERUN and SR-IOV VF exhaustion, with exact values at known times."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from servers.sim.exporter import create_app
from servers.sim.inventory import default_specs
from servers.sim.model import ClusterModel, build_cluster_model
from tests.sim.conftest import ANCHOR, INC, Clock, one_signal, signals_matching

MIN = 60.0
HISTORY = [ANCHOR - 6 * 3600 + 15 * i for i in range(6 * 240)] + [ANCHOR + 15 * i for i in range(40)]
GPU0 = {"Hostname": "gpu-worker-0"}
EDGE = "/clusters/telco-edge"
RAN_DU = f"{EDGE}/api/v1/namespaces/ran-du"


async def get(api: httpx.AsyncClient, path: str, **params: Any) -> dict[str, Any]:
    resp = await api.get(path, params=params)
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


def stored(model: ClusterModel, family: str, **labels: str) -> list[tuple[dict[str, str], Any]]:
    found = []
    for fam in model.stored_families():
        if fam.name == family:
            found += [(dict(ls), s) for ls, s in fam.series if all(dict(ls).get(k) == v for k, v in labels.items())]
    return found


# --- gpu-spoke --------------------------------------------------------------------------------------------------


def test_gpu_1_of_the_hot_node_reports_xid_79_from_its_known_time(models: dict[str, ClusterModel]) -> None:
    gpu = models["gpu-spoke"]
    assert INC.gpu_xid == ANCHOR - 25 * MIN
    xid = one_signal(gpu, "DCGM_FI_DEV_XID_ERRORS", **GPU0, gpu="1")
    assert [xid(t) for t in (INC.gpu_xid - 15, INC.gpu_xid, ANCHOR, ANCHOR + 3600)] == [0.0, 79.0, 79.0, 79.0]
    others = [
        s
        for labels, s in stored(gpu, "DCGM_FI_DEV_XID_ERRORS")
        if (labels["Hostname"], labels["gpu"]) != ("gpu-worker-0", "1")
    ]
    assert len(others) == 8
    assert all(s(t) == 0.0 for s in others for t in (INC.gpu_xid, ANCHOR + 600))


async def test_the_xid_has_a_node_warning_event(sim_api: httpx.AsyncClient) -> None:
    items = (await get(sim_api, "/clusters/gpu-spoke/api/v1/events"))["items"]
    (xid,) = [e for e in items if e["reason"] == "GPUXidError"]
    assert (xid["type"], xid["involvedObject"]["kind"], xid["involvedObject"]["name"]) == (
        "Warning",
        "Node",
        "gpu-worker-0",
    )
    assert xid["firstTimestamp"] == xid["lastTimestamp"] == "2026-03-02T11:35:00Z"  # anchor - 25 min
    assert xid["count"] == 1
    assert xid["message"].startswith("XID 79 on GPU 1 (GPU-") and "fallen off the bus" in xid["message"]


def test_the_hot_gpu_sets_sw_then_hw_thermal_slowdown_bits(models: dict[str, ClusterModel]) -> None:
    gpu = models["gpu-spoke"]
    mask = one_signal(gpu, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", **GPU0, gpu="2")
    temp = one_signal(gpu, "DCGM_FI_DEV_GPU_TEMP", **GPU0, gpu="2")
    assert (INC.gpu_throttle_start, INC.gpu_hw_thermal) == (ANCHOR - 18 * MIN, ANCHOR - 12 * MIN)
    assert mask(INC.gpu_throttle_start - 15) == 0.0
    assert mask(INC.gpu_throttle_start) == 0x20  # SW_THERMAL_SLOWDOWN
    assert mask(INC.gpu_hw_thermal - 15) == 0x20
    assert mask(INC.gpu_hw_thermal) == mask(ANCHOR) == mask(ANCHOR + 3600) == 0x60  # | HW_THERMAL_SLOWDOWN
    # HW thermal slowdown from the moment the GPU is at or above 85 degC (the hardware slowdown threshold).
    assert temp(INC.gpu_hw_thermal) == 86.0
    assert min(temp(t) for t in range(int(INC.gpu_hw_thermal), int(ANCHOR + 3600), 15)) >= 85.0
    masks = {
        (labels["Hostname"], labels["gpu"]): s(ANCHOR)
        for labels, s in stored(gpu, "DCGM_FI_DEV_CLOCK_THROTTLE_REASONS")
    }
    assert len(masks) == 9
    # Busy GPUs are not throttled; the idle-but-allocated one reports GPU_IDLE (0x1).
    assert {k: v for k, v in masks.items() if v} == {("gpu-worker-0", "2"): 0x60, ("gpu-worker-2", "2"): 0x1}


def test_every_gpu_exports_its_power_limit(models: dict[str, ClusterModel]) -> None:
    limits = {
        (labels["modelName"], labels["gpu"], labels["Hostname"]): s(ANCHOR)
        for labels, s in stored(models["gpu-spoke"], "DCGM_FI_DEV_POWER_MGMT_LIMIT")
    }
    assert len(limits) == 9
    assert {v for (model, _, _), v in limits.items() if "A100" in model} == {400.0}
    assert {v for (model, _, _), v in limits.items() if "L40S" in model} == {350.0}
    power = one_signal(models["gpu-spoke"], "DCGM_FI_DEV_POWER_USAGE", **GPU0, gpu="2")
    assert power(ANCHOR) < 400.0


def test_the_mig_gpu_exports_per_instance_series(models: dict[str, ClusterModel]) -> None:
    gpu = models["gpu-spoke"]
    mig = {"Hostname": "gpu-worker-1", "gpu": "1"}
    assert stored(gpu, "DCGM_FI_DEV_GPU_UTIL", **mig) == []  # MIG mode hides GPU_UTIL
    assert len(stored(gpu, "DCGM_FI_DEV_GPU_TEMP", **mig)) == 1  # whole-GPU series stay
    active = {
        (ls["GPU_I_ID"], ls["GPU_I_PROFILE"], ls.get("pod")): s
        for ls, s in stored(gpu, "DCGM_FI_PROF_GR_ENGINE_ACTIVE", **mig)
    }
    embed = "granite-embed-s7tfj2t8lf-sbxfw"
    assert set(active) == {("2", "3g.40gb", embed), ("7", "1g.10gb", None), ("8", "1g.10gb", None)}
    for t in HISTORY[::40]:
        assert 0.2 < active[("2", "3g.40gb", embed)](t) < 0.7
        assert active[("7", "1g.10gb", None)](t) == active[("8", "1g.10gb", None)](t) == 0.0
    used = {ls["GPU_I_ID"]: s(ANCHOR) for ls, s in stored(gpu, "DCGM_FI_DEV_FB_USED", **mig)}
    free = {ls["GPU_I_ID"]: s(ANCHOR) for ls, s in stored(gpu, "DCGM_FI_DEV_FB_FREE", **mig)}
    assert used == {"2": 28938.0, "7": 13.0, "8": 13.0}
    assert {k: used[k] + free[k] for k in used} == {"2": 40192.0, "7": 9984.0, "8": 9984.0}
    # Every other GPU's series carry no MIG labels.
    assert all("GPU_I_ID" not in ls for ls, _ in stored(gpu, "DCGM_FI_DEV_GPU_UTIL"))
    (req,) = stored(gpu, "kube_pod_container_resource_requests", pod=embed)
    assert (req[0]["resource"], req[0]["node"], req[1](ANCHOR)) == ("nvidia_com_mig_3g_40gb", "gpu-worker-1", 1.0)


def test_profiling_fields_follow_the_hardware_and_the_mig_layout(models: dict[str, ClusterModel]) -> None:
    gpu = models["gpu-spoke"]
    mig = {"Hostname": "gpu-worker-1", "gpu": "1"}
    assert {ls.get("GPU_I_ID") for ls, _ in stored(gpu, "DCGM_FI_PROF_SM_ACTIVE", **mig)} == {"2", "7", "8"}
    assert {ls.get("GPU_I_ID") for ls, _ in stored(gpu, "DCGM_FI_PROF_DRAM_ACTIVE", **mig)} == {"2", "7", "8"}
    nvlink = {ls["modelName"] for ls, _ in stored(gpu, "DCGM_FI_PROF_NVLINK_TX_BYTES")}
    assert nvlink == {"NVIDIA A100-SXM4-80GB"}  # L40S cards have no NVLink: no series, nothing invented
    pcie = {(ls["Hostname"], ls["gpu"]) for ls, _ in stored(gpu, "DCGM_FI_PROF_PCIE_TX_BYTES")}
    assert len(pcie) == len({(ls["Hostname"], ls["gpu"]) for ls, _ in stored(gpu, "DCGM_FI_DEV_GPU_TEMP")})
    busy = one_signal(gpu, "DCGM_FI_PROF_SM_ACTIVE", **GPU0, gpu="0")
    assert all(0.6 < busy(t) <= 1.0 for t in HISTORY[::40])


def test_pcie_replays_climb_in_the_half_hour_before_the_xid(models: dict[str, ClusterModel]) -> None:
    gpu = models["gpu-spoke"]
    replays = one_signal(gpu, "DCGM_FI_DEV_PCIE_REPLAY_COUNTER", **GPU0, gpu="1")
    lead = INC.gpu_xid - 30 * MIN
    assert replays(lead - 3600) == replays(lead) == 0.0
    assert 0.0 < replays(INC.gpu_xid - 10 * MIN) < replays(INC.gpu_xid)
    calm = one_signal(gpu, "DCGM_FI_DEV_PCIE_REPLAY_COUNTER", **GPU0, gpu="0")
    assert calm(ANCHOR) == 0.0


def test_the_idle_allocated_gpu_never_works(models: dict[str, ClusterModel]) -> None:
    gpu = models["gpu-spoke"]
    idle = {"Hostname": "gpu-worker-2", "gpu": "2", "pod": "jupyter-ana-0", "namespace": "rhoai-notebooks"}
    util = one_signal(gpu, "DCGM_FI_DEV_GPU_UTIL", **idle)
    active = one_signal(gpu, "DCGM_FI_PROF_GR_ENGINE_ACTIVE", **idle)
    assert {util(t) for t in HISTORY} == {active(t) for t in HISTORY} == {0.0}
    sm = one_signal(gpu, "DCGM_FI_PROF_SM_ACTIVE", **idle)
    assert {sm(t) for t in HISTORY} == {0.0}
    assert one_signal(gpu, "DCGM_FI_DEV_FB_USED", **idle)(ANCHOR) == 553.0
    requests = {
        ls["pod"]: s(ANCHOR) for ls, s in stored(gpu, "kube_pod_container_resource_requests", resource="nvidia_com_gpu")
    }
    assert requests == {
        "llama-ft-worker-0": 4.0,
        "vllm-granite-ntkw987dbm-v6fks": 1.0,
        "triton-resnet-xzjq2srjrx-nb8jn": 2.0,
        "jupyter-ana-0": 1.0,
    }
    (labels, _) = stored(gpu, "kube_pod_container_resource_requests", pod="jupyter-ana-0")[0]
    assert (labels["node"], labels["container"], labels["unit"], labels["job"]) == (
        "gpu-worker-2",
        "notebook",
        "integer",
        "kube-state-metrics",
    )


async def test_gpu_pods_and_nodes_show_the_gpu_resources(sim_api: httpx.AsyncClient) -> None:
    pods = (await get(sim_api, "/clusters/gpu-spoke/api/v1/pods"))["items"]
    by_name = {p["metadata"]["name"]: p for p in pods}
    notebook = by_name["jupyter-ana-0"]["spec"]["containers"][0]["resources"]
    assert notebook["requests"]["nvidia.com/gpu"] == notebook["limits"]["nvidia.com/gpu"] == "1"
    embed = by_name["granite-embed-s7tfj2t8lf-sbxfw"]["spec"]["containers"][0]["resources"]
    assert embed["limits"]["nvidia.com/mig-3g.40gb"] == "1"
    node = await get(sim_api, "/clusters/gpu-spoke/api/v1/nodes/gpu-worker-1")
    alloc = node["status"]["allocatable"]
    assert (alloc["nvidia.com/gpu"], alloc["nvidia.com/mig-3g.40gb"], alloc["nvidia.com/mig-1g.10gb"]) == (
        "1",
        "1",
        "2",
    )


# --- telco-edge PTP -------------------------------------------------------------------------------------------


def test_ptp_clock_class_follows_the_clock_state(models: dict[str, ClusterModel]) -> None:
    edge = models["telco-edge"]
    gm = one_signal(edge, "openshift_ptp_clock_class", node="edge-gm-0", process="ptp4l")
    du = one_signal(edge, "openshift_ptp_clock_class", node="edge-du-1", process="ptp4l")
    assert {gm(t) for t in HISTORY} == {6.0}
    assert [du(t) for t in (INC.ptp_holdover - 15, INC.ptp_holdover, INC.ptp_freerun, ANCHOR + 3600)] == [
        6.0,
        135.0,
        248.0,
        248.0,
    ]
    # The default fleet's follower goes LOCKED -> HOLDOVER -> FREERUN.
    state = one_signal(edge, "openshift_ptp_clock_state", node="edge-du-1", process="ptp4l")
    assert [state(INC.ptp_holdover - 15), state(INC.ptp_holdover), state(INC.ptp_freerun)] == [1.0, 2.0, 0.0]
    assert state(ANCHOR + 3600) == 0.0


@pytest.fixture(scope="module")
def freerun_models() -> dict[str, ClusterModel]:
    """The default fleet with the telco-edge follower's holdover timing out into FREERUN."""
    specs = [replace(s, ptp_freerun=True) if s.name == "telco-edge" else s for s in default_specs()]
    return {s.name: build_cluster_model(s, ANCHOR, 7) for s in specs}


@pytest.fixture
async def freerun_api(freerun_models: dict[str, ClusterModel]) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(freerun_models, clock=Clock(ANCHOR + 120.0)))
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
        yield client


def test_ptp_freerun_goes_locked_holdover_freerun_with_clock_class(freerun_models: dict[str, ClusterModel]) -> None:
    edge = freerun_models["telco-edge"]
    assert (INC.ptp_holdover, INC.ptp_freerun) == (ANCHOR - 20 * MIN, ANCHOR - 8 * MIN)
    state = one_signal(edge, "openshift_ptp_clock_state", node="edge-du-1", process="ptp4l")
    cls = one_signal(edge, "openshift_ptp_clock_class", node="edge-du-1", process="ptp4l")
    times = (INC.ptp_holdover - 15, INC.ptp_holdover, INC.ptp_freerun - 15, INC.ptp_freerun, ANCHOR + 3600)
    assert [state(t) for t in times] == [1.0, 2.0, 2.0, 0.0, 0.0]
    assert [cls(t) for t in times] == [6.0, 135.0, 135.0, 248.0, 248.0]
    timeout = one_signal(edge, "openshift_ptp_threshold", node="edge-du-1", threshold="HoldOverTimeout")
    assert timeout(ANCHOR) == 720.0
    phc2sys = one_signal(edge, "openshift_ptp_clock_state", node="edge-du-1", process="phc2sys")
    assert phc2sys(ANCHOR) == 1.0


async def test_ptp_freerun_has_its_event_and_daemon_log_line(freerun_api: httpx.AsyncClient) -> None:
    items = (await get(freerun_api, f"{EDGE}/api/v1/namespaces/default/events"))["items"]
    assert [e["reason"] for e in items] == ["PtpOffsetThresholdExceeded", "PtpClockHoldover", "PtpClockFreerun"]
    assert items[2]["firstTimestamp"] == "2026-03-02T11:52:00Z"  # anchor - 8 min
    assert "HOLDOVER -> FREERUN" in items[2]["message"] and "135 -> 248" in items[2]["message"]
    params = {"query": '{namespace="openshift-ptp"} |= "FREERUN"', "start": int(ANCHOR - 3600), "end": int(ANCHOR)}
    body = await get(freerun_api, f"{EDGE}/loki/loki/api/v1/query_range", **params)
    lines = [(int(ns), line) for s in body["data"]["result"] for ns, line in s["values"]]
    assert len(lines) == 1
    assert abs(lines[0][0] / 1e9 - INC.ptp_freerun) < 1
    assert "HOLDOVER -> FREERUN: holdover timeout 720s expired" in lines[0][1]


# --- telco-edge SR-IOV and PerformanceProfile ----------------------------------------------------------------


def vf_addresses(pod: dict[str, Any]) -> list[str]:
    status = json.loads(pod["metadata"]["annotations"]["k8s.v1.cni.cncf.io/network-status"])
    assert status[0]["default"] is True and status[0]["ips"] == [pod["status"]["podIP"]]
    return [e["device-info"]["pci"]["pci-address"] for e in status[1:] if e["device-info"]["type"] == "pci"]


def requests(pod: dict[str, Any], resource: str) -> int:
    return sum(int(c["resources"]["requests"].get(resource, 0)) for c in pod["spec"]["containers"])


async def test_the_midhaul_vfs_of_the_gm_node_are_all_taken(sim_api: httpx.AsyncClient) -> None:
    states = (await get(sim_api, f"{EDGE}/apis/sriovnetwork.openshift.io/v1/sriovnetworknodestates"))["items"]
    gm_state = next(s for s in states if s["metadata"]["name"] == "edge-gm-0")
    assert gm_state["status"]["syncStatus"] == "Succeeded"
    ens5f1 = next(i for i in gm_state["status"]["interfaces"] if i["name"] == "ens5f1")
    assert (ens5f1["numVfs"], ens5f1["totalvfs"], ens5f1["pciAddress"], len(ens5f1["vfs"])) == (
        4,
        64,
        "0000:51:00.1",
        4,
    )
    vfs = [v["pciAddress"] for v in ens5f1["vfs"]]
    assert vfs == ["0000:51:11.0", "0000:51:11.1", "0000:51:11.2", "0000:51:11.3"]
    assert {v["driver"] for v in ens5f1["vfs"]} == {"iavf"}

    node = await get(sim_api, f"{EDGE}/api/v1/nodes/edge-gm-0")
    assert node["status"]["allocatable"]["openshift.io/cu_mh"] == "4"
    pods = (await get(sim_api, f"{EDGE}/api/v1/pods"))["items"]
    holders = [p for p in pods if p["spec"].get("nodeName") == "edge-gm-0" and requests(p, "openshift.io/cu_mh")]
    assert all(p["status"]["phase"] == "Running" for p in holders)
    assert sum(requests(p, "openshift.io/cu_mh") for p in holders) == 4
    held = [a for p in holders for a in vf_addresses(p)]
    assert sorted(held) == vfs  # each VF exactly once, as the node state lists them
    for p in holders:
        assert len(vf_addresses(p)) == requests(p, "openshift.io/cu_mh")
        assert p["metadata"]["annotations"]["k8s.v1.cni.cncf.io/networks"].split(",")[0] == "cu-mh-net"

    (pending,) = [p for p in pods if p["status"]["phase"] == "Pending"]
    assert pending["metadata"]["name"].startswith("cu-up-") and "nodeName" not in pending["spec"]
    assert requests(pending, "openshift.io/cu_mh") == 1
    assert pending["metadata"]["creationTimestamp"] == "2026-03-02T11:20:00Z"  # anchor - 40 min
    (scheduled,) = pending["status"]["conditions"]
    assert (scheduled["type"], scheduled["status"], scheduled["reason"]) == ("PodScheduled", "False", "Unschedulable")

    events = (await get(sim_api, f"{RAN_DU}/events"))["items"]
    (failed,) = [e for e in events if e["reason"] == "FailedScheduling"]
    assert failed["involvedObject"]["name"] == pending["metadata"]["name"]
    assert failed["type"] == "Warning" and "Insufficient openshift.io/cu_mh" in failed["message"]
    assert (failed["firstTimestamp"], failed["lastTimestamp"], failed["count"]) == (
        "2026-03-02T11:20:00Z",
        "2026-03-02T12:00:00Z",
        9,  # every 5 min from anchor - 40 min to the anchor
    )
    deploy = await get(sim_api, f"{EDGE}/apis/apps/v1/namespaces/ran-du/deployments/cu-up")
    assert (deploy["spec"]["replicas"], deploy["status"].get("availableReplicas")) == (3, 2)


async def test_sriov_policies_match_the_node_states(sim_api: httpx.AsyncClient) -> None:
    group = f"{EDGE}/apis/sriovnetwork.openshift.io/v1"
    policies = (await get(sim_api, f"{group}/sriovnetworknodepolicies"))["items"]
    states = {s["metadata"]["name"]: s for s in (await get(sim_api, f"{group}/sriovnetworknodestates"))["items"]}
    nodes = {n["metadata"]["name"]: n for n in (await get(sim_api, f"{EDGE}/api/v1/nodes"))["items"]}
    networks = (await get(sim_api, f"{group}/sriovnetworks"))["items"]
    assert {(p["metadata"]["name"], p["spec"]["resourceName"], p["spec"]["numVfs"]) for p in policies} == {
        ("du-fh", "du_fh", 8),
        ("cu-mh", "cu_mh", 4),
    }
    assert {n["spec"]["resourceName"]: n["metadata"]["name"] for n in networks} == {
        "du_fh": "du-fh-net",
        "cu_mh": "cu-mh-net",
    }
    for p in policies:
        spec = p["spec"]
        (node,) = [
            n
            for n in nodes.values()
            if all(n["metadata"]["labels"].get(k) == v for k, v in spec["nodeSelector"].items())
        ]
        name = node["metadata"]["name"]
        (pf,) = [i for i in states[name]["status"]["interfaces"] if i["name"] in spec["nicSelector"]["pfNames"]]
        assert pf["numVfs"] == len(pf["vfs"]) == spec["numVfs"]
        want = "vfio-pci" if spec["deviceType"] == "vfio-pci" else "iavf"
        assert {v["driver"] for v in pf["vfs"]} == {want}
        assert node["status"]["allocatable"][f"openshift.io/{spec['resourceName']}"] == str(spec["numVfs"])


async def test_the_vdu_has_its_vfs_hugepages_and_performance_profile(sim_api: httpx.AsyncClient) -> None:
    profiles = await get(sim_api, f"{EDGE}/apis/performance.openshift.io/v2/performanceprofiles")
    (profile,) = profiles["items"]
    assert (profile["apiVersion"], profile["kind"]) == ("performance.openshift.io/v2", "PerformanceProfile")
    assert "namespace" not in profile["metadata"]
    spec = profile["spec"]
    assert spec["cpu"] == {"isolated": "2-7", "reserved": "0-1"}
    assert spec["hugepages"] == {"defaultHugepagesSize": "1G", "pages": [{"size": "1G", "count": 16, "node": 0}]}
    assert spec["realTimeKernel"] == {"enabled": True}
    du_node = await get(sim_api, f"{EDGE}/api/v1/nodes/edge-du-1")
    assert all(du_node["metadata"]["labels"].get(k) == v for k, v in spec["nodeSelector"].items())
    gm_node = await get(sim_api, f"{EDGE}/api/v1/nodes/edge-gm-0")
    assert not all(gm_node["metadata"]["labels"].get(k) == v for k, v in spec["nodeSelector"].items())
    assert du_node["status"]["allocatable"]["hugepages-1Gi"] == "16Gi"

    pods = (await get(sim_api, f"{RAN_DU}/pods"))["items"]
    (du,) = [p for p in pods if p["metadata"]["name"].startswith("du-app-")]
    res = du["spec"]["containers"][0]["resources"]
    assert res["requests"]["openshift.io/du_fh"] == res["limits"]["openshift.io/du_fh"] == "2"
    assert res["requests"]["hugepages-1Gi"] == res["limits"]["hugepages-1Gi"] == "16Gi"
    assert vf_addresses(du) == ["0000:51:01.0", "0000:51:01.1"]
    assert du["metadata"]["annotations"]["k8s.v1.cni.cncf.io/networks"] == "du-fh-net,du-fh-net"


def test_the_new_pods_have_metrics_but_the_pending_pod_has_none(models: dict[str, ClusterModel]) -> None:
    edge = models["telco-edge"]
    infos = {dict(ls)["pod"] for ls, _ in next(f for f in edge.stored_families() if f.name == "kube_pod_info").series}
    assert sum(1 for p in infos if p.startswith("cu-up-")) == 2
    available = signals_matching(edge, "kube_deployment_status_replicas_available", deployment="cu-up")
    assert [s(ANCHOR) for s in available] == [2.0]
