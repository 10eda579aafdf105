"""Metric families, scrape targets and exporters of the simulated fleet, plus the builders' context.

An `Exporter` is one Prometheus scrape job (e.g. `node-exporter`); each `Target` is one endpoint of it
(e.g. one node) with the labels Prometheus attaches to everything scraped from it; each `Family` is one
metric name with its series. Series builders receive a `Ctx` and return an `Exporter`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from servers.sim.incidents import Incidents
from servers.sim.signals import Profile, Signal, Wave, stable_key
from servers.sim.topology import ClusterSpec

__all__ = ["Ctx", "Exporter", "Family", "FamilySet", "Kind", "LabelSet", "Series", "Target", "labelset"]

Kind = Literal["gauge", "counter"]
LabelSet = tuple[tuple[str, str], ...]

_DAY = 86400.0
# sin(...) of the diurnal wave peaks at 14:00 UTC: the fleet's busiest hour.
_DIURNAL_PHASE = math.pi / 2 - 2 * math.pi * (14 * 3600) / _DAY


def labelset(labels: Mapping[str, str]) -> LabelSet:
    """Labels as a sorted tuple of pairs, dropping empty values (Prometheus drops them too)."""
    return tuple(sorted((k, v) for k, v in labels.items() if v != ""))


@dataclass(frozen=True)
class Series:
    """One series of a family: its exporter-side labels and its value over time."""

    labels: LabelSet
    signal: Signal


@dataclass(frozen=True)
class Family:
    """A metric family as the exporter exposes it; counters' `name` ends in `_total`."""

    name: str
    kind: Kind
    help: str
    series: tuple[Series, ...]


@dataclass(frozen=True)
class Target:
    """One scrape endpoint: `name` is its URL path segment, `labels` what Prometheus attaches."""

    name: str
    labels: LabelSet
    families: tuple[Family, ...]


@dataclass(frozen=True)
class Exporter:
    """One scrape job; `honor_labels` as in the Prometheus scrape config."""

    job: str
    honor_labels: bool
    targets: tuple[Target, ...]


@dataclass
class FamilySet:
    """Collects series into families, keeping first-seen family order (so output is deterministic)."""

    _meta: dict[str, tuple[Kind, str]] = field(default_factory=dict)
    _series: dict[str, list[Series]] = field(default_factory=dict)

    def add(self, name: str, kind: Kind, help: str, labels: Mapping[str, str], signal: Signal) -> None:
        """Add one series to family `name` (created on first use)."""
        if kind == "counter" and not name.endswith("_total"):
            raise ValueError(f"counter {name} must end in _total")
        self._meta.setdefault(name, (kind, help))
        self._series.setdefault(name, []).append(Series(labelset(labels), signal))

    def build(self) -> tuple[Family, ...]:
        """The families collected so far."""
        return tuple(Family(n, k, h, tuple(self._series[n])) for n, (k, h) in self._meta.items())


@dataclass(frozen=True)
class Ctx:
    """What series builders need: the cluster inventory, the anchor (Unix s) and the seed."""

    spec: ClusterSpec
    anchor: float
    seed: int

    @property
    def inc(self) -> Incidents:
        """The incident timetable for this anchor."""
        return Incidents(self.anchor)

    def key(self, *parts: object) -> int:
        """A stable per-series key that depends on the seed (drives noise and wave phases)."""
        return stable_key(self.seed, self.spec.name, *parts)

    def waves(self, amp: float, *parts: object) -> tuple[Wave, ...]:
        """Background variation of total amplitude `1.5 * amp`: a diurnal swing plus two faster wiggles."""
        k = self.key("waves", *parts)
        frac = [((k >> s) & 0xFFFF) / 65536.0 for s in (0, 16, 32, 48)]
        return (
            Wave(amp, _DAY, _DIURNAL_PHASE + 0.6 * (frac[0] - 0.5)),
            Wave(0.35 * amp, 900.0 + 1500.0 * frac[1], 2 * math.pi * frac[2]),
            Wave(0.15 * amp, 180.0 + 420.0 * frac[3], 2 * math.pi * frac[0]),
        )

    def level(self, base: float, rel_amp: float, *parts: object) -> Profile:
        """A profile around `base` varying by about `rel_amp * base`."""
        return Profile(base, self.waves(rel_amp * base, *parts))

    def boot_time(self, uptime_days: float) -> float:
        """When a node with `uptime_days` at the anchor booted (counters start at 0 there)."""
        return self.anchor - uptime_days * _DAY
