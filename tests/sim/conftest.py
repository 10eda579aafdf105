"""Shared helpers for the simulator tests: a fixed anchor and series lookup in a model."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from servers.sim.inventory import default_specs
from servers.sim.model import ClusterModel, build_cluster_model
from servers.sim.signals import Signal

ANCHOR = datetime(2026, 3, 2, 12, 0, tzinfo=UTC).timestamp()

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
