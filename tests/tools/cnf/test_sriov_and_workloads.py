"""SR-IOV status and telco workload discovery against API bodies in their documented shapes (respx)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import respx

from tests.tools.cnf import shapes
from tools.cnf import CnfService
from tools.kubernetes import KubeLimits
from tools.prometheus import MetricsLimits, MetricsService
from tools.targets import BackendAuth, BackendTarget, HttpClientPool

DU_FH = "openshift.io/du_fh"
SRIOV = "/apis/sriovnetwork.openshift.io/v1"


@pytest.fixture
async def service() -> AsyncIterator[CnfService]:
    pool = HttpClientPool(timeout=5.0)
    yield CnfService(
        MetricsService(pool, MetricsLimits()), pool, KubeLimits(response_max_bytes=20_000, cluster_timeout_s=2.0)
    )
    await pool.aclose()


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=shapes.API, assert_all_mocked=True, assert_all_called=False) as mock:
        yield mock


def target() -> BackendTarget:
    return BackendTarget(cluster="ran", backend="api", base_url=shapes.API, auth=BackendAuth(bearer_token="t0k3n"))


def serve(router: respx.MockRouter, path: str, body: dict[str, Any], status: int = 200) -> respx.Route:
    return router.get(path=path).mock(return_value=httpx.Response(status, json=body))


NADS = "/apis/k8s.cni.cncf.io/v1/network-attachment-definitions"


def sriov_cluster(
    router: respx.MockRouter,
    *,
    pod_annotations: dict[str, dict[str, str]] | None = None,
    nads: list[dict[str, Any]] | None = None,
) -> None:
    notes = pod_annotations or {}
    serve(router, NADS, shapes.items("NetworkAttachmentDefinition", nads or [], api_version="k8s.cni.cncf.io/v1"))
    serve(
        router,
        f"{SRIOV}/sriovnetworknodestates",
        shapes.items(
            "SriovNetworkNodeState",
            [
                shapes.node_state("du-1", 4, "Succeeded"),
                shapes.node_state("du-2", 0, "Failed", error="failed to set sriov_numvfs on ens1f0: device busy"),
            ],
        ),
    )
    serve(
        router,
        f"{SRIOV}/sriovnetworknodepolicies",
        shapes.items("SriovNetworkNodePolicy", [shapes.policy("du-fh", "du_fh", 4)]),
    )
    serve(
        router,
        "/api/v1/nodes",
        shapes.items(
            "Node",
            [
                shapes.node("du-1", {DU_FH: "4"}, shapes.CNF_ROLE),
                shapes.node("du-2", {DU_FH: "0"}, shapes.CNF_ROLE),
                shapes.node("infra-1", {}),
            ],
        ),
    )
    serve(
        router,
        "/api/v1/pods",
        shapes.items(
            "Pod",
            [
                shapes.pod("ran", "du-0", node_name="du-1", limits={DU_FH: "2"}, annotations=notes.get("du-0")),
                shapes.pod("ran", "du-1", node_name="du-1", limits={DU_FH: "2"}),
                shapes.pod("ran", "job-done", node_name="du-1", phase="Succeeded", limits={DU_FH: "1"}),
                shapes.pod(
                    "ran", "du-2", node_name=None, phase="Pending", limits={DU_FH: "2"}, annotations=notes.get("du-2")
                ),
                shapes.pod("web", "nginx", node_name="infra-1"),
            ],
        ),
    )


async def test_sriov_reports_failed_sync_exhaustion_pending_pods_and_policy_mismatch(
    service: CnfService, router: respx.MockRouter
) -> None:
    sriov_cluster(router)
    result = await service.sriov_status([target()])
    assert [n.node for n in result.nodes] == ["du-2", "du-1"]  # problems first
    failed = result.nodes[0]
    assert failed.sync_status == "Failed"
    assert failed.problems[0] == "sync Failed: failed to set sriov_numvfs on ens1f0: device busy"
    healthy = result.nodes[1]
    assert healthy.problems == []
    pf = healthy.interfaces[0]
    assert (pf.name, pf.pci_address, pf.driver, pf.total_vfs, pf.num_vfs, pf.vfs_reported) == (
        "ens1f0",
        "0000:3b:00.0",
        "ice",
        64,
        4,
        4,
    )
    assert (pf.mtu, pf.link_speed, pf.link_type) == (9000, "25000 Mb/s", "ETH")
    du1 = next(r for r in result.resources if r.node == "du-1")
    assert (du1.resource, du1.allocatable, du1.requested, du1.free, du1.exhausted) == (DU_FH, 4, 4, 0, True)
    assert du1.pods == ["ran/du-0", "ran/du-1"]  # the Succeeded pod holds nothing
    assert result.pending == [f"ran: ran/du-2 asks {DU_FH}=2"]
    assert result.mismatches == ["ran/du-2: policy du-fh wants numVfs=4, ens1f0 has 0"]
    assert result.clusters[0].status == "ok"
    first = await service.sriov_status([target()], limit=1)
    assert ([n.node for n in first.nodes], first.total, first.truncated) == (["du-2"], 2, True)
    rest = await service.sriov_status([target()], limit=1, cursor=first.next_cursor)
    assert ([n.node for n in rest.nodes], rest.next_cursor) == (["du-1"], None)
    assert rest.resources == result.resources  # per-resource usage is complete on every page


async def test_sriov_networks_come_from_network_attachment_definitions_with_their_pods(
    service: CnfService, router: respx.MockRouter
) -> None:
    sriov_cluster(
        router,
        pod_annotations={"du-0": shapes.du_annotations(), "du-2": {"k8s.v1.cni.cncf.io/networks": "du-fh,du-xh@net2"}},
        nads=[
            shapes.nad("ran", "du-fh", shapes.sriov_cni("du-fh", 100), DU_FH),
            shapes.nad("ran", "du-mh", shapes.sriov_cni("du-mh", 200), "openshift.io/du_mh"),
            shapes.nad("ran", "broken", "{not json", "openshift.io/du_fh"),
            shapes.nad("web", "bridge-net", {"cniVersion": "1.0.0", "type": "bridge", "bridge": "br0"}),
        ],
    )
    result = await service.sriov_status([target()])
    by_name = {n.name: n for n in result.networks}
    assert set(by_name) == {"du-fh", "du-mh", "broken"}  # the bridge network is not SR-IOV
    fh = by_name["du-fh"]
    assert (fh.resource, fh.cni_type, fh.vlan, fh.problem) == (DU_FH, "sriov", 100, None)
    assert fh.pods == ["ran/du-0", "ran/du-2"]
    assert by_name["du-mh"].problem == (
        "openshift.io/du_mh is advertised by no node (SriovNetworkNodePolicy missing or not applied)"
    )
    assert by_name["broken"].problem is not None and "not valid JSON" in by_name["broken"].problem
    assert result.networks[-1].name == "du-fh"  # problems first
    assert "ran: ran/du-2 asks for network ran/du-xh, which has no NetworkAttachmentDefinition" in result.mismatches
    assert "whereabouts" not in result.model_dump_json()  # the CNI config itself is never returned


async def test_a_policy_asking_vfio_pci_flags_vfs_bound_to_a_kernel_driver(
    service: CnfService, router: respx.MockRouter
) -> None:
    sriov_cluster(router)
    serve(
        router,
        f"{SRIOV}/sriovnetworknodestates",
        shapes.items("SriovNetworkNodeState", [shapes.node_state("du-1", 4, "Succeeded", vf_driver="iavf")]),
    )
    result = await service.sriov_status([target()])
    assert "ran/du-1: policy du-fh wants deviceType vfio-pci, VFs of ens1f0 use iavf" in result.mismatches
    assert "ran/du-2: policy du-fh selects the node but no PF matches its nicSelector" in result.mismatches


async def test_sriov_without_the_operator_is_a_success_with_notes(
    service: CnfService, router: respx.MockRouter
) -> None:
    missing = {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "reason": "NotFound",
        "code": 404,
        "message": "the server could not find the requested resource",
    }
    serve(router, f"{SRIOV}/sriovnetworknodestates", missing, 404)
    serve(router, f"{SRIOV}/sriovnetworknodepolicies", missing, 404)
    serve(router, NADS, missing, 404)
    serve(router, "/api/v1/nodes", shapes.items("Node", [shapes.node("w-1", {})]))
    serve(router, "/api/v1/pods", shapes.items("Pod", []))
    result = await service.sriov_status([target()])
    assert result.nodes == [] and result.resources == []
    assert any("sriovnetworknodestates.sriovnetwork.openshift.io does not exist" in n for n in result.notes)
    assert any("No SriovNetworkNodeState on ran" in n for n in result.notes)
    assert result.networks == []
    assert any("network-attachment-definitions.k8s.cni.cncf.io does not exist" in n for n in result.notes)


def workloads_cluster(router: respx.MockRouter) -> None:
    serve(
        router,
        "/api/v1/nodes",
        shapes.items("Node", [shapes.node("du-1", {}, shapes.CNF_ROLE), shapes.node("core-1", {})]),
    )
    serve(
        router,
        "/apis/performance.openshift.io/v2/performanceprofiles",
        shapes.items("PerformanceProfile", [shapes.performance_profile("du-profile")]),
    )
    du = shapes.pod(
        "ran",
        "vdu-6d4f-x1",
        node_name="du-1",
        labels={"app": "vdu-l1", "pod-template-hash": "6d4f"},
        limits={"hugepages-1Gi": "16Gi", DU_FH: "1"},
        annotations=shapes.du_annotations(),
        owner=("ReplicaSet", "vdu-6d4f"),
    )
    upf = shapes.pod("core", "upf-0", node_name="core-1", owner=("StatefulSet", "upf"))
    ptp = shapes.pod("openshift-ptp", "linuxptp-daemon-abcde", node_name="du-1", labels={"app": "linuxptp-daemon"})
    serve(router, "/api/v1/pods", shapes.items("Pod", [du, upf, ptp, shapes.pod("web", "nginx", node_name="core-1")]))


async def test_workloads_are_classified_with_profile_networks_and_ptp(
    service: CnfService, router: respx.MockRouter
) -> None:
    workloads_cluster(router)
    result = await service.list_workloads([target()])
    assert [(w.function, w.namespace, w.name) for w in result.workloads] == [
        ("vDU", "ran", "vdu"),
        ("UPF", "core", "upf"),
    ]
    vdu, upf = result.workloads
    assert vdu.detected_by == "label app=vdu-l1"
    assert vdu.nodes == ["du-1"] and vdu.ptp is True
    assert vdu.performance_profile == "du-profile"
    assert (vdu.isolated_cpus, vdu.reserved_cpus, vdu.realtime_kernel) == ("2-31,34-63", "0-1,32-33", True)
    assert vdu.profile_hugepages == ["32x1G@numa0"]
    assert vdu.hugepages == {"hugepages-1Gi": "16Gi"}
    assert vdu.sriov_networks == ["du-fh", "du-fh (VF 0000:3b:02.1)"]
    assert upf.ptp is False and upf.performance_profile is None and upf.detected_by == "name upf-0"
    only = await service.list_workloads([target()], function="UPF")
    assert [w.name for w in only.workloads] == ["upf"]
    page = await service.list_workloads([target()], limit=1)
    assert ([w.name for w in page.workloads], page.total, page.truncated) == (["vdu"], 2, True)
    nxt = await service.list_workloads([target()], limit=1, cursor=page.next_cursor)
    assert [w.name for w in nxt.workloads] == ["upf"] and not nxt.truncated
