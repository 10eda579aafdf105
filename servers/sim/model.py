"""The deterministic metric model of one simulated cluster.

`build_cluster_model(spec, anchor, seed)` assembles every exporter of the cluster. Any sample value is a
pure function of (anchor, seed, t): the OpenMetrics history before the anchor and the live exporter after
it are two views of the same functions, so the live scrape continues the backfilled history.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from servers.sim.cadvisor_metrics import kubelet_exporter
from servers.sim.families import Ctx, Exporter, Family, Kind, LabelSet, Target
from servers.sim.gpu_metrics import dcgm_exporter
from servers.sim.incidents import Incidents
from servers.sim.kube_metrics import kube_state_metrics_exporter
from servers.sim.node_metrics import node_exporter
from servers.sim.ptp_metrics import ptp_exporter
from servers.sim.signals import Const, Signal
from servers.sim.topology import ClusterSpec

__all__ = ["ClusterModel", "StoredFamily", "build_cluster_model", "stored_labels"]


def stored_labels(job: str, target: LabelSet, metric: LabelSet, honor_labels: bool) -> LabelSet:
    """The label set Prometheus stores for a scraped sample (without `__name__`).

    Mirrors the scrape-time merge: target labels plus `job`, then the metric's own labels; on a clash the
    metric wins with `honor_labels`, otherwise the metric's label is kept as `exported_<name>`.
    """
    merged = dict(target)
    merged["job"] = job
    for name, value in metric:
        if name in merged and not honor_labels:
            merged[f"exported_{name}"] = value
        else:
            merged[name] = value
    return tuple(sorted(merged.items()))


@dataclass(frozen=True)
class StoredFamily:
    """A metric family across all targets of a cluster, with labels as Prometheus stores them."""

    name: str
    kind: Kind
    help: str
    series: tuple[tuple[LabelSet, Signal], ...]


@dataclass(frozen=True)
class ClusterModel:
    """All exporters of one cluster for one (anchor, seed)."""

    spec: ClusterSpec
    anchor: float
    seed: int
    exporters: tuple[Exporter, ...]

    @property
    def name(self) -> str:
        """The cluster name."""
        return self.spec.name

    @property
    def incidents(self) -> Incidents:
        """The incident timetable of this model."""
        return Incidents(self.anchor)

    def target(self, job: str, name: str) -> Target | None:
        """The target `name` of exporter `job`, if any."""
        for exporter in self.exporters:
            if exporter.job == job:
                return next((t for t in exporter.targets if t.name == name), None)
        return None

    def signal(self, job: str, target: str, family: str, **labels: str) -> Signal | None:
        """The signal of the first series of `family` on `job`/`target` whose labels include `labels`."""
        found = self.target(job, target)
        for fam in found.families if found else ():
            if fam.name == family:
                for s in fam.series:
                    if all(dict(s.labels).get(k) == v for k, v in labels.items()):
                        return s.signal
        return None

    def stored_families(self) -> Iterator[StoredFamily]:
        """Every family once, its series gathered from all targets (OpenMetrics must not interleave).

        Ends with Prometheus' own `up` series (1 for every target), which exporters do not expose.
        """
        order: list[str] = []
        meta: dict[str, Family] = {}
        series: dict[str, list[tuple[LabelSet, Signal]]] = {}
        for exporter in self.exporters:
            for target in exporter.targets:
                for fam in target.families:
                    if fam.name not in meta:
                        order.append(fam.name)
                        meta[fam.name] = fam
                        series[fam.name] = []
                    for s in fam.series:
                        labels = stored_labels(exporter.job, target.labels, s.labels, exporter.honor_labels)
                        series[fam.name].append((labels, s.signal))
        for name in order:
            fam = meta[name]
            yield StoredFamily(name, fam.kind, fam.help, tuple(series[name]))
        # A real Prometheus would have been scraping all along: its `up` belongs in the history too.
        up = tuple(
            (stored_labels(e.job, t.labels, (), e.honor_labels), Const(1.0)) for e in self.exporters for t in e.targets
        )
        yield StoredFamily("up", "gauge", "", up)

    def series_count(self) -> int:
        """How many series the cluster's exporters expose."""
        return sum(len(f.series) for e in self.exporters for t in e.targets for f in t.families)


def build_cluster_model(spec: ClusterSpec, anchor: float, seed: int) -> ClusterModel:
    """Build the metric model of `spec` for `anchor` (Unix seconds) and `seed`."""
    ctx = Ctx(spec, anchor, seed)
    candidates = (
        node_exporter(ctx),
        kubelet_exporter(ctx),
        kube_state_metrics_exporter(ctx),
        dcgm_exporter(ctx),
        ptp_exporter(ctx),
    )
    return ClusterModel(spec, anchor, seed, tuple(e for e in candidates if e is not None))
