"""A real Prometheus backfilled with known dcgm-exporter series (2 nodes x 2 GPUs), for the whole session.

- gpu-node-a/0 H100: pod ml/trainer-0, 90 % busy; XID 79 from ``xid_start`` (0 before).
- gpu-node-a/1 H100: shared by pods ml/serve-0 and ml/serve-1 (no MIG); 70 °C, then 90 °C and throttle mask 0x40
  (HW thermal slowdown) from ``hot_start``.
- gpu-node-b/0 A100 in MIG mode (no GPU_UTIL): instance 1 (4g.40gb, ml/mig-a, 60 % active) and instance 2 (3g.40gb,
  ml/mig-b, idle).
- gpu-node-b/1 A100: pod ml/idle-0 holding the GPU at 0 % the whole time.
Profiling fields (SM/DRAM activity, PCIe and NVLink bytes/s) are constant per GPU (MIG: SM activity per instance);
gpu-node-a/0 also counts PCIe replays at 2 per minute.
Samples every 15 s over two hours ending at ``anchor`` (a whole minute); kube-state-metrics requests 2 GPUs on node b.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from servers.sim.model import StoredFamily
from servers.sim.openmetrics import history_timestamps, write_openmetrics
from servers.sim.prometheus import PrometheusNotFoundError, PrometheusProcess, backfill, free_port
from servers.sim.signals import Const, Signal

STEP_S = 15
CLUSTER = "gpu-spoke"  # the cluster label a Thanos/ACM global view attributes series by
HISTORY_S = 2 * 3600


@dataclass(frozen=True)
class Step(Signal):
    """``before`` until ``at``, ``after`` from ``at`` on."""

    before: float
    after: float
    at: float

    def __call__(self, t: float) -> float:
        return self.after if t >= self.at else self.before


@dataclass(frozen=True)
class _Counter(Signal):
    """A counter growing by ``per_s`` every second from zero at the epoch (only rates of it matter)."""

    per_s: float

    def __call__(self, t: float) -> float:
        return round(self.per_s * t, 3)


@dataclass
class GpuSpec:
    """One GPU of the fixture and the constant (or stepped) values of its series."""

    node: str
    gpu: str
    model: str
    util: float | None
    temp: Signal
    power: float
    fb_used: float
    fb_free: float
    sm_clock: float

    def __post_init__(self) -> None:
        # The OpenMetrics writer formats floats only.
        self.power, self.fb_used, self.fb_free, self.sm_clock = (
            float(self.power),
            float(self.fb_used),
            float(self.fb_free),
            float(self.sm_clock),
        )

    pods: list[tuple[str, str]] = field(default_factory=list)  # (namespace, pod)
    xid: Signal = field(default_factory=lambda: Const(0.0))
    throttle: Signal = field(default_factory=lambda: Const(0.0))
    mig: list[tuple[str, str, str, float, float]] = field(default_factory=list)  # id, profile, pod, gr, fb_used
    prof: dict[str, float] = field(default_factory=dict)  # profiling field -> constant value (ratio or B/s)
    pcie_replays_per_min: float = 0.0  # slope of DCGM_FI_DEV_PCIE_REPLAY_COUNTER


@dataclass(frozen=True)
class GpuFixture:
    """The running Prometheus and the facts the tests compute expectations from."""

    url: str
    anchor: float
    xid_start: float
    hot_start: float
    power_limit: float
    gpus: tuple[GpuSpec, ...]


def _specs(anchor: int) -> tuple[list[GpuSpec], float, float]:
    xid_start = float(anchor - 20 * 60)
    hot_start = float(anchor - 30 * 60)
    gpus = [
        GpuSpec("gpu-node-a", "0", "NVIDIA H100 80GB HBM3", 90.0, Const(60.0), 500.0, 60000, 20000, 1980,
                [("ml", "trainer-0")], xid=Step(0.0, 79.0, xid_start),
                prof={"SM_ACTIVE": 0.85, "DRAM_ACTIVE": 0.6, "PCIE_TX_BYTES": 2.5e9, "PCIE_RX_BYTES": 1.2e9,
                      "NVLINK_TX_BYTES": 4.0e10, "NVLINK_RX_BYTES": 3.8e10}, pcie_replays_per_min=2.0),
        GpuSpec("gpu-node-a", "1", "NVIDIA H100 80GB HBM3", 70.0, Step(70.0, 90.0, hot_start), 650.0, 40000, 40000,
                1500, [("ml", "serve-0"), ("ml", "serve-1")], throttle=Step(0.0, 64.0, hot_start),
                prof={"SM_ACTIVE": 0.65, "DRAM_ACTIVE": 0.4, "PCIE_TX_BYTES": 1.0e9, "PCIE_RX_BYTES": 5.0e8,
                      "NVLINK_TX_BYTES": 0.0, "NVLINK_RX_BYTES": 0.0}),
        GpuSpec("gpu-node-b", "0", "NVIDIA A100-SXM4-80GB", None, Const(50.0), 200.0, 0, 0, 1410,
                mig=[("1", "4g.40gb", "mig-a", 0.6, 10000), ("2", "3g.40gb", "mig-b", 0.0, 2000)]),
        GpuSpec("gpu-node-b", "1", "NVIDIA A100-SXM4-80GB", 0.0, Const(35.0), 60.0, 500, 80000, 210,
                [("ml", "idle-0")], throttle=Const(1.0),
                prof={"SM_ACTIVE": 0.0, "DRAM_ACTIVE": 0.0, "PCIE_TX_BYTES": 0.0, "PCIE_RX_BYTES": 0.0}),
    ]  # fmt: skip
    return gpus, xid_start, hot_start


def _families(gpus: list[GpuSpec], power_limit: float) -> list[StoredFamily]:
    series: dict[str, list[tuple[dict[str, str], Signal]]] = {}

    def add(name: str, labels: dict[str, str], signal: Signal) -> None:
        series.setdefault(name, []).append((labels, signal))

    for g in gpus:
        base = {
            "cluster": CLUSTER,
            "Hostname": g.node,
            "gpu": g.gpu,
            "modelName": g.model,
            "UUID": f"GPU-{g.node}-{g.gpu}",
        }
        holders = [{**base, "namespace": ns, "pod": pod, "container": "main"} for ns, pod in g.pods] or [base]
        for labels in holders:
            if g.util is not None:
                add("DCGM_FI_DEV_GPU_UTIL", labels, Const(g.util))
                add("DCGM_FI_PROF_GR_ENGINE_ACTIVE", labels, Const(g.util / 100.0))
            add("DCGM_FI_DEV_GPU_TEMP", labels, g.temp)
            add("DCGM_FI_DEV_MEMORY_TEMP", labels, Const(g.temp(0) + 5.0))
            add("DCGM_FI_DEV_POWER_USAGE", labels, Const(g.power))
            add("DCGM_FI_DEV_POWER_MGMT_LIMIT", labels, Const(power_limit))
            add("DCGM_FI_DEV_SM_CLOCK", labels, Const(g.sm_clock))
            add("DCGM_FI_DEV_XID_ERRORS", labels, g.xid)
            add("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS", labels, g.throttle)
            add("DCGM_FI_DEV_ECC_DBE_VOL_TOTAL", labels, Const(0.0))
            for name, value in g.prof.items():
                add(f"DCGM_FI_PROF_{name}", labels, Const(value))
            if g.pcie_replays_per_min:
                add("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", labels, _Counter(g.pcie_replays_per_min / 60.0))
            if not g.mig:
                add("DCGM_FI_DEV_FB_USED", labels, Const(g.fb_used))
                add("DCGM_FI_DEV_FB_FREE", labels, Const(g.fb_free))
        for gi, profile, pod, gr, fb in g.mig:
            inst = {**base, "GPU_I_ID": gi, "GPU_I_PROFILE": profile, "namespace": "ml", "pod": pod, "container": "c"}
            add("DCGM_FI_PROF_GR_ENGINE_ACTIVE", inst, Const(gr))
            add("DCGM_FI_PROF_SM_ACTIVE", inst, Const(gr))
            add("DCGM_FI_DEV_FB_USED", inst, Const(float(fb)))
            add("DCGM_FI_DEV_FB_FREE", inst, Const(40000.0 - fb))
    ksm = {"cluster": CLUSTER, "resource": "nvidia_com_gpu", "unit": "integer", "node": "gpu-node-b", "namespace": "ml"}
    add("kube_pod_container_resource_requests", {**ksm, "pod": "idle-0"}, Const(1.0))
    add("kube_pod_container_resource_requests", {**ksm, "pod": "waiting-0"}, Const(1.0))
    return [
        StoredFamily(name, "gauge", f"Fixture {name}.", tuple((tuple(sorted(lb.items())), s) for lb, s in members))
        for name, members in series.items()
    ]


def build_gpu_fixture(work_dir: Path, now: float) -> tuple[PrometheusProcess, GpuFixture]:
    """Backfill the GPU data set and start a Prometheus on it (the caller stops it)."""
    anchor = int(now) // 60 * 60
    gpus, xid_start, hot_start = _specs(anchor)
    power_limit = 700.0
    om = work_dir / "gpu.om"
    write_openmetrics(_families(gpus, power_limit), om, history_timestamps(anchor - HISTORY_S, anchor + STEP_S, STEP_S))
    backfill(om, work_dir / "data")
    port = free_port()
    config = {"global": {"scrape_interval": "1h"}, "scrape_configs": []}
    proc = PrometheusProcess(data_dir=work_dir / "data", config_yaml=yaml.safe_dump(config), port=port)
    proc.start()
    return proc, GpuFixture(proc.url, float(anchor), xid_start, hot_start, power_limit, tuple(gpus))


@pytest.fixture(scope="session")
def gpu_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GpuFixture]:
    """A real Prometheus holding the known DCGM data set, for the whole session."""
    try:
        proc, facts = build_gpu_fixture(tmp_path_factory.mktemp("gpu-fixture"), time.time())
    except PrometheusNotFoundError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield facts
    finally:
        proc.stop()
