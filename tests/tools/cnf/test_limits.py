"""The CNF reads stay on the read-only allow-list and inside the response cap."""

from __future__ import annotations

import pytest

from tools.cnf.ptp_status import _selector
from tools.cnf.results import CnfWorkload, WorkloadsResult
from tools.kubernetes.guard import (
    PERFORMANCE_PROFILES,
    SRIOV_NODE_POLICIES,
    ForbiddenPathError,
    Resource,
    resource_path,
)
from tools.sizecap import CapPlan, fit_to_cap, json_size


def test_the_cnf_custom_resources_build_their_documented_paths() -> None:
    assert resource_path(SRIOV_NODE_POLICIES, namespace="openshift-sriov-network-operator") == (
        "/apis/sriovnetwork.openshift.io/v1/namespaces/openshift-sriov-network-operator/sriovnetworknodepolicies"
    )
    assert resource_path(PERFORMANCE_PROFILES) == "/apis/performance.openshift.io/v2/performanceprofiles"
    with pytest.raises(ForbiddenPathError):
        resource_path(Resource("sriovnetwork.openshift.io", "v1", "secrets", namespaced=True))


def test_a_node_pattern_cannot_break_out_of_its_promql_string() -> None:
    assert _selector("openshift_ptp_clock_state", None) == "openshift_ptp_clock_state"
    assert _selector("m", 'du-1"} or up{x="') == 'm{node=~"du-1\\"} or up{x=\\""}'


def test_a_large_workload_list_is_cut_to_the_cap_and_says_so() -> None:
    workloads = [
        CnfWorkload(cluster="c", namespace="ran", name=f"du-{i}", function="vDU", detected_by="name", pods=1)
        for i in range(400)
    ]
    result = WorkloadsResult(workloads=workloads, total=400, returned=400)
    fit_to_cap(result, 6_000, CapPlan(items="workloads"))
    assert json_size(result) <= 6_000
    assert result.truncated and 0 < result.returned < 400
