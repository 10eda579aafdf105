"""``cnf_dpdk_stats``: DPDK and OVS-DPDK data-plane counters, from whatever of them Prometheus actually has.

Known families (names as their exporters write them):
- DPDK's own exporter (``usertools/dpdk-telemetry-exporter.py``) names metrics ``dpdk_<endpoint>_<name>``; its
  ``counters`` endpoint (``usertools/telemetry-endpoints/counters.py``, from ``/ethdev/stats``) exports
  ``rx_packets``, ``tx_packets``, ``rx_missed`` (imissed: dropped by the NIC because Rx queues were full),
  ``rx_nombuf``, ``rx_errors``, ``tx_errors`` per ``port``.
- OVS-DPDK PMD threads (``ovs-exporter``, ``appctl/pmd_stats.go``, from ``dpif-netdev/pmd-stats-show``):
  ``ovs_pmd_packets_received``, ``ovs_pmd_idle_cycles``, ``ovs_pmd_processing_cycles`` per ``cpu``/``numa``;
  PMD utilisation = processing / (idle + processing) cycles.
- OVS interfaces: ``ovs_interface_rx_dropped`` / ``ovs_interface_rx_errors`` (greenpau/ovs_exporter and OpenStack's
  dataplane-node-exporter, which maps a DPDK port's ``rx_missed_errors`` into rx_dropped), and the
  ``..._total`` spelling that exporters following Prometheus counter naming use.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass

from tools.cnf.results import DpdkFamily, DpdkSample, DpdkStatsResult
from tools.prometheus import MetricsService
from tools.sizecap import CapPlan, fit_to_cap
from tools.targets import BackendTarget

__all__ = ["DPDK_FAMILIES", "DpdkMetric", "dpdk_stats"]


@dataclass(frozen=True)
class DpdkMetric:
    """A metric name to look for, what it means and the PromQL that turns it into a per-second figure."""

    name: str
    meaning: str
    promql: str


def _rate(name: str, meaning: str) -> DpdkMetric:
    return DpdkMetric(name, meaning, f"rate({name}[5m])")


_PMD_BUSY = (
    "sum by (cpu, numa) (rate(ovs_pmd_processing_cycles[5m])) / (sum by (cpu, numa) "
    "(rate(ovs_pmd_processing_cycles[5m])) + sum by (cpu, numa) (rate(ovs_pmd_idle_cycles[5m])))"
)
DPDK_FAMILIES: tuple[DpdkMetric, ...] = (
    _rate("dpdk_counters_rx_packets", "received packets per second per DPDK port"),
    _rate("dpdk_counters_tx_packets", "transmitted packets per second per DPDK port"),
    _rate("dpdk_counters_rx_missed", "imissed: packets per second dropped by the NIC (Rx queues full)"),
    _rate("dpdk_counters_rx_nombuf", "Rx mbuf allocation failures per second"),
    _rate("dpdk_counters_rx_errors", "erroneous received packets per second"),
    _rate("dpdk_counters_tx_errors", "packet transmission failures per second"),
    _rate("ovs_pmd_packets_received", "packets per second received by each OVS-DPDK PMD thread"),
    DpdkMetric(
        "ovs_pmd_processing_cycles", "PMD utilisation (0..1): processing / (idle + processing) cycles", _PMD_BUSY
    ),
    _rate("ovs_interface_rx_dropped", "input packets per second dropped by an OVS interface"),
    _rate("ovs_interface_rx_errors", "packets per second received with errors by an OVS interface"),
    _rate("ovs_interface_rx_dropped_total", "input packets per second dropped by an OVS interface"),
    _rate("ovs_interface_rx_errors_total", "packets per second received with errors by an OVS interface"),
)


def _value(v: float | str) -> float | str:
    return round(v, 4) if isinstance(v, float) and math.isfinite(v) else v


async def dpdk_stats(
    metrics: MetricsService,
    targets: Sequence[BackendTarget],
    *,
    top_k: int = 5,
    cap: int = 12_000,
) -> DpdkStatsResult:
    """Probe the known families; query those that exist; say exactly what was searched where when none does."""
    names = [f.name for f in DPDK_FAMILIES]
    listed = await metrics.list_names(targets, match="^(" + "|".join(names) + ")$", limit=len(names))
    present = [f for f in DPDK_FAMILIES if f.name in listed.values]
    answers = await asyncio.gather(*(metrics.query(targets, f.promql, top_k=top_k) for f in present))
    families = [
        DpdkFamily(
            metric=f.name,
            meaning=f.meaning,
            promql=f.promql,
            series=answer.total,
            top=[
                DpdkSample(cluster=s.cluster, labels={**answer.common_labels, **s.labels}, value=_value(s.value))
                for s in answer.samples
            ],
        )
        for f, answer in zip(present, answers, strict=True)
    ]
    notes = list(listed.notes)
    asked = ", ".join(t.cluster for t in targets)
    if not present:
        notes.append(
            f"No DPDK / OVS-DPDK metrics on {asked}: searched {', '.join(names)}. Deploy DPDK's telemetry exporter "
            "(dpdk-telemetry-exporter.py) or an OVS exporter and have Prometheus scrape it, or look for other names "
            "with metrics_list_names(name_regex='dpdk|pmd')."
        )
    elif listed.present_only_in:
        for name, where in sorted(listed.present_only_in.items()):
            notes.append(f"{name} exists only on {', '.join(where)}.")
    result = DpdkStatsResult(
        clusters=listed.clusters,
        answered=listed.answered,
        total=len(families),
        returned=len(families),
        notes=notes,
        searched=names,
        found=[f.name for f in present],
        families=families,
    )
    fit_to_cap(result, cap, CapPlan(items="families"))
    return result
