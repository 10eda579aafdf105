"""Shared helpers for the simulator tests: a fixed anchor, series lookup, and the app on a settable clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import httpx
import pytest

from servers.sim.exporter import create_app
from servers.sim.incidents import Incidents
from servers.sim.inventory import default_specs
from servers.sim.model import ClusterModel, build_cluster_model
from servers.sim.signals import Signal

ANCHOR = datetime(2026, 3, 2, 12, 0, tzinfo=UTC).timestamp()
INC = Incidents(ANCHOR)

Lookup = Callable[..., Signal]


def models_for(anchor: float = ANCHOR, seed: int = 7) -> dict[str, ClusterModel]:
    """The three default cluster models."""
    return {s.name: build_cluster_model(s, anchor, seed) for s in default_specs()}


def signals_matching(model: ClusterModel, family: str, **labels: str) -> list[Signal]:
    """The signals of `family` whose stored labels include `labels`."""
    found = []
    for fam in model.stored_families():
        if fam.name != family:
            continue
        for series_labels, signal in fam.series:
            d = dict(series_labels)
            if all(d.get(k) == v for k, v in labels.items()):
                found.append(signal)
    return found


def one_signal(model: ClusterModel, family: str, **labels: str) -> Signal:
    """The single signal of `family` matching `labels` (fails the test otherwise)."""
    found = signals_matching(model, family, **labels)
    assert len(found) == 1, f"{family}{labels} matched {len(found)} series"
    return found[0]


@pytest.fixture(scope="module")
def models() -> dict[str, ClusterModel]:
    """The default models at the fixed test anchor, seed 7."""
    return models_for()


class Clock:
    """A settable clock injected into the simulator app."""

    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def sim_clock() -> Clock:
    """The app's clock, two minutes after the anchor (live time, the incidents under way)."""
    return Clock(ANCHOR + 120.0)


@pytest.fixture
async def sim_api(models: dict[str, ClusterModel], sim_clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client of the simulator app (Kubernetes, Loki, Tempo) at `sim_clock`."""
    transport = httpx.ASGITransport(app=create_app(models, clock=sim_clock))
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
        yield client
