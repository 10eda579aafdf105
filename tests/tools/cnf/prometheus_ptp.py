"""A real Prometheus backfilled with known ``openshift_ptp_*`` series (built like ``build_prometheus_fixture``).

Node ``du-1`` (cluster label ``c1``): ptp4l on ``ens2fx`` is LOCKED, goes HOLDOVER at ``t_holdover`` and FREERUN
at ``t_freerun``; its offset is ``OFFSET_BASE + DRIFT_PER_STEP * k`` ns at sample ``k`` (a drift), phc2sys stays
LOCKED with a constant 5 ns offset; ptp4l's port ens2f0 is SLAVE and its clock class is 135 at the end (it was 6).
DPDK: ``dpdk_counters_rx_packets{port="0000:3b:02.1"}`` grows by RX_PPS per second; the OVS PMD on cpu 2 spends
PMD_BUSY of its cycles processing. ``empty_prometheus`` is a Prometheus with no data at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from servers.sim.model import StoredFamily
from servers.sim.openmetrics import history_timestamps, write_openmetrics
from servers.sim.prometheus import PrometheusNotFoundError, PrometheusProcess, backfill, free_port
from servers.sim.signals import Const, Signal

STEP_S = 15
HISTORY_S = 3600
OFFSET_BASE = 10.0
DRIFT_PER_STEP = 1.0
RX_PPS = 1000.0
PMD_BUSY = 0.3


@dataclass(frozen=True)
class Steps(Signal):
    """``values[i]`` from ``times[i]`` on (``values[0]`` before ``times[1]``)."""

    times: tuple[float, ...]
    values: tuple[float, ...]

    def __call__(self, t: float) -> float:
        value = self.values[0]
        for at, v in zip(self.times, self.values, strict=True):
            if t >= at:
                value = v
        return value


@dataclass(frozen=True)
class Drift(Signal):
    """``base + per_step * k`` at the k-th sample after ``start``."""

    start: float
    base: float
    per_step: float

    def __call__(self, t: float) -> float:
        return self.base + self.per_step * (t - self.start) / STEP_S


@dataclass(frozen=True)
class PerSecond(Signal):
    """A counter growing by ``rate`` per second from ``start``."""

    start: float
    rate: float

    def __call__(self, t: float) -> float:
        return self.rate * (t - self.start)


@dataclass(frozen=True)
class PtpFixture:
    url: str
    start: int
    anchor: int
    t_holdover: int
    t_freerun: int

    def sample_times(self) -> list[int]:
        return list(range(self.start, self.anchor + 1, STEP_S))

    def offset(self, t: float) -> float:
        return OFFSET_BASE + DRIFT_PER_STEP * (t - self.start) / STEP_S


def _families(start: int, t_holdover: int, t_freerun: int) -> list[StoredFamily]:
    du = {"node": "du-1", "cluster": "c1"}
    ptp4l = tuple(sorted({**du, "iface": "ens2fx", "process": "ptp4l"}.items()))
    phc = tuple(sorted({**du, "iface": "CLOCK_REALTIME", "process": "phc2sys"}.items()))
    ptp4l_off = tuple(sorted({**du, "iface": "ens2fx", "process": "ptp4l", "from": "master"}.items()))
    phc_off = tuple(sorted({**du, "iface": "CLOCK_REALTIME", "process": "phc2sys", "from": "phc"}.items()))
    role = tuple(sorted({**du, "iface": "ens2f0", "process": "ptp4l"}.items()))
    clock_class = tuple(sorted({**du, "process": "ptp4l"}.items()))
    states = Steps((float(start), float(t_holdover), float(t_freerun)), (1.0, 2.0, 0.0))
    return [
        StoredFamily(
            "openshift_ptp_clock_state",
            "gauge",
            "0 = FREERUN, 1 = LOCKED, 2 = HOLDOVER",
            ((ptp4l, states), (phc, Const(1.0))),
        ),
        StoredFamily(
            "openshift_ptp_offset_ns",
            "gauge",
            "",
            ((ptp4l_off, Drift(float(start), OFFSET_BASE, DRIFT_PER_STEP)), (phc_off, Const(-5.0))),
        ),
        StoredFamily(
            "dpdk_counters_rx_packets",
            "gauge",  # OpenMetrics counters need a _total suffix; rate() does not care about the type
            "Number of successfully received packets.",
            (((("cluster", "c1"), ("port", "0000:3b:02.1")), PerSecond(float(start), RX_PPS)),),
        ),
        StoredFamily(
            "ovs_pmd_processing_cycles",
            "gauge",
            "processing cycles",
            (((("cpu", "2"), ("numa", "0")), PerSecond(float(start), 1e9 * PMD_BUSY)),),
        ),
        StoredFamily(
            "ovs_pmd_idle_cycles",
            "gauge",
            "idle cycles",
            (((("cpu", "2"), ("numa", "0")), PerSecond(float(start), 1e9 * (1 - PMD_BUSY))),),
        ),
        StoredFamily("openshift_ptp_interface_role", "gauge", "", ((role, Const(1.0)),)),
        StoredFamily(
            "openshift_ptp_clock_class",
            "gauge",
            "",
            ((clock_class, Steps((float(start), float(t_holdover)), (6.0, 135.0))),),
        ),
    ]


@pytest.fixture(scope="session")
def ptp_prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PtpFixture]:
    """A real Prometheus holding the PTP data set described in this module's docstring."""
    work: Path = tmp_path_factory.mktemp("ptp-prometheus")
    anchor = int(datetime.now(UTC).timestamp()) // STEP_S * STEP_S
    start = anchor - HISTORY_S
    t_holdover, t_freerun = start + 40 * 60, start + 55 * 60
    om = work / "ptp.om"
    write_openmetrics(_families(start, t_holdover, t_freerun), om, history_timestamps(start, anchor + STEP_S, STEP_S))
    try:
        backfill(om, work / "data")
    except PrometheusNotFoundError as exc:
        pytest.fail(str(exc), pytrace=False)
    port = free_port()
    config = "global:\n  scrape_interval: 5s\nscrape_configs: []\n"
    proc = PrometheusProcess(data_dir=work / "data", config_yaml=config, rule_files={}, port=port)
    proc.start()
    try:
        yield PtpFixture(proc.url, start, anchor, t_holdover, t_freerun)
    finally:
        proc.stop()


@pytest.fixture(scope="session")
def empty_prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a real Prometheus that holds no series at all."""
    work: Path = tmp_path_factory.mktemp("empty-prometheus")
    proc = PrometheusProcess(
        data_dir=work / "data", config_yaml="global:\n  scrape_interval: 5s\nscrape_configs: []\n", port=free_port()
    )
    try:
        proc.start()
    except PrometheusNotFoundError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield proc.url
    finally:
        proc.stop()
