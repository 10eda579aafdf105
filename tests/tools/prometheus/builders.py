"""Builders of Prometheus HTTP API answers and of targets, shared by the metrics tests."""

from __future__ import annotations

import json
import math
import random
from typing import Any

import httpx

from tools.targets import BackendAuth, BackendTarget

T0 = 1_700_000_000.0  # 2023-11-14T22:13:20Z, a fixed anchor so tests never depend on the clock


def target(cluster: str, url: str | None = None, *, token: str | None = None) -> BackendTarget:
    """A Prometheus target for ``cluster`` at ``http://<cluster>.prom`` unless ``url`` is given."""
    return BackendTarget(
        cluster=cluster,
        backend="prometheus",
        base_url=url or f"http://{cluster}.prom",
        auth=BackendAuth(bearer_token=token),
    )


def success(data: Any, *, warnings: list[str] | None = None) -> dict[str, Any]:
    """A success envelope."""
    body: dict[str, Any] = {"status": "success", "data": data}
    if warnings:
        body["warnings"] = warnings
    return body


def error_body(error_type: str, error: str) -> dict[str, Any]:
    """An error envelope as Prometheus sends it."""
    return {"status": "error", "errorType": error_type, "error": error}


def fmt(value: float) -> str:
    """A sample value as Prometheus writes it (``NaN``, ``+Inf``)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(value)


def matrix(
    series: list[tuple[dict[str, str], list[float]]], *, start: float = T0, step: float = 15.0
) -> dict[str, Any]:
    """A matrix ``data`` object: each series' values at ``start + i*step``."""
    return {
        "resultType": "matrix",
        "result": [
            {"metric": labels, "values": [[start + i * step, fmt(v)] for i, v in enumerate(values)]}
            for labels, values in series
        ],
    }


def vector(samples: list[tuple[dict[str, str], float]], *, at: float = T0) -> dict[str, Any]:
    """A vector ``data`` object at time ``at``."""
    return {"resultType": "vector", "result": [{"metric": labels, "value": [at, fmt(v)]} for labels, v in samples]}


def json_response(body: Any, status: int = 200) -> httpx.Response:
    """An httpx response carrying ``body`` as JSON."""
    return httpx.Response(status, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"})


def cpu_fleet_matrix(series_count: int = 60, points: int = 240, *, seed: int = 7) -> dict[str, Any]:
    """A realistic container-CPU matrix: shared job labels, per-pod labels, noise, a ramp and a few spikes."""
    rng = random.Random(seed)
    series: list[tuple[dict[str, str], list[float]]] = []
    for i in range(series_count):
        labels = {
            "namespace": "shop",
            "job": "kubelet",
            "service": "kubelet",
            "endpoint": "https-metrics",
            "metrics_path": "/metrics/cadvisor",
            "container": f"app-{i % 6}",
            "pod": f"checkout-{i:02d}-7d9f8b6c5d-x{i:03d}",
            "node": f"worker-{i % 8}.example.internal",
            "instance": f"10.128.{i % 8}.{10 + i}:10250",
        }
        base = rng.uniform(0.05, 2.0)
        ramp = rng.choice([0.0, 0.0, 0.5, -0.3])
        values = [
            max(0.0, base + ramp * base * j / points + rng.gauss(0, base * 0.05) + (base * 3 if j == 100 + i else 0))
            for j in range(points)
        ]
        series.append((labels, values))
    return matrix(series)
