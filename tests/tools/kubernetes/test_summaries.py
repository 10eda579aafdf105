"""Summarising documented object shapes: nodes, pods, events (both APIs), workloads, cluster version/operators."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tools.kubernetes import shapes, shapes_apps
from tools.kubernetes.events import group_events, normalise_event
from tools.kubernetes.nodes import node_sort_key, summarise_node
from tools.kubernetes.openshift import openshift_version, unhealthy_operators
from tools.kubernetes.pods import pod_sort_key, summarise_pod
from tools.kubernetes.workloads import summarise_workload


def test_a_node_shows_readiness_pressure_gpus_taints_and_roles() -> None:
    raw = shapes.node(
        "gpu-1",
        pressure=("MemoryPressure",),
        gpus=4,
        roles=("worker", "gpu"),
        taints=[{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}],
    )
    node = summarise_node("hub", raw)
    assert node.ready == "True"
    assert node.problems == ["MemoryPressure"]
    assert node.allocatable["nvidia.com/gpu"] == "4"
    assert node.allocatable["cpu"] == "7500m"
    assert node.taints == ["nvidia.com/gpu=present:NoSchedule"]
    assert node.roles == ["gpu", "worker"]
    assert node.kubelet_version == "v1.31.6"
    assert [c.type for c in node.conditions] == ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]


def test_not_ready_nodes_sort_first_then_other_problems() -> None:
    nodes = [
        summarise_node("hub", shapes.node("a-ok")),
        summarise_node("hub", shapes.node("b-cordoned", unschedulable=True)),
        summarise_node("hub", shapes.node("c-down", ready="False")),
    ]
    ordered = sorted(nodes, key=node_sort_key)
    assert [n.name for n in ordered] == ["c-down", "b-cordoned", "a-ok"]
    assert ordered[0].problems == ["NotReady"]
    assert ordered[1].problems == ["cordoned"]


def test_an_oomkilled_container_shows_reason_exit_code_and_restarts() -> None:
    raw = shapes.pod(
        "trainer-0",
        statuses=[
            shapes.container_status(
                "trainer", ready=False, restarts=7, waiting="CrashLoopBackOff", last_terminated=("OOMKilled", 137)
            )
        ],
        owner=("StatefulSet", "trainer"),
    )
    pod = summarise_pod("gpu", raw)
    assert pod.problem == "CrashLoopBackOff"
    assert pod.restarts == 7
    assert pod.ready == "0/1"
    assert pod.last_termination is not None
    assert (pod.last_termination.reason, pod.last_termination.exit_code) == ("OOMKilled", 137)
    assert (pod.owner_kind, pod.owner_name, pod.node) == ("StatefulSet", "trainer", "worker-1")


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (shapes.pod("ok"), None),
        (shapes.pod("done", phase="Succeeded", statuses=[]), None),
        (shapes.pod("evicted", phase="Failed", statuses=[], reason="Evicted"), "Evicted"),
        (shapes.pod("pending", phase="Pending", statuses=[]), "Pending"),
        (
            shapes.pod(
                "pull",
                phase="Pending",
                statuses=[shapes.container_status("a", ready=False, waiting="ImagePullBackOff")],
            ),
            "ImagePullBackOff",
        ),
        (
            shapes.pod(
                "creating",
                phase="Pending",
                statuses=[shapes.container_status("a", ready=False, waiting="ContainerCreating")],
            ),
            "Pending",
        ),
        (shapes.pod("unready", statuses=[shapes.container_status("a", ready=False)]), "NotReady"),
    ],
)
def test_pod_problems_follow_phase_waiting_reasons_and_readiness(raw: dict[str, Any], problem: str | None) -> None:
    assert summarise_pod("hub", raw).problem == problem


def test_problem_pods_sort_first_most_restarts_first() -> None:
    pods = [
        summarise_pod("hub", shapes.pod("a-ok")),
        summarise_pod(
            "hub",
            shapes.pod(
                "b-crash", statuses=[shapes.container_status("x", ready=False, restarts=2, waiting="CrashLoopBackOff")]
            ),
        ),
        summarise_pod(
            "hub",
            shapes.pod(
                "c-crash", statuses=[shapes.container_status("x", ready=False, restarts=9, waiting="CrashLoopBackOff")]
            ),
        ),
    ]
    assert [p.name for p in sorted(pods, key=pod_sort_key)] == ["c-crash", "b-crash", "a-ok"]


def test_core_and_events_k8s_io_events_read_the_same() -> None:
    core = normalise_event(shapes.core_event("Pod", "web-1", "BackOff", "Back-off restarting", count=5))
    new = normalise_event(shapes.new_event("Pod", "web-2", "FailedScheduling", "0/3 nodes are available", series=4))
    assert (core.kind, core.name, core.reason, core.count, core.source) == ("Pod", "web-1", "BackOff", 5, "kubelet")
    assert (core.first, core.last) == (shapes.T0, shapes.T1)
    assert (new.kind, new.name, new.message, new.count) == ("Pod", "web-2", "0/3 nodes are available", 4)
    assert new.source == "default-scheduler"
    assert new.last == "2026-11-20T10:08:00.000000Z"
    assert new.first == "2026-11-20T10:00:00.000000Z"


def test_events_group_by_object_and_reason_adding_counts_and_widening_times() -> None:
    raw = [
        shapes.core_event("Pod", "web-1", "BackOff", "old message", count=3, first=shapes.T0, last=shapes.T1),
        shapes.core_event("Pod", "web-1", "BackOff", "new message", count=2, first=shapes.T1, last=shapes.T2),
        shapes.core_event("Pod", "web-1", "Pulled", "pulled", type_="Normal"),
    ]
    groups = {g.reason: g for g in group_events("hub", raw)}
    backoff = groups["BackOff"]
    assert backoff.count == 5
    assert (backoff.first_seen, backoff.last_seen, backoff.message) == (shapes.T0, shapes.T2, "new message")
    assert groups["Pulled"].type == "Normal"


@pytest.mark.parametrize(
    ("raw", "kind", "rollout"),
    [
        (shapes_apps.deployment("ok"), "deployment", "complete"),
        (shapes_apps.deployment("rolling", updated=1, ready=3, available=3), "deployment", "progressing"),
        (
            shapes_apps.deployment("stuck", updated=1, available=2, progressing=("False", "ProgressDeadlineExceeded")),
            "deployment",
            "stalled",
        ),
        (shapes_apps.deployment("short", available=2, ready=2), "deployment", "degraded"),
        (shapes_apps.deployment("paused", paused=True), "deployment", "paused"),
        (shapes_apps.deployment("stale", generation=5, observed=4), "deployment", "progressing"),
        (shapes_apps.deployment("zero", replicas=0, updated=0, ready=0, available=0), "deployment", "scaled-to-zero"),
        (shapes_apps.statefulset("db"), "statefulset", "complete"),
        (shapes_apps.statefulset("db", current="r1", update="r2"), "statefulset", "progressing"),
        (shapes_apps.daemonset("dcgm-exporter"), "daemonset", "complete"),
        (shapes_apps.daemonset("dcgm-exporter", ready=3), "daemonset", "degraded"),
    ],
)
def test_rollout_state_of_each_workload_kind(raw: dict[str, Any], kind: str, rollout: str) -> None:
    assert summarise_workload("hub", kind, raw).rollout == rollout


def test_a_workload_reports_counts_generations_and_conditions() -> None:
    item = summarise_workload(
        "hub", "deployment", shapes_apps.deployment("web", available=2, ready=2, generation=5, observed=4)
    )
    assert (item.desired, item.updated, item.ready, item.available, item.unavailable) == (3, 3, 2, 2, 1)
    assert (item.generation, item.observed_generation) == (5, 4)
    assert item.images == ["quay.io/acme/web:1.2"]
    assert {c.type for c in item.conditions} == {"Available", "Progressing"}
    daemon = summarise_workload("hub", "daemonset", shapes_apps.daemonset("d", desired=4, ready=3))
    assert (daemon.kind, daemon.desired, daemon.ready, daemon.unavailable) == ("DaemonSet", 4, 3, 1)


def test_cluster_version_shows_desired_history_and_conditions() -> None:
    info = openshift_version(
        "hub", shapes_apps.cluster_version("4.16.8", progressing_to="4.16.9"), [], shapes.version_info()
    )
    assert info.platform == "openshift"
    assert info.version == "4.16.9"
    assert info.channel == "stable-4.16"
    assert [(h.version, h.state) for h in info.history] == [("4.16.9", "Partial"), ("4.16.8", "Completed")]
    progressing = next(c for c in info.conditions if c.type == "Progressing")
    assert (progressing.status, progressing.message) == ("True", "Working towards 4.16.9")
    assert info.kubernetes_version == "v1.31.6"
    assert info.available_updates == 1
    assert info.operators_total == 0


def test_only_unhealthy_operators_are_listed_unavailable_first() -> None:
    operators = [
        shapes_apps.cluster_operator("dns"),
        shapes_apps.cluster_operator("monitoring", degraded="True", message="Prometheus rule sync failed"),
        shapes_apps.cluster_operator("ingress", available="False", message="no router pods"),
        shapes_apps.cluster_operator("network", progressing="True", message="rolling out"),
    ]
    unhealthy = unhealthy_operators(operators)
    assert [o.name for o in unhealthy] == ["ingress", "monitoring", "network"]
    assert unhealthy[0].message == "no router pods"
    assert (unhealthy[1].degraded, unhealthy[1].message) == ("True", "Prometheus rule sync failed")
    assert unhealthy[2].version == "4.16.8"
