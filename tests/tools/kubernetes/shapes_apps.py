"""apps/v1 workloads and config.openshift.io/v1 ClusterVersion/ClusterOperator bodies in their documented shapes."""

from __future__ import annotations

from typing import Any

from tests.tools.kubernetes.shapes import T0, T1, T2, condition


def deployment(
    name: str,
    namespace: str = "apps",
    *,
    replicas: int = 3,
    updated: int = 3,
    ready: int = 3,
    available: int = 3,
    generation: int = 4,
    observed: int = 4,
    paused: bool = False,
    progressing: tuple[str, str] = ("True", "NewReplicaSetAvailable"),
) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace, "generation": generation},
        "spec": {
            "replicas": replicas,
            "paused": paused,
            "template": {"spec": {"containers": [{"name": "app", "image": f"quay.io/acme/{name}:1.2"}]}},
        },
        "status": {
            "observedGeneration": observed,
            "replicas": replicas,
            "updatedReplicas": updated,
            "readyReplicas": ready,
            "availableReplicas": available,
            **({"unavailableReplicas": replicas - available} if available < replicas else {}),
            "conditions": [
                condition("Available", "True" if available >= replicas else "False", "MinimumReplicasAvailable"),
                condition("Progressing", progressing[0], progressing[1]),
            ],
        },
    }


def statefulset(
    name: str, namespace: str = "apps", *, replicas: int = 3, ready: int = 3, current: str = "r1", update: str = "r1"
) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": namespace, "generation": 2},
        "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": "db", "image": "pg:16"}]}}},
        "status": {
            "observedGeneration": 2,
            "replicas": replicas,
            "readyReplicas": ready,
            "availableReplicas": ready,
            "updatedReplicas": replicas if current == update else 1,
            "currentRevision": current,
            "updateRevision": update,
        },
    }


def daemonset(
    name: str,
    namespace: str = "nvidia-gpu-operator",
    *,
    desired: int = 4,
    ready: int = 4,
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": namespace, "generation": 1, "labels": labels or {}},
        "spec": {"template": {"spec": {"containers": [{"name": "exporter", "image": "nvcr.io/dcgm-exporter"}]}}},
        "status": {
            "observedGeneration": 1,
            "desiredNumberScheduled": desired,
            "currentNumberScheduled": desired,
            "updatedNumberScheduled": desired,
            "numberReady": ready,
            "numberAvailable": ready,
            **({"numberUnavailable": desired - ready} if ready < desired else {}),
            "numberMisscheduled": 0,
        },
    }


def cluster_version(
    version: str = "4.16.8", *, failing: bool = False, progressing_to: str | None = None
) -> dict[str, Any]:
    desired = progressing_to or version
    history = [
        {
            "state": "Completed",
            "version": version,
            "image": f"quay.io/openshift-release-dev/ocp-release:{version}",
            "startedTime": T0,
            "completionTime": T1,
            "verified": True,
        }
    ]
    if progressing_to:
        history.insert(
            0,
            {
                "state": "Partial",
                "version": progressing_to,
                "startedTime": T2,
                "completionTime": None,
                "verified": True,
            },
        )
    return {
        "apiVersion": "config.openshift.io/v1",
        "kind": "ClusterVersion",
        "metadata": {"name": "version"},
        "spec": {"channel": "stable-4.16", "clusterID": "5ec312f9-f729-429d-a454-61d4906896ca"},
        "status": {
            "desired": {"version": desired, "image": f"quay.io/openshift-release-dev/ocp-release:{desired}"},
            "history": history,
            "availableUpdates": [{"version": "4.16.9", "image": "x"}],
            "conditions": [
                condition("Available", "True", message=f"Done applying {version}"),
                condition(
                    "Failing",
                    "True" if failing else "False",
                    "ClusterOperatorDegraded" if failing else None,
                    "Cluster operator monitoring is degraded" if failing else None,
                ),
                condition(
                    "Progressing",
                    "True" if progressing_to else "False",
                    message=f"Working towards {desired}" if progressing_to else f"Cluster version is {version}",
                ),
                condition("RetrievedUpdates", "True"),
            ],
        },
    }


def cluster_operator(
    name: str,
    *,
    available: str = "True",
    progressing: str = "False",
    degraded: str = "False",
    message: str | None = None,
) -> dict[str, Any]:
    return {
        "apiVersion": "config.openshift.io/v1",
        "kind": "ClusterOperator",
        "metadata": {"name": name},
        "spec": {},
        "status": {
            "conditions": [
                condition("Available", available, message=message if available != "True" else None),
                condition("Progressing", progressing, message=message if progressing == "True" else None),
                condition("Degraded", degraded, message=message if degraded == "True" else None),
                condition("Upgradeable", "True"),
            ],
            "versions": [{"name": "operator", "version": "4.16.8"}],
        },
    }
