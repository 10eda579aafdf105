"""Builders of Alertmanager API v2 answers (shapes from api/v2/openapi.yaml) and of targets."""

from __future__ import annotations

from typing import Any

from tools.targets import BackendAuth, BackendTarget


def target(cluster: str, *, token: str | None = None, url: str | None = None) -> BackendTarget:
    """An Alertmanager target for ``cluster`` at ``http://<cluster>.am`` unless ``url`` is given."""
    return BackendTarget(
        cluster=cluster, backend="alertmanager", base_url=url or f"http://{cluster}.am", auth=BackendAuth(token)
    )


def gettable_alert(
    name: str,
    severity: str | None = "warning",
    *,
    starts_at: str = "2026-01-01T00:00:00Z",
    state: str = "active",
    silenced_by: list[str] | None = None,
    inhibited_by: list[str] | None = None,
    fingerprint: str | None = None,
    receivers: tuple[str, ...] = ("default",),
    annotations: dict[str, str] | None = None,
    **labels: str,
) -> dict[str, Any]:
    """A gettableAlert: labels, annotations, receivers, fingerprint, times and status."""
    all_labels = {"alertname": name, **labels}
    if severity is not None:
        all_labels["severity"] = severity
    return {
        "annotations": annotations if annotations is not None else {"summary": f"{name} summary"},
        "endsAt": "2026-01-01T01:00:00Z",
        "fingerprint": fingerprint or f"fp-{name}-{'-'.join(f'{k}{v}' for k, v in sorted(labels.items()))}",
        "receivers": [{"name": r} for r in receivers],
        "startsAt": starts_at,
        "status": {"inhibitedBy": inhibited_by or [], "silencedBy": silenced_by or [], "state": state},
        "updatedAt": starts_at,
        "generatorURL": "https://prometheus.example/graph?g0.expr=up",
        "labels": all_labels,
    }


def watchdog(fingerprint: str = "fp-watchdog") -> dict[str, Any]:
    """OpenShift's always-firing Watchdog alert (severity none, routed to the Watchdog receiver)."""
    return gettable_alert(
        "Watchdog",
        "none",
        fingerprint=fingerprint,
        receivers=("Watchdog",),
        annotations={"summary": "An alert that should always be firing to certify that Alertmanager is working."},
        namespace="openshift-monitoring",
        prometheus="openshift-monitoring/k8s",
    )


def alert_group(labels: dict[str, str], receiver: str, alerts: list[dict[str, Any]]) -> dict[str, Any]:
    """An alertGroup of GET /api/v2/alerts/groups."""
    return {"alerts": alerts, "labels": labels, "receiver": {"name": receiver}}


def matcher(name: str, value: str, *, regex: bool = False, equal: bool | None = True) -> dict[str, Any]:
    """A silence matcher (``equal=None`` leaves isEqual out, as Alertmanager before 0.22 did)."""
    out: dict[str, Any] = {"name": name, "value": value, "isRegex": regex}
    if equal is not None:
        out["isEqual"] = equal
    return out


def gettable_silence(
    silence_id: str,
    state: str,
    *,
    matchers: list[dict[str, Any]] | None = None,
    starts_at: str = "2026-01-01T00:00:00Z",
    ends_at: str = "2026-01-02T00:00:00Z",
    created_by: str = "alice",
    comment: str = "maintenance",
) -> dict[str, Any]:
    """A gettableSilence."""
    return {
        "id": silence_id,
        "status": {"state": state},
        "updatedAt": starts_at,
        "matchers": matchers or [matcher("namespace", "shop")],
        "startsAt": starts_at,
        "endsAt": ends_at,
        "createdBy": created_by,
        "comment": comment,
    }
