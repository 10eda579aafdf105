"""Turn raw Prometheus series into compact per-series statistics: the token budget of metrics tools lives
here.

A range query with 60 series x 240 points is ~400 kB of JSON; the model needs a few numbers per series. For
each series we compute min, max, mean, last, p95 (linear interpolation), the number of points, first/last
timestamps, a least-squares trend (slope per hour, and a word: rising/falling when the fitted change over the
range is at least 25% of the series' own max - min, flat otherwise) and the 3 samples with the largest
|z-score|. NaN and ±Inf samples (sent as "NaN", "+Inf") are counted and left out of the statistics.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tools.prometheus.results import DeviatingPoint, RankBy, SeriesSummary, Trend
from tools.timespec import format_rfc3339

__all__ = [
    "DEVIATION_MIN_Z",
    "RawSeries",
    "SeriesStats",
    "common_labels",
    "compute_stats",
    "parse_value",
    "rank_series",
    "sig",
    "summarise",
]

TREND_THRESHOLD = 0.25  # fraction of (max - min) the fitted change must reach to be called rising/falling
DEVIATIONS_KEPT = 3
# Points closer than 2 standard deviations to the mean are ordinary noise: listing them as "deviating" would
# mislead and cost tokens, so summaries show only the top points at or beyond this |z|.
DEVIATION_MIN_Z = 2.0
_SAME_TIME_S = 1e-3


@dataclass(frozen=True)
class RawSeries:
    """One series as fetched: where it came from, its labels and its ``[ts, "value"]`` samples."""

    cluster: str
    labels: dict[str, str]
    values: Sequence[Sequence[Any]]


@dataclass(frozen=True)
class SeriesStats:
    """Full-precision statistics of one series (rounding happens when a summary model is built)."""

    points: int
    non_finite: int = 0
    first_ts: float | None = None
    last_ts: float | None = None
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    last: float | None = None
    p95: float | None = None
    slope_per_hour: float | None = None
    trend: Trend | None = None
    max_abs_z: float = 0.0
    deviations: list[tuple[float, float, float]] = field(default_factory=list)  # (ts, value, z)


def parse_value(text: Any) -> float:
    """A Prometheus sample value (a string such as ``"1.5"``, ``"NaN"``, ``"+Inf"``) as a float."""
    try:
        return float(text)
    except (TypeError, ValueError):
        return math.nan


def sig(value: float, digits: int = 4) -> float:
    """``value`` rounded to ``digits`` significant digits (finite values only)."""
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.{digits}g}")


def _percentile(sorted_values: list[float], q: float) -> float:
    rank = q * (len(sorted_values) - 1)
    low = math.floor(rank)
    high = math.ceil(rank)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def compute_stats(values: Sequence[Sequence[Any]]) -> SeriesStats:
    """Statistics of one series' ``[ts, "value"]`` samples."""
    samples = [(float(p[0]), parse_value(p[1])) for p in values]
    finite = [(t, v) for t, v in samples if math.isfinite(v)]
    non_finite = len(samples) - len(finite)
    if not finite:
        first = samples[0][0] if samples else None
        last = samples[-1][0] if samples else None
        return SeriesStats(points=len(samples), non_finite=non_finite, first_ts=first, last_ts=last)
    times = [t for t, _ in finite]
    vals = [v for _, v in finite]
    n = len(vals)
    mean = math.fsum(vals) / n
    low, high = min(vals), max(vals)
    slope, trend = _trend(times, vals, mean, high - low)
    std = math.sqrt(math.fsum((v - mean) ** 2 for v in vals) / n)
    deviations: list[tuple[float, float, float]] = []
    if std > 0:
        scored = sorted(((t, v, (v - mean) / std) for t, v in finite), key=lambda p: -abs(p[2]))
        deviations = scored[:DEVIATIONS_KEPT]
    return SeriesStats(
        points=len(samples),
        non_finite=non_finite,
        first_ts=samples[0][0],
        last_ts=samples[-1][0],
        min=low,
        max=high,
        mean=mean,
        last=vals[-1],
        p95=_percentile(sorted(vals), 0.95),
        slope_per_hour=slope,
        trend=trend,
        max_abs_z=abs(deviations[0][2]) if deviations else 0.0,
        deviations=deviations,
    )


