"""Kubernetes/OpenShift API bodies in their documented shapes (core/v1, apps/v1, events.k8s.io/v1,
config.openshift.io/v1, meta/v1 Status, discovery documents), for respx to serve."""

from __future__ import annotations

from typing import Any

T0 = "2026-11-20T10:00:00Z"
T1 = "2026-11-20T10:05:00Z"
T2 = "2026-11-20T10:09:30Z"


def status(code: int, reason: str, message: str, **extra: Any) -> dict[str, Any]:
    """A meta/v1 Status failure body."""
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": extra.pop("metadata", {}),
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
        **extra,
    }


def forbidden(verb: str, resource: str, namespace: str | None = None, group: str = "") -> dict[str, Any]:
    """The 403 an RBAC denial returns."""
    where = f' in the namespace "{namespace}"' if namespace else " at the cluster scope"
    message = (
        f'{resource} is forbidden: User "system:serviceaccount:aiops:reader" cannot {verb} resource "{resource}" '
        f'in API group "{group}"{where}'
    )
    return status(403, "Forbidden", message, details={"kind": resource})


def not_found(resource: str, name: str, group: str = "") -> dict[str, Any]:
    qualified = f"{resource}.{group}" if group else resource
    return status(404, "NotFound", f'{qualified} "{name}" not found', details={"name": name, "kind": resource})


def expired() -> dict[str, Any]:
    return status(
        410,
        "Expired",
        "The provided continue parameter is too old to display a consistent list result. You can start a new list "
        "without the continue parameter, or use the continue token in this response to retrieve the remainder of the "
        "results.",
        metadata={"continue": "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTIzfQ"},
    )


def object_list(
    kind: str,
    items: list[dict[str, Any]],
    *,
    cont: str | None = None,
    remaining: int | None = None,
    api_version: str = "v1",
) -> dict[str, Any]:
    """A ``<Kind>List`` with ListMeta (resourceVersion, continue, remainingItemCount)."""
    metadata: dict[str, Any] = {"resourceVersion": "123456"}
    if cont:
        metadata["continue"] = cont
    if remaining is not None:
        metadata["remainingItemCount"] = remaining
    return {"kind": f"{kind}List", "apiVersion": api_version, "metadata": metadata, "items": items}


def condition(type_: str, status_: str, reason: str | None = None, message: str | None = None) -> dict[str, Any]:
    c: dict[str, Any] = {"type": type_, "status": status_, "lastTransitionTime": T0}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def node(
    name: str,
    *,
    ready: str = "True",
    pressure: tuple[str, ...] = (),
    gpus: int = 0,
    roles: tuple[str, ...] = ("worker",),
    taints: list[dict[str, str]] | None = None,
    unschedulable: bool = False,
) -> dict[str, Any]:
    allocatable = {"cpu": "7500m", "memory": "31Gi", "pods": "250", "ephemeral-storage": "100Gi"}
    if gpus:
        allocatable["nvidia.com/gpu"] = str(gpus)
    conds = [condition("Ready", ready, "KubeletReady" if ready == "True" else "KubeletNotReady")]
    conds += [
        condition(p, "True" if p in pressure else "False") for p in ("MemoryPressure", "DiskPressure", "PIDPressure")
    ]
    spec: dict[str, Any] = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {
        "metadata": {"name": name, "labels": {f"node-role.kubernetes.io/{r}": "" for r in roles}},
        "spec": spec,
        "status": {
            "conditions": conds,
            "allocatable": allocatable,
            "capacity": allocatable,
            "nodeInfo": {"kubeletVersion": "v1.31.6", "osImage": "Red Hat Enterprise Linux CoreOS"},
        },
    }


def container_status(
    name: str,
    *,
    ready: bool = True,
    restarts: int = 0,
    waiting: str | None = None,
    last_terminated: tuple[str, int] | None = None,
) -> dict[str, Any]:
    state: dict[str, Any] = (
        {"waiting": {"reason": waiting, "message": "back-off 5m0s"}} if waiting else {"running": {"startedAt": T0}}
    )
    cs: dict[str, Any] = {
        "name": name,
        "ready": ready,
        "restartCount": restarts,
        "state": state,
        "image": "img",
        "lastState": {},
    }
    if last_terminated:
        reason, code = last_terminated
        cs["lastState"] = {"terminated": {"reason": reason, "exitCode": code, "startedAt": T0, "finishedAt": T1}}
    return cs


