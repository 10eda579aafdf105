"""Deterministic signal building blocks: every sample value is a pure function of time.

A `Profile` is a rate or level made of a constant, sinusoids and linear ramps; it has a closed-form
integral, which is what lets a counter at any instant (history or live scrape) be computed without
replaying the past. Signals are small frozen dataclasses that are callable with a Unix time in seconds.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

__all__ = [
    "Const",
    "Counter",
    "Dip",
    "EventCount",
    "Gauge",
    "Profile",
    "Ramp",
    "Signal",
    "Steps",
    "Switch",
    "Wave",
    "jitter",
    "stable_key",
]

TAU = 2.0 * math.pi
_MASK = (1 << 64) - 1


def stable_key(*parts: object) -> int:
    """A 64-bit key derived from `parts` that is identical across processes and Python versions.

    Used as the seed of per-series pseudo-noise (Python's `hash()` is salted per process).
    """
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _mix(x: int) -> int:
    # splitmix64 finaliser: a cheap, well-distributed integer hash.
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def jitter(key: int, t: float, bucket_s: float = 15.0) -> float:
    """Pseudo-noise in [-1, 1) for series `key`, constant within each `bucket_s` time bucket."""
    return _mix(key ^ int(t // bucket_s)) / float(1 << 63) - 1.0


@dataclass(frozen=True)
class Wave:
    """A sinusoid `amp * sin(2*pi*t/period_s + phase)`."""

    amp: float
    period_s: float
    phase: float = 0.0


@dataclass(frozen=True)
class Ramp:
    """0 before `start`, rising linearly to `height` over `duration_s`, then holding `height`."""

    height: float
    start: float
    duration_s: float

    def frac(self, t: float) -> float:
        """Progress of the ramp at `t`, in [0, 1]."""
        return min(1.0, max(0.0, (t - self.start) / self.duration_s))

    def area(self, t: float) -> float:
        """Integral of `frac` from -inf to `t` (seconds of full height)."""
        d = t - self.start
        if d <= 0:
            return 0.0
        if d < self.duration_s:
            return d * d / (2.0 * self.duration_s)
        return self.duration_s / 2.0 + (d - self.duration_s)


@dataclass(frozen=True)
class Profile:
    """A level or rate: `base + sum(waves) + sum(ramps)`, with an exact integral."""

    base: float
    waves: tuple[Wave, ...] = ()
    ramps: tuple[Ramp, ...] = ()

    def value(self, t: float) -> float:
        """The level at Unix time `t`."""
        v = self.base
        for w in self.waves:
            v += w.amp * math.sin(TAU * t / w.period_s + w.phase)
        for r in self.ramps:
            v += r.height * r.frac(t)
        return v

    def integral(self, t0: float, t1: float) -> float:
        """The exact integral of `value` over [t0, t1]."""
        total = self.base * (t1 - t0)
        for w in self.waves:
            k = w.period_s / TAU
            total -= w.amp * k * (math.cos(t1 / k + w.phase) - math.cos(t0 / k + w.phase))
        for r in self.ramps:
            total += r.height * (r.area(t1) - r.area(t0))
        return total

    def floor(self) -> float:
        """A lower bound of `value` over all time (used to prove counters are monotonic)."""
        return self.base - sum(abs(w.amp) for w in self.waves) + sum(min(0.0, r.height) for r in self.ramps)

    def scaled(self, k: float) -> Profile:
        """This profile multiplied by `k`."""
        return Profile(
            self.base * k,
            tuple(Wave(w.amp * k, w.period_s, w.phase) for w in self.waves),
            tuple(Ramp(r.height * k, r.start, r.duration_s) for r in self.ramps),
        )

    def __add__(self, other: Profile) -> Profile:
        return Profile(self.base + other.base, self.waves + other.waves, self.ramps + other.ramps)


class Signal:
    """Base of every signal: `signal(t)` is the sample value at Unix time `t` (seconds)."""

    def __call__(self, t: float) -> float:
        raise NotImplementedError


@dataclass(frozen=True)
class Const(Signal):
    """A constant value (info metrics, capacities)."""

    value: float

    def __call__(self, t: float) -> float:
        return self.value


@dataclass(frozen=True)
class Gauge(Signal):
    """A profile plus bucketed pseudo-noise, clamped to [lo, hi] and optionally rounded to an integer."""

    profile: Profile
    key: int = 0
    noise: float = 0.0
    lo: float = -math.inf
    hi: float = math.inf
    integer: bool = False

    def __call__(self, t: float) -> float:
        v = self.profile.value(t)
        if self.noise:
            v += self.noise * jitter(self.key, t)
        v = min(self.hi, max(self.lo, v))
        return float(round(v)) if self.integer else v


@dataclass(frozen=True)
class Counter(Signal):
    """The integral of a non-negative rate profile since `origin` (e.g. node boot), plus `initial`."""

    rate: Profile
    origin: float
    initial: float = 0.0

    def __post_init__(self) -> None:
        # A negative rate anywhere would make the counter decrease: refuse it at build time.
        if self.rate.floor() < 0:
            raise ValueError(f"counter rate can go negative: {self.rate}")

    def __call__(self, t: float) -> float:
        return self.initial + self.rate.integral(self.origin, max(t, self.origin))


@dataclass(frozen=True)
class EventCount(Signal):
    """An integer counter: `initial` plus one event every `interval_s` from `start` on."""

    start: float
    interval_s: float
    initial: float = 0.0

    def __call__(self, t: float) -> float:
        if t < self.start:
            return self.initial
        return self.initial + math.floor((t - self.start) / self.interval_s) + 1


@dataclass(frozen=True)
class Switch(Signal):
    """A state change: `before` until `at`, `after` from then on."""

    before: float
    after: float
    at: float

    def __call__(self, t: float) -> float:
        return self.before if t < self.at else self.after


@dataclass(frozen=True)
class Dip(Signal):
    """`full`, dropping by `depth` for `width_s` after each event of `events` (replicas lost to restarts)."""

    full: float
    depth: float
    width_s: float
    events: EventCount = field(default_factory=lambda: EventCount(math.inf, 1.0))

    def __call__(self, t: float) -> float:
        e = self.events
        if t < e.start:
            return self.full
        since_last = (t - e.start) % e.interval_s
        return self.full - self.depth if since_last < self.width_s else self.full


@dataclass(frozen=True)
class Steps(Signal):
    """A sequence of state changes: `before` until the first `(at, value)` step, then each step's value."""

    before: float
    steps: tuple[tuple[float, float], ...]

    def __call__(self, t: float) -> float:
        v = self.before
        for at, value in self.steps:
            if t >= at:
                v = value
        return v