def _trend(times: list[float], vals: list[float], mean: float, spread: float) -> tuple[float | None, Trend | None]:
    """Least-squares slope per hour and its word; ``(None, None)`` with fewer than two points."""
    if len(vals) < 2:
        return None, None
    t_mean = math.fsum(times) / len(times)
    denominator = math.fsum((t - t_mean) ** 2 for t in times)
    if denominator == 0:
        return None, None
    slope = math.fsum((t - t_mean) * (v - mean) for t, v in zip(times, vals, strict=True)) / denominator
    change = slope * (times[-1] - times[0])
    if spread == 0 or abs(change) < TREND_THRESHOLD * spread:
        return slope * 3600, "flat"
    return slope * 3600, "rising" if change > 0 else "falling"


def _rank_value(stats: SeriesStats, rank_by: RankBy) -> float:
    """Higher ranks first; series without finite data rank last."""
    if rank_by == "deviation":
        return stats.max_abs_z if stats.mean is not None else -math.inf
    value = getattr(stats, rank_by)
    if value is None:
        return -math.inf
    return -float(value) if rank_by == "min" else float(value)


def rank_series(items: list[tuple[RawSeries, SeriesStats]], rank_by: RankBy) -> list[tuple[RawSeries, SeriesStats]]:
    """Order series by ``rank_by`` (ties by cluster then labels, so pages are stable across calls)."""
    return sorted(
        items,
        key=lambda item: (-_rank_value(item[1], rank_by), item[0].cluster, sorted(item[0].labels.items())),
    )


def common_labels(label_sets: Sequence[dict[str, str]]) -> dict[str, str]:
    """Label pairs present, with the same value, in every label set (empty when there are none)."""
    if not label_sets:
        return {}
    shared = dict(label_sets[0])
    for labels in label_sets[1:]:
        shared = {k: v for k, v in shared.items() if labels.get(k) == v}
    return dict(sorted(shared.items()))


def _opt(value: float | None) -> float | None:
    return None if value is None else sig(value)


def _time_unless(ts: float | None, implied: float | None) -> str | None:
    if ts is None or (implied is not None and abs(ts - implied) < _SAME_TIME_S):
        return None
    return format_rfc3339(ts)


def summarise(
    series: RawSeries,
    stats: SeriesStats,
    shared: dict[str, str],
    *,
    grid: tuple[float, float] | None = None,
) -> SeriesSummary:
    """The summary model of one series: labels minus ``shared``, numbers to 4 significant digits.

    ``grid`` is the first and last evaluation time of the range query; a series' first/last time equal to them
    is implied by the result's ``start``/``end`` and left out. Deviating points below ``DEVIATION_MIN_Z`` are
    left out.
    """
    first_implied, last_implied = grid if grid is not None else (None, None)
    return SeriesSummary(
        cluster=series.cluster,
        labels={k: v for k, v in sorted(series.labels.items()) if k not in shared},
        points=stats.points,
        first_time=_time_unless(stats.first_ts, first_implied),
        last_time=_time_unless(stats.last_ts, last_implied),
        min=_opt(stats.min),
        max=_opt(stats.max),
        mean=_opt(stats.mean),
        last=_opt(stats.last),
        p95=_opt(stats.p95),
        trend=stats.trend,
        slope_per_hour=_opt(stats.slope_per_hour),
        deviations=[
            DeviatingPoint(time=format_rfc3339(t), value=sig(v), z=round(z, 2))
            for t, v, z in stats.deviations
            if abs(z) >= DEVIATION_MIN_Z
        ]
        or None,
        non_finite=stats.non_finite or None,
    )
