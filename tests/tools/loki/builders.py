"""Loki answers shaped as the Loki HTTP API documents them, and targets to send them to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from tools.targets import BackendAuth, BackendTarget

T0 = 1_700_000_000.0  # the tests' "now", unix seconds
NS = 1_000_000_000
T0_NS = int(T0) * NS

StreamSpec = tuple[dict[str, str], Sequence[tuple[int, str]]]


def target(cluster: str, url: str, *, token: str | None = None, labels: dict[str, str] | None = None) -> BackendTarget:
    """A Loki target of ``cluster`` at ``url``."""
    return BackendTarget(
        cluster=cluster, backend="loki", base_url=url, auth=BackendAuth(bearer_token=token), labels=labels or {}
    )


def success(data: Any) -> dict[str, Any]:
    """A success envelope around ``data``."""
    return {"status": "success", "data": data}


def streams(*specs: StreamSpec) -> dict[str, Any]:
    """A ``resultType: streams`` answer: one stream per ``(labels, [(unix ns, line), ...])``, values as strings."""
    result = [{"stream": labels, "values": [[str(ts), line] for ts, line in values]} for labels, values in specs]
    return success({"resultType": "streams", "result": result, "stats": {"summary": {"totalEntriesReturned": 0}}})


def matrix(*series: tuple[dict[str, str], Sequence[tuple[float, float]]]) -> dict[str, Any]:
    """A ``resultType: matrix`` answer (metric LogQL over a range): values ``[unix seconds, "value"]``."""
    result = [{"metric": labels, "values": [[ts, str(v)] for ts, v in points]} for labels, points in series]
    return success({"resultType": "matrix", "result": result, "stats": {}})


def vector(*samples: tuple[dict[str, str], float]) -> dict[str, Any]:
    """A ``resultType: vector`` answer (metric LogQL at an instant)."""
    result = [{"metric": labels, "value": [T0, str(v)]} for labels, v in samples]
    return success({"resultType": "vector", "result": result, "stats": {}})


def json_response(body: dict[str, Any], status: int = 200) -> httpx.Response:
    """An httpx response carrying ``body`` as JSON."""
    return httpx.Response(status, json=body)


def lines(start_ns: int, count: int, step_ns: int = NS, template: str = "line {i}") -> list[tuple[int, str]]:
    """``count`` lines, newest first, the newest at ``start_ns`` and each ``step_ns`` older than the previous."""
    return [(start_ns - i * step_ns, template.format(i=i)) for i in range(count)]
