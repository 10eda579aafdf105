"""Signal building blocks: exact integrals, monotonic counters, deterministic noise."""

from __future__ import annotations

import pytest

from servers.sim.signals import Counter, Dip, EventCount, Gauge, Profile, Ramp, Switch, Wave, jitter, stable_key


def test_profile_integral_matches_a_numeric_integral() -> None:
    prof = Profile(2.0, (Wave(0.5, 600.0, 0.3), Wave(0.2, 97.0, 1.0)), (Ramp(1.5, 1000.0, 400.0),))
    t0, t1, n = 800.0, 2000.0, 120_000
    dt = (t1 - t0) / n
    numeric = sum(prof.value(t0 + (i + 0.5) * dt) for i in range(n)) * dt
    assert prof.integral(t0, t1) == pytest.approx(numeric, rel=1e-7)


def test_a_counter_with_a_possibly_negative_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        Counter(Profile(0.1, (Wave(0.2, 60.0),)), origin=0.0)


def test_counter_starts_at_initial_at_its_origin_and_grows() -> None:
    c = Counter(Profile(3.0), origin=100.0, initial=7.0)
    assert c(50.0) == 7.0
    assert c(100.0) == 7.0
    assert c(110.0) == pytest.approx(37.0)


def test_event_count_counts_events_including_the_first() -> None:
    e = EventCount(start=100.0, interval_s=10.0, initial=2.0)
    # Events at 100, 110, 120, 130: four by t=135.
    assert [e(t) for t in (99.9, 100.0, 109.9, 110.0, 135.0)] == [2.0, 3.0, 3.0, 4.0, 6.0]


def test_switch_and_dip_change_state_at_their_times() -> None:
    assert (Switch(1.0, 2.0, 50.0)(49.9), Switch(1.0, 2.0, 50.0)(50.0)) == (1.0, 2.0)
    dip = Dip(3.0, 1.0, 5.0, EventCount(100.0, 60.0))
    assert [dip(t) for t in (99.0, 100.0, 104.9, 105.0, 160.0, 170.0)] == [3.0, 2.0, 2.0, 3.0, 2.0, 3.0]


def test_jitter_is_deterministic_bounded_and_constant_within_a_bucket() -> None:
    key = stable_key(7, "hub", "series")
    values = [jitter(key, 15.0 * i) for i in range(2000)]
    assert values == [jitter(key, 15.0 * i + 14.9) for i in range(2000)]
    assert all(-1.0 <= v < 1.0 for v in values)
    assert abs(sum(values) / len(values)) < 0.1  # centred
    assert stable_key(7, "hub", "series") == key
    assert stable_key(8, "hub", "series") != key


def test_gauge_clamps_and_rounds() -> None:
    g = Gauge(Profile(120.0), key=1, noise=0.0, lo=0.0, hi=100.0, integer=True)
    assert g(0.0) == 100.0
    assert Gauge(Profile(41.6), integer=True)(0.0) == 42.0
