"""What every GPU tool call starts with: the window, the evaluation time, paging and the GPU inventory."""

from __future__ import annotations

import time as clock
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tools.contract import ToolResult
from tools.errors import ToolInputError
from tools.gpu import fields
from tools.gpu.collect import Collector, GpuKey, Row, gpu_key
from tools.gpu.queries import GpuQueries
from tools.paging import PageCursor, fill_page, fingerprint, read_cursor
from tools.prometheus import MetricsService
from tools.targets import BackendTarget
from tools.timespec import format_duration, format_rfc3339, parse_duration, parse_time

__all__ = ["CallContext", "open_call", "workload_of"]

MIN_WINDOW_S = 60.0
MAX_WINDOW_S = 7 * 86400.0
_EXPORTER = "nvidia-dcgm-exporter"


@dataclass
class CallContext:
    """One tool call: its collector, queries, window, page and the GPUs found (empty: no GPU telemetry)."""

    collector: Collector
    queries: GpuQueries
    window_s: float
    page: PageCursor
    fp: str
    inventory: dict[GpuKey, dict[str, str]]

    @property
    def at(self) -> float:
        return self.collector.at

    @property
    def start(self) -> float:
        return self.collector.at - self.window_s

    def envelope(self) -> dict[str, Any]:
        """The contract fields and window fields every GPU result starts with."""
        return {
            "clusters": sorted(self.collector.outcomes.values(), key=lambda o: o.cluster),
            "answered": self.collector.answered,
            "notes": self.collector.notes,
            "time": format_rfc3339(self.at),
            "window": self.queries.window,
        }

    def finish(self, result: ToolResult, items_field: str, items: Sequence[Any], limit: int, cap: int) -> None:
        """Put this page of ``items`` into ``result``, set the paging fields and keep it under ``cap`` bytes."""
        fill_page(result, items_field, items, fp=self.fp, page=self.page, limit=limit, cap=cap, anchor={"t": self.at})


async def open_call(
    metrics: MetricsService,
    targets: Sequence[BackendTarget],
    kind: str,
    *,
    window: str,
    time: str | None,
    cursor: str | None,
    cluster_label: str,
    arguments: dict[str, Any],
) -> CallContext:
    """Validate the window and time, read the cursor and find the GPUs of the selected clusters."""
    window_s = parse_duration(window, name="window")
    if not MIN_WINDOW_S <= window_s <= MAX_WINDOW_S:
        raise ToolInputError(f"window must be between 1m and 7d, got {window!r}.", hint="Use e.g. '1h' or '24h'.")
    clusters = sorted(t.cluster for t in targets)
    fp = fingerprint(f"gpu_{kind}", w=window_s, t=time, c=clusters, **arguments)
    page = read_cursor(cursor, fp)
    now = float(int(clock.time()))
    at = page.anchor.get("t") or parse_time(time if time is not None else "now", now=now, name="time")
    collector = Collector(metrics, targets, at)
    queries = GpuQueries(format_duration(window_s), cluster_label)
    rows = await collector.instant(queries.inventory())
    inventory = {gpu_key(r.cluster, r.labels): r.labels for r in rows}
    with_gpus = {k[0] for k in inventory}
    empty = [c for c in collector.answered if c not in with_gpus]
    if empty:
        collector.notes.append(
            f"no GPU telemetry found (searched {fields.GPU_UTIL} on {', '.join(empty)}) at {format_rfc3339(at)}."
        )
    return CallContext(collector, queries, window_s, page, fp, inventory)


def workload_of(labels: dict[str, str]) -> tuple[str, str, str | None] | None:
    """``(namespace, pod, container)`` of the workload a DCGM sample is attributed to, or ``None``.

    When the scrape target carries its own namespace/pod labels Prometheus renames dcgm-exporter's to
    ``exported_*``; then (or when no pod label exists) the plain labels name the exporter itself, not a workload.
    """
    if labels.get("exported_pod"):
        return labels.get("exported_namespace", ""), labels["exported_pod"], labels.get("exported_container")
    pod = labels.get("pod")
    if not pod or pod.startswith(_EXPORTER) or labels.get("container") == _EXPORTER:
        return None
    return labels.get("namespace", ""), pod, labels.get("container")


def by_gpu(rows: Sequence[Row]) -> dict[GpuKey, float]:
    """Rows keyed by GPU (the last one wins; queries aggregate to one row per GPU)."""
    return {gpu_key(r.cluster, r.labels): r.value for r in rows}
