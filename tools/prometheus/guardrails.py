"""Guardrails applied before any query leaves the process: time range, step and selector checks.

* The range must end after it starts and span at most ``max_range_s`` (default 7 days).
* When no step is given we pick one: ``range / 240`` rounded **up** to the next "nice" step (15s, 30s, 1m, 2m,
  5m, 10m, 15m, 30m, 1h, 2h, 3h, 6h, 12h, 1d, then whole days), never below 15s. 240 points per series is
  enough to see shape and spikes and keeps the raw payload small; 15s is the usual scrape interval, so a finer
  step would only repeat samples.
* Any step (given or chosen) is raised so that no series exceeds ``max_points_per_series`` (Prometheus itself
  refuses more than 11,000); the adjustment is reported in the result's ``notes``.
* Selectors that match every series are refused (see :mod:`tools.prometheus.selectors`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tools.errors import ToolInputError
from tools.prometheus.selectors import check_not_blanket
from tools.timespec import format_duration, format_rfc3339, parse_step, parse_time

__all__ = [
    "AUTO_STEP_TARGET_POINTS",
    "MIN_AUTO_STEP_S",
    "RangePlan",
    "auto_step",
    "check_not_blanket",
    "plan_instant",
    "plan_range",
]

AUTO_STEP_TARGET_POINTS = 240
MIN_AUTO_STEP_S = 15.0
_NICE_STEPS_S = (15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)


@dataclass(frozen=True)
class RangePlan:
    """An absolute, validated range: unix-second bounds, the step to use and notes about any adjustment."""

    start: float
    end: float
    step: float
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        """``<start> .. <end> step <s>`` for error messages and notes."""
        return f"{format_rfc3339(self.start)} .. {format_rfc3339(self.end)} step {format_duration(self.step)}"


def auto_step(range_s: float) -> float:
    """The step chosen when the caller gives none (see the module docstring for the rule)."""
    wanted = max(range_s / AUTO_STEP_TARGET_POINTS, MIN_AUTO_STEP_S)
    for nice in _NICE_STEPS_S:
        if nice >= wanted:
            return float(nice)
    return math.ceil(wanted / 86400) * 86400.0


def plan_range(
    start: str | float,
    end: str | float,
    step: str | float | None,
    *,
    now: float,
    max_range_s: int,
    max_points_per_series: int,
) -> RangePlan:
    """Resolve and validate a range query's bounds and step; raise ``ToolInputError`` with a hint when refused."""
    start_s = parse_time(start, now=now, name="start")
    end_s = parse_time(end, now=now, name="end")
    if end_s <= start_s:
        raise ToolInputError(
            f"end ({format_rfc3339(end_s)}) must be after start ({format_rfc3339(start_s)}).",
            hint="For the last hour use start='now-1h', end='now'.",
        )
    range_s = end_s - start_s
    if range_s > max_range_s:
        raise ToolInputError(
            f"The range {format_duration(range_s)} is longer than the maximum of {format_duration(max_range_s)}.",
            hint=(
                f"Query at most {format_duration(max_range_s)} at a time with a larger step (e.g. 1h), or query a "
                "recording rule / an *_over_time aggregate that pre-summarises the longer period."
            ),
        )
    notes: list[str] = []
    given = parse_step(step)
    chosen = given if given is not None else auto_step(range_s)
    # points = floor(range/step) + 1 must stay <= max_points_per_series
    floor_step = math.ceil(range_s / max(max_points_per_series - 1, 1))
    if chosen < floor_step:
        if given is not None:
            notes.append(
                f"step raised from {format_duration(chosen)} to {format_duration(floor_step)} so no series exceeds "
                f"{max_points_per_series} points over {format_duration(range_s)}."
            )
        chosen = float(floor_step)
    return RangePlan(start_s, end_s, chosen, tuple(notes))


def plan_instant(time: str | float | None, *, now: float) -> float:
    """The evaluation time of an instant query (``now`` when not given)."""
    return now if time is None else parse_time(time, now=now, name="time")
