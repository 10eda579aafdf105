"""Per-series summaries of metric LogQL answers (matrix or vector), instead of raw points."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from tools.loki.results import LogSeries
from tools.timespec import format_rfc3339

__all__ = ["summarise_series"]


def _sig(value: float) -> float:
    """Four significant digits: enough to compare, far fewer tokens."""
    return float(f"{value:.4g}")


def _points(item: dict[str, Any]) -> list[tuple[float, float]]:
    raw = item.get("values")
    if raw is None and isinstance(item.get("value"), list):
        raw = [item["value"]]
    points: list[tuple[float, float]] = []
    for pair in raw or []:
        try:
            ts, value = float(pair[0]), float(pair[1])
        except (TypeError, ValueError, IndexError):
            continue
        if math.isfinite(value):
            points.append((ts, value))
    return points


def summarise_series(answers: Sequence[tuple[str, list[dict[str, Any]]]]) -> list[LogSeries]:
    """One :class:`LogSeries` per series of every cluster's answer, the highest peak first."""
    summaries: list[LogSeries] = []
    for cluster, result in answers:
        for item in result:
            labels = {str(k): str(v) for k, v in (item.get("metric") or {}).items()}
            points = _points(item)
            if not points:
                summaries.append(LogSeries(cluster=cluster, labels=labels, points=0))
                continue
            values = [v for _, v in points]
            peak_ts, peak = max(points, key=lambda p: p[1])
            last_ts, last = points[-1]
            summaries.append(
                LogSeries(
                    cluster=cluster,
                    labels=labels,
                    points=len(points),
                    min=_sig(min(values)),
                    max=_sig(peak),
                    mean=_sig(sum(values) / len(values)),
                    last=_sig(last),
                    max_time=format_rfc3339(peak_ts) if len(points) > 1 else None,
                    last_time=format_rfc3339(last_ts),
                )
            )
    summaries.sort(key=lambda s: (-(s.max if s.max is not None else -math.inf), s.cluster, sorted(s.labels.items())))
    return summaries
