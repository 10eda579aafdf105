"""The PTP decoders, table-wise: clock states, port roles, clock classes, transitions, offset statistics."""

from __future__ import annotations

import math

import pytest

from tools.cnf.ptp import clock_class_meaning, decode_role, decode_state, offset_stats, percentile, state_changes


@pytest.mark.parametrize(
    ("value", "state"),
    [
        (0.0, "FREERUN"),
        (1.0, "LOCKED"),
        (2.0, "HOLDOVER"),
        (3.0, "UNKNOWN(3)"),
        (1.5, "UNKNOWN(1.5)"),
        (math.nan, "UNKNOWN(nan)"),
    ],
)
def test_clock_state_values_decode_as_linuxptp_daemon_defines_them(value: float, state: str) -> None:
    assert decode_state(value) == state


@pytest.mark.parametrize(
    ("value", "role"),
    [(0, "PASSIVE"), (1, "SLAVE"), (2, "MASTER"), (3, "FAULTY"), (4, "UNKNOWN"), (5, "LISTENING"), (9, "UNKNOWN(9)")],
)
def test_interface_roles_decode(value: float, role: str) -> None:
    assert decode_role(value) == role


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (6, "T-GM locked"),
        (7, "T-GM in holdover, within"),
        (135, "T-BC in holdover, within"),
        (165, "T-BC in holdover, out of"),
        (248, "free-running"),
        (255, "slave-only"),
        (100, "alternate profile"),
        (3, "reserved"),
        (6.5, "not a clock class"),
    ],
)
def test_clock_classes_say_what_the_time_source_is(value: float, fragment: str) -> None:
    assert fragment in clock_class_meaning(value)


def test_state_changes_are_the_first_samples_of_each_new_state() -> None:
    points = [(0.0, 1.0), (15.0, 1.0), (30.0, 2.0), (45.0, 2.0), (60.0, 0.0), (75.0, 1.0)]
    changes = [(c.time, c.from_state, c.to_state) for c in state_changes(points)]
    assert changes == [(30.0, "LOCKED", "HOLDOVER"), (60.0, "HOLDOVER", "FREERUN"), (75.0, "FREERUN", "LOCKED")]
    assert state_changes([(0.0, 1.0), (15.0, 1.0)]) == []


def test_offset_stats_use_absolute_values_and_count_samples_beyond_the_threshold() -> None:
    stats = offset_stats([(0.0, -150.0), (1.0, 50.0), (2.0, 100.0), (3.0, math.nan), (4.0, -20.0)], 100.0)
    assert stats is not None
    assert (stats.samples, stats.min_abs_ns, stats.max_abs_ns, stats.last_ns) == (4, 20.0, 150.0, -20.0)
    assert stats.mean_abs_ns == 80.0
    assert (stats.out_of_bounds, stats.out_of_bounds_share, stats.first_out_of_bounds) == (1, 0.25, 0.0)
    assert offset_stats([(0.0, math.nan)], 100.0) is None


def test_percentile_interpolates_between_closest_ranks() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.95) == pytest.approx(4.8)
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)
