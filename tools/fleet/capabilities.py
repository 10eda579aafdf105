"""Detect a cluster's capabilities from the metrics its Prometheus actually has — never from what it claims.

One instant query, ``group by (__name__) ({__name__=~"<marker metrics>"})``, returns one series per marker
metric that has a sample now; each capability is present when at least one of its markers is. The markers are
the metrics the corresponding exporter always emits:

- gpu: ``DCGM_FI_DEV_GPU_UTIL`` (NVIDIA DCGM exporter, GPU operator)
- ptp: ``openshift_ptp_offset_ns`` (linuxptp-daemon of the OpenShift PTP operator)
- sriov: ``sriov_vf_rx_packets`` / ``sriov_vf_tx_packets`` (k8snetworkplumbingwg
  sriov-network-metrics-exporter)
- kube_state_metrics: ``kube_node_info``; node_exporter: ``node_cpu_seconds_total``

``thanos`` is not a metric: the prober sets it from whether the cluster's Thanos querier endpoint answered
ready.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from tools.fleet.models import Capabilities
from tools.targets import BackendTarget

__all__ = [
    "CAPABILITY_METRICS",
    "CapabilityDetectionError",
    "capabilities_from_result",
    "capability_query",
    "detect",
]

CAPABILITY_METRICS: dict[str, tuple[str, ...]] = {
    "gpu": ("DCGM_FI_DEV_GPU_UTIL",),
    "ptp": ("openshift_ptp_offset_ns",),
    "sriov": ("sriov_vf_rx_packets", "sriov_vf_tx_packets"),
    "kube_state_metrics": ("kube_node_info",),
    "node_exporter": ("node_cpu_seconds_total",),
}


class CapabilityDetectionError(Exception):
    """The capability query could not be answered; the message says why (never contains credentials)."""


def _marker_metrics() -> list[str]:
    return [m for metrics in CAPABILITY_METRICS.values() for m in metrics]


def capability_query() -> str:
    """The PromQL instant query that lists which marker metrics exist."""
    return f'group by (__name__) ({{__name__=~"{"|".join(_marker_metrics())}"}})'


def capabilities_from_result(payload: Any, *, detected_at: datetime) -> Capabilities:
    """Read a Prometheus ``/api/v1/query`` JSON response into :class:`Capabilities` (``thanos`` left False).

    Raises :class:`CapabilityDetectionError` when the payload is not a successful vector result.
    """
    if not isinstance(payload, dict) or payload.get("status") != "success":
        error = payload.get("error") if isinstance(payload, dict) else None
        raise CapabilityDetectionError(f"query did not succeed: {error or 'unexpected response'}")
    data = payload.get("data")
    if not isinstance(data, dict) or data.get("resultType") != "vector" or not isinstance(data.get("result"), list):
        raise CapabilityDetectionError("query did not return an instant vector")
    present = {
        series.get("metric", {}).get("__name__")
        for series in data["result"]
        if isinstance(series, dict) and isinstance(series.get("metric"), dict)
    }
    flags = {cap: any(m in present for m in metrics) for cap, metrics in CAPABILITY_METRICS.items()}
    return Capabilities(**flags, detected_at=detected_at, metrics_checked=_marker_metrics())


async def detect(client: httpx.AsyncClient, target: BackendTarget, *, detected_at: datetime) -> Capabilities:
    """Run the capability query against ``target`` (Prometheus or a Thanos querier).

    Raises :class:`CapabilityDetectionError` on any failure: the caller keeps the capabilities it had.
    The caller bounds the time taken (``asyncio.timeout``).
    """
    try:
        response = await client.get(
            target.url("/api/v1/query"),
            params={"query": capability_query()},
            headers=target.auth.headers(),
            auth=target.auth.httpx_auth(),
        )
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise CapabilityDetectionError(f"{type(exc).__name__} calling {target.backend}") from exc
    if response.status_code != httpx.codes.OK:
        raise CapabilityDetectionError(f"{target.backend} answered HTTP {response.status_code}")
    try:
        payload = response.json()
    except ValueError as exc:
        raise CapabilityDetectionError(f"{target.backend} answered with something other than JSON") from exc
    return capabilities_from_result(payload, detected_at=detected_at)
