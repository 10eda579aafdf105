"""Per-series statistics against hand-computed values, NaN handling, common labels and ranking."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest

from tests.tools.prometheus.builders import T0
from tools.prometheus.results import RankBy
from tools.prometheus.summary import RawSeries, common_labels, compute_stats, rank_series, sig, summarise


def points(values: Sequence[str | float], *, step: float = 60.0) -> list[list[float | str]]:
    return [[T0 + i * step, str(v)] for i, v in enumerate(values)]


def test_stats_match_hand_computed_values() -> None:
    # values 1 2 3 4 10 at 0/60/120/180/240 s: mean 4, population std sqrt(10), p95 = 4 + 0.8 * (10 - 4)
    stats = compute_stats(points([1, 2, 3, 4, 10]))
    assert (stats.min, stats.max, stats.mean, stats.last, stats.points) == (1, 10, 4, 10, 5)
    assert stats.p95 == pytest.approx(8.8)
    # slope: sum((t-120)(v-4)) / sum((t-120)^2) = 1200 / 36000 per s = 120 per hour; change 8 >= 0.25 * 9
    assert stats.slope_per_hour == pytest.approx(120.0)
    assert stats.trend == "rising"
    z_top = 6 / math.sqrt(10)
    assert [(t - T0, v) for t, v, _ in stats.deviations] == [(240, 10), (0, 1), (60, 2)]
    assert [z for _, _, z in stats.deviations] == pytest.approx([z_top, -3 / math.sqrt(10), -2 / math.sqrt(10)])
    assert stats.max_abs_z == pytest.approx(z_top)
    assert (stats.first_ts, stats.last_ts) == (T0, T0 + 240)


def test_constant_series_is_flat_without_deviations() -> None:
    stats = compute_stats(points([5, 5, 5]))
    assert (stats.min, stats.max, stats.p95, stats.trend, stats.slope_per_hour) == (5, 5, 5, "flat", 0.0)
    assert stats.deviations == []


def test_falling_series() -> None:
    stats = compute_stats(points([10, 8, 6, 4]))
    assert stats.trend == "falling"
    assert stats.slope_per_hour == pytest.approx(-120.0)  # -2 per minute


def test_long_noisy_series_without_drift_is_flat() -> None:
    stats = compute_stats(points([1, 3] * 50))
    assert stats.trend == "flat"


def test_single_point_has_no_trend() -> None:
    stats = compute_stats(points([7]))
    assert (stats.min, stats.last, stats.trend, stats.slope_per_hour) == (7, 7, None, None)


def test_nan_and_inf_are_counted_and_left_out() -> None:
    stats = compute_stats(points(["1", "NaN", "3", "+Inf", "-Inf"]))
    assert (stats.min, stats.max, stats.mean, stats.last) == (1, 3, 2, 3)
    assert (stats.points, stats.non_finite) == (5, 3)


def test_all_nan_series_has_no_statistics() -> None:
    stats = compute_stats(points(["NaN", "NaN"]))
    assert (stats.min, stats.mean, stats.trend, stats.non_finite, stats.points) == (None, None, None, 2, 2)
    assert stats.first_ts == T0


@pytest.mark.parametrize(
    ("value", "rounded"),
    [(12345.678, 12350.0), (0.000123456, 0.0001235), (1.0, 1.0), (0.0, 0.0), (-2.71828, -2.718), (123456789, 1.235e8)],
)
def test_four_significant_digits(value: float, rounded: float) -> None:
    assert sig(value) == rounded


def test_common_labels_are_the_pairs_every_series_shares() -> None:
    assert common_labels([{"a": "1", "b": "2", "c": "x"}, {"a": "1", "b": "3", "c": "x"}]) == {"a": "1", "c": "x"}
    assert common_labels([]) == {}
    assert common_labels([{"a": "1"}, {}]) == {}


def _series(name: str, values: list[float], cluster: str = "c1") -> RawSeries:
    return RawSeries(cluster, {"pod": name}, points(values))


@pytest.mark.parametrize(
    ("rank_by", "order"),
    [
        ("max", ["spiky", "high", "low"]),
        ("mean", ["high", "spiky", "low"]),
        ("last", ["high", "low", "spiky"]),
        ("p95", ["high", "spiky", "low"]),
        ("min", ["low", "spiky", "high"]),
        ("deviation", ["spiky", "low", "high"]),
    ],
)
def test_ranking_criteria(rank_by: RankBy, order: list[str]) -> None:
    series = [
        _series("low", [1, 1, 1, 1, 2]),  # z of the 2 = 2.0
        _series("high", [8, 8, 8, 8, 8]),
        _series("spiky", [2, 2, 50, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]),
    ]
    ranked = rank_series([(s, compute_stats(s.values)) for s in series], rank_by)
    assert [s.labels["pod"] for s, _ in ranked] == order


def test_ties_are_ordered_by_cluster_then_labels_and_empty_series_rank_last() -> None:
    series = [_series("b", [1], "c2"), _series("none", []), _series("a", [1], "c2"), _series("z", [1], "c1")]
    ranked = rank_series([(s, compute_stats(s.values)) for s in series], "max")
    assert [(s.cluster, s.labels["pod"]) for s, _ in ranked] == [("c1", "z"), ("c2", "a"), ("c2", "b"), ("c1", "none")]


def test_summary_model_drops_shared_labels_rounds_and_formats_times() -> None:
    raw = RawSeries("c1", {"job": "api", "pod": "p1"}, points([1.23456, 2.34567, "NaN"]))
    summary = summarise(raw, compute_stats(raw.values), {"job": "api"})
    assert summary.cluster == "c1"
    assert summary.labels == {"pod": "p1"}
    assert (summary.min, summary.max, summary.mean) == (1.235, 2.346, 1.79)
    assert (summary.first_time, summary.last_time) == ("2023-11-14T22:13:20Z", "2023-11-14T22:15:20Z")
    assert summary.non_finite == 1
    assert summary.deviations is None  # |z| = 1: ordinary noise, not listed


def test_summary_lists_only_points_at_least_two_sigma_away() -> None:
    raw = RawSeries("c1", {}, points([2] * 19 + [50]))
    summary = summarise(raw, compute_stats(raw.values), {})
    assert summary.deviations is not None
    assert [(d.time, d.value, d.z) for d in summary.deviations] == [("2023-11-14T22:32:20Z", 50.0, 4.36)]


def test_summary_leaves_out_first_and_last_time_when_they_are_the_range_grid() -> None:
    raw = RawSeries("c1", {}, points([1, 2, 3]))
    on_grid = summarise(raw, compute_stats(raw.values), {}, grid=(T0, T0 + 120))
    assert (on_grid.first_time, on_grid.last_time) == (None, None)
    late = summarise(raw, compute_stats(raw.values), {}, grid=(T0 - 60, T0 + 180))
    assert (late.first_time, late.last_time) == ("2023-11-14T22:13:20Z", "2023-11-14T22:15:20Z")