def pod(
    name: str,
    namespace: str = "apps",
    *,
    phase: str = "Running",
    statuses: list[dict[str, Any]] | None = None,
    owner: tuple[str, str] | None = ("ReplicaSet", "web-7d9c"),
    node_name: str = "worker-1",
    reason: str | None = None,
) -> dict[str, Any]:
    statuses = statuses if statuses is not None else [container_status("app")]
    metadata: dict[str, Any] = {"name": name, "namespace": namespace, "uid": f"uid-{name}"}
    if owner:
        metadata["ownerReferences"] = [
            {"apiVersion": "apps/v1", "kind": owner[0], "name": owner[1], "controller": True, "uid": "o"}
        ]
    status_: dict[str, Any] = {"phase": phase, "containerStatuses": statuses, "startTime": T0}
    if reason:
        status_["reason"] = reason
    return {
        "metadata": metadata,
        "spec": {
            "nodeName": node_name,
            "containers": [
                {
                    "name": s["name"],
                    "image": "img",
                    # Values a pod spec may carry inline; no tool may ever return them.
                    "env": [{"name": "DB_PASSWORD", "value": "ENV-VALUE-must-not-leak"}],
                }
                for s in statuses
            ],
            "volumes": [{"name": "cfg", "configMap": {"name": "app-config"}}],
        },
        "status": status_,
    }


def core_event(
    obj_kind: str,
    obj_name: str,
    reason: str,
    message: str,
    *,
    type_: str = "Warning",
    count: int = 1,
    first: str = T0,
    last: str = T1,
    namespace: str = "apps",
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{obj_name}.{reason}", "namespace": namespace, "creationTimestamp": first},
        "involvedObject": {"kind": obj_kind, "name": obj_name, "namespace": namespace, "apiVersion": "v1"},
        "reason": reason,
        "message": message,
        "type": type_,
        "count": count,
        "firstTimestamp": first,
        "lastTimestamp": last,
        "source": {"component": "kubelet", "host": "worker-1"},
        "eventTime": None,
        "reportingComponent": "kubelet",
    }


def new_event(
    obj_kind: str,
    obj_name: str,
    reason: str,
    note: str,
    *,
    type_: str = "Warning",
    series: int | None = None,
    namespace: str = "apps",
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": {"name": f"{obj_name}.{reason}", "namespace": namespace},
        "eventTime": "2026-11-20T10:00:00.000000Z",
        "regarding": {"kind": obj_kind, "name": obj_name, "namespace": namespace},
        "reason": reason,
        "note": note,
        "type": type_,
        "action": "Scheduling",
        "reportingController": "default-scheduler",
        "reportingInstance": "default-scheduler-master-0",
    }
    if series:
        body["series"] = {"count": series, "lastObservedTime": "2026-11-20T10:08:00.000000Z"}
    return body


def version_info(git_version: str = "v1.31.6") -> dict[str, str]:
    """``GET /version`` (version.Info)."""
    minor = git_version.split(".")[1]
    return {
        "major": "1",
        "minor": minor,
        "gitVersion": git_version,
        "gitCommit": "abc",
        "gitTreeState": "clean",
        "buildDate": T0,
        "goVersion": "go1.22.5",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def api_group_list(*groups: tuple[str, str]) -> dict[str, Any]:
    """``GET /apis`` (APIGroupList) for ``(group, version)`` pairs."""
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [
            {
                "name": g,
                "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
                "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v},
            }
            for g, v in groups
        ],
    }


def api_resource_list(group: str, version: str, *resources: tuple[str, str, bool]) -> dict[str, Any]:
    """``GET /apis/<group>/<version>`` (APIResourceList) for ``(plural, Kind, namespaced)`` triples."""
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}",
        "resources": [
            {
                "name": plural,
                "singularName": plural[:-1],
                "namespaced": namespaced,
                "kind": kind,
                "verbs": ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
            }
            for plural, kind, namespaced in resources
        ],
    }
