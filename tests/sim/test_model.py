"""The metric model: determinism, counter monotonicity, and the seeded incidents at the right times."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from servers.sim.model import ClusterModel, stored_labels
from servers.sim.openmetrics import history_timestamps, write_openmetrics
from tests.sim.conftest import ANCHOR, models_for, one_signal, signals_matching

HOUR = 3600.0
ROOT = Path(__file__).resolve().parents[2]


def history_digest(path: Path, model: ClusterModel, hours: float = 1.0) -> str:
    stamps = history_timestamps(int(ANCHOR - hours * HOUR), int(ANCHOR), 15)
    write_openmetrics(model.stored_families(), path, stamps)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rate(signal_at: list[float], window_s: float) -> float:
    return (signal_at[1] - signal_at[0]) / window_s


def test_same_anchor_and_seed_give_byte_identical_history(tmp_path: Path) -> None:
    first = {name: history_digest(tmp_path / f"a-{name}.om", m) for name, m in models_for().items()}
    second = {name: history_digest(tmp_path / f"b-{name}.om", m) for name, m in models_for().items()}
    assert first == second


def test_history_is_identical_across_processes_with_different_hash_seeds(tmp_path: Path) -> None:
    # Python salts str hashes per process: a model relying on hash() or set order would differ here.
    script = (
        "import sys, pathlib\n"
        "from servers.sim.openmetrics import history_timestamps, write_openmetrics\n"
        "from tests.sim.conftest import ANCHOR, models_for\n"
        "for name, m in models_for().items():\n"
        "    stamps = history_timestamps(int(ANCHOR) - 900, int(ANCHOR), 15)\n"
        "    write_openmetrics(m.stored_families(), pathlib.Path(sys.argv[1]) / f'{name}.om', stamps)\n"
    )
    digests = []
    for hash_seed in ("1", "2"):
        out = tmp_path / hash_seed
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        subprocess.run([sys.executable, "-c", script, str(out)], env=env, check=True, timeout=60)
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())})
    assert len(digests[0]) == 3
    assert digests[0] == digests[1]


def test_a_different_seed_changes_the_history(tmp_path: Path) -> None:
    seven = history_digest(tmp_path / "seven.om", models_for(seed=7)["hub"])
    eight = history_digest(tmp_path / "eight.om", models_for(seed=8)["hub"])
    assert seven != eight


def test_a_different_anchor_moves_the_incidents(models: dict[str, ClusterModel]) -> None:
    later = models_for(anchor=ANCHOR + 3 * HOUR)
    temp_now = one_signal(models["gpu-spoke"], "DCGM_FI_DEV_GPU_TEMP", Hostname="gpu-worker-0", gpu="2")
    temp_later = one_signal(later["gpu-spoke"], "DCGM_FI_DEV_GPU_TEMP", Hostname="gpu-worker-0", gpu="2")
    assert temp_now(ANCHOR) > 80
    assert temp_later(ANCHOR) < 65


def test_identities_do_not_depend_on_the_seed() -> None:
    def label_sets(seed: int) -> list[tuple[tuple[str, str], ...]]:
        return [labels for fam in models_for(seed=seed)["hub"].stored_families() for labels, _ in fam.series]

    assert label_sets(7) == label_sets(99)


@pytest.mark.parametrize("cluster", ["hub", "gpu-spoke", "telco-edge"])
def test_counters_never_decrease_in_history_or_live(models: dict[str, ClusterModel], cluster: str) -> None:
    # Grid points of the history, then off-grid live scrape times after the anchor.
    times = [ANCHOR - 6 * HOUR + 15 * i for i in range(1440)] + [ANCHOR + 0.37 + 7.3 * i for i in range(200)]
    counters = [fam for fam in models[cluster].stored_families() if fam.kind == "counter"]
    assert counters
    for fam in counters:
        for labels, signal in fam.series:
            values = [signal(t) for t in times]
            drops = [(t, a, b) for t, a, b in zip(times[1:], values, values[1:], strict=False) if b < a]
            assert drops == [], f"{fam.name}{dict(labels)} decreases at {drops[:3]}"


def test_cpu_modes_of_a_cpu_add_up_to_one_second_per_second(models: dict[str, ClusterModel]) -> None:
    hub = models["hub"]
    total = sum(
        rate([s(ANCHOR - 300), s(ANCHOR)], 300)
        for s in signals_matching(hub, "node_cpu_seconds_total", instance="hub-worker-0", cpu="3")
    )
    assert total == pytest.approx(1.0, abs=1e-6)


def test_payments_cpu_climbs_to_its_limit_by_the_anchor(models: dict[str, ClusterModel]) -> None:
    hub = models["hub"]
    usage = signals_matching(hub, "container_cpu_usage_seconds_total", namespace="payments")
    limits = signals_matching(hub, "kube_pod_container_resource_limits", namespace="payments", resource="cpu")
    assert len(usage) == 3
    limit = sum(s(ANCHOR) for s in limits)

    def saturation(t: float) -> float:
        return sum(rate([s(t - 300), s(t)], 300) for s in usage) / limit

    assert saturation(ANCHOR) > 0.9
    assert saturation(ANCHOR + 600) > 0.9  # it stays saturated in the live scrape
    assert saturation(ANCHOR - 3 * HOUR) < 0.5


def test_payments_throttling_rises_with_saturation(models: dict[str, ClusterModel]) -> None:
    hub = models["hub"]
    throttled = signals_matching(hub, "container_cpu_cfs_throttled_periods_total", namespace="payments")
    periods = signals_matching(hub, "container_cpu_cfs_periods_total", namespace="payments")

    def ratio(t: float) -> float:
        return sum(rate([s(t - 300), s(t)], 300) for s in throttled) / sum(
            rate([s(t - 300), s(t)], 300) for s in periods
        )

    assert ratio(ANCHOR) > 0.4
    assert ratio(ANCHOR - 3 * HOUR) < 0.05


def test_one_payments_pod_keeps_restarting(models: dict[str, ClusterModel]) -> None:
    restarts = signals_matching(models["hub"], "kube_pod_container_status_restarts_total", namespace="payments")
    growth = [s(ANCHOR) - s(ANCHOR - 2 * HOUR) for s in restarts]
    # One restart every 12 minutes from anchor-60m: at -60, -48, -36, -24, -12 and 0 minutes.
    assert sorted(growth) == [0.0, 0.0, 6.0]


def test_gpu_heats_up_and_throttles_on_one_gpu_only(models: dict[str, ClusterModel]) -> None:
    gpu = models["gpu-spoke"]
    hot = {"Hostname": "gpu-worker-0", "gpu": "2"}
    temp = one_signal(gpu, "DCGM_FI_DEV_GPU_TEMP", **hot)
    assert temp(ANCHOR) > 80
    assert temp(ANCHOR - 3 * HOUR) < 65
    assert temp(ANCHOR + 900) > 80
    others = [s for s in signals_matching(gpu, "DCGM_FI_DEV_GPU_TEMP") if s is not temp]
    assert len(others) == 8
    assert max(s(ANCHOR) for s in others) < 70
    clock = one_signal(gpu, "DCGM_FI_DEV_SM_CLOCK", **hot)
    power = one_signal(gpu, "DCGM_FI_DEV_POWER_USAGE", **hot)
    assert clock(ANCHOR) < clock(ANCHOR - 3 * HOUR) - 200
    assert power(ANCHOR) > power(ANCHOR - 3 * HOUR) + 40


def test_ptp_follower_drifts_into_holdover_then_freerun(models: dict[str, ClusterModel]) -> None:
    edge = models["telco-edge"]
    state = one_signal(edge, "openshift_ptp_clock_state", node="edge-du-1", process="ptp4l")
    offset = one_signal(edge, "openshift_ptp_offset_ns", node="edge-du-1", process="ptp4l")
    assert state(ANCHOR) == 0  # FREERUN from anchor-8 min
    assert state(ANCHOR - 10 * 60) == 2  # HOLDOVER from anchor-20 min
    assert state(ANCHOR - 2 * HOUR) == 1
    assert state(ANCHOR - 21 * 60) == 1
    assert offset(ANCHOR) > 1000
    assert abs(offset(ANCHOR - 2 * HOUR)) < 100
    gm_states = signals_matching(edge, "openshift_ptp_clock_state", node="edge-gm-0")
    assert {s(ANCHOR) for s in gm_states} == {1.0}


def test_exporters_run_where_their_hardware_is(models: dict[str, ClusterModel]) -> None:
    jobs = {name: sorted(e.job for e in m.exporters) for name, m in models.items()}
    common = ["kube-state-metrics", "kubelet", "node-exporter"]
    assert jobs == {
        "hub": common,
        "gpu-spoke": sorted([*common, "nvidia-dcgm-exporter"]),
        "telco-edge": sorted([*common, "ptp-monitor-service"]),
    }


def test_history_has_an_up_series_per_target_with_the_target_labels(models: dict[str, ClusterModel]) -> None:
    hub = models["hub"]
    up = [labels for fam in hub.stored_families() if fam.name == "up" for labels, _ in fam.series]
    assert len(up) == sum(len(e.targets) for e in hub.exporters) == 11
    kubelet = next(dict(labels) for labels in up if ("job", "kubelet") in labels and ("node", "hub-master-0") in labels)
    assert kubelet == {
        "endpoint": "https-metrics",
        "instance": "10.0.0.10:10250",
        "job": "kubelet",
        "metrics_path": "/metrics/cadvisor",
        "node": "hub-master-0",
        "service": "kubelet",
    }


def test_series_counts_stay_modest(models: dict[str, ClusterModel]) -> None:
    counts = {name: m.series_count() for name, m in models.items()}
    assert all(150 <= n <= 400 for n in counts.values()), counts


def test_stored_labels_follow_prometheus_honor_labels_semantics() -> None:
    target = (("instance", "10.0.0.1:9100"), ("namespace", "monitoring"))
    metric = (("namespace", "payments"), ("pod", "p"))
    honored = dict(stored_labels("kubelet", target, metric, honor_labels=True))
    renamed = dict(stored_labels("kubelet", target, metric, honor_labels=False))
    assert honored == {"instance": "10.0.0.1:9100", "job": "kubelet", "namespace": "payments", "pod": "p"}
    assert renamed["namespace"] == "monitoring"
    assert renamed["exported_namespace"] == "payments"


def test_no_exporter_relies_on_label_renaming(models: dict[str, ClusterModel]) -> None:
    # Product queries use plain label names; an exported_* label would mean a target/metric clash.
    for m in models.values():
        for fam in m.stored_families():
            for labels, _ in fam.series:
                assert not [k for k, _ in labels if k.startswith("exported_")], (m.name, fam.name, labels)
