"""The simulated demo fleet: live exporters, backfilled history, a real Prometheus and Alertmanager per cluster.

`SimFleet(work_dir).start()` serves every cluster's exporters and its Kubernetes-, Loki- and Tempo-shaped
APIs from one local HTTP server, writes each cluster's OpenMetrics history for [anchor - history, anchor),
backfills it with promtool into that cluster's own TSDB, starts an Alertmanager per cluster (with one
silence on the info-level `CPUThrottlingHigh`), then a Prometheus per cluster scraping its live exporters
and alerting to its Alertmanager. Product code gets `SimCluster`s whose endpoints look like real clusters'.
"""

from __future__ import annotations

import math
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from servers.sim.alertmanager import AlertmanagerProcess, find_alertmanager
from servers.sim.exporter import create_app
from servers.sim.httpserver import BackgroundServer
from servers.sim.inventory import default_specs
from servers.sim.model import ClusterModel, build_cluster_model
from servers.sim.openmetrics import history_timestamps, write_openmetrics
from servers.sim.promconfig import prometheus_config
from servers.sim.prometheus import PrometheusProcess, backfill, find_binaries
from servers.sim.rules import RULES_FILE, rules_yaml

__all__ = ["SimCluster", "SimFleet", "default_clusters"]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SimCluster:
    """A simulated cluster as product code sees it.

    `endpoints` has the base URLs `api`, `prometheus`, `alertmanager`, `loki` and `tempo` (the keys of the
    product's `Endpoints`).
    """

    name: str
    type: str  # HUB | SPOKE | EDGE | FAR_EDGE
    platform: str  # OPENSHIFT | ...
    environment: str  # PRODUCTION | STAGING | DEVELOPMENT | LAB
    region: str
    labels: dict[str, str]
    endpoints: dict[str, str] = field(default_factory=dict)


def default_clusters() -> list[SimCluster]:
    """The three clusters of the default fleet (hub, gpu-spoke, telco-edge), endpoints not yet filled."""
    return [SimCluster(s.name, s.type, s.platform, s.environment, s.region, dict(s.labels)) for s in default_specs()]


def _aligned(anchor: datetime | None, step_s: int) -> datetime:
    """`anchor` (default now; naive means UTC) rounded down to a multiple of `step_s`, in UTC."""
    if anchor is None:
        anchor = datetime.now(UTC)
    elif anchor.tzinfo is None:
        anchor = anchor.replace(tzinfo=UTC)
    return datetime.fromtimestamp(math.floor(anchor.timestamp() / step_s) * step_s, UTC)


class SimFleet:
    """Starts and stops the whole simulated fleet under `work_dir`; also a context manager.

    `anchor` (default: now) is rounded down to `step_s`; naive datetimes are taken as UTC. All values are
    a pure function of (anchor, seed, t). The OpenMetrics files are deleted once backfilled unless
    `keep_history` is set.
    """

    def __init__(
        self,
        work_dir: Path,
        *,
        anchor: datetime | None = None,
        seed: int = 7,
        history_hours: float = 6.0,
        scrape_interval_s: int = 15,
        step_s: int = 15,
        keep_history: bool = False,
    ) -> None:
        self.work_dir = work_dir
        self.anchor = _aligned(anchor, step_s)
        self.seed = seed
        self.step_s = step_s
        self.scrape_interval_s = scrape_interval_s
        self.history_s = int(history_hours * 3600) // step_s * step_s
        self.keep_history = keep_history
        anchor_ts = self.anchor.timestamp()
        self.models: dict[str, ClusterModel] = {
            s.name: build_cluster_model(s, anchor_ts, seed) for s in default_specs()
        }
        self.timings: dict[str, float] = {}
        self._server: BackgroundServer | None = None
        self._prometheus: dict[str, PrometheusProcess] = {}
        self._alertmanagers: dict[str, AlertmanagerProcess] = {}
        self.silences: dict[str, str] = {}  # cluster -> id of the silence created at start
        self._clusters: list[SimCluster] = []

    @property
    def clusters(self) -> list[SimCluster]:
        """The clusters with their endpoints (empty before `start`)."""
        return list(self._clusters)

    @property
    def prometheus(self) -> dict[str, PrometheusProcess]:
        """The running Prometheus process of each cluster."""
        return dict(self._prometheus)

    @property
    def alertmanagers(self) -> dict[str, AlertmanagerProcess]:
        """The running Alertmanager process of each cluster."""
        return dict(self._alertmanagers)

    def start(self, progress: Progress | None = None) -> list[SimCluster]:
        """Serve the APIs, backfill history, start an Alertmanager and a Prometheus per cluster; returns the clusters.

        On any failure everything already started is stopped before the error propagates.
        """
        if self._server is not None:
            raise RuntimeError("the simulated fleet is already running; stop() it first")
        say = progress or (lambda _msg: None)
        began = time.perf_counter()
        try:
            find_binaries()  # fail fast with the install hint, before any work
            find_alertmanager()
            self._server = BackgroundServer(create_app(self.models))
            exporter_url = self._server.start()
            say(f"exporter server at {exporter_url}")
            self._backfill_all(say)
            self._start_alertmanagers(say)
            self._start_prometheus(exporter_url, say)
        except BaseException:
            self.stop()
            raise
        self.timings["start_total_s"] = time.perf_counter() - began
        return self.clusters

    def _backfill_all(self, say: Progress) -> None:
        start = int(self.anchor.timestamp()) - self.history_s
        stamps = history_timestamps(start, int(self.anchor.timestamp()), self.step_s)
        gen_s = 0.0
        began = time.perf_counter()
        # promtool (Go, multi-threaded) ingests one cluster while Python writes the next file.
        with ThreadPoolExecutor(max_workers=len(self.models)) as pool:
            pending: list[tuple[str, Path, Future[None]]] = []
            for name, model in self.models.items():
                cluster_dir = self.work_dir / name
                data_dir = cluster_dir / "data"
                shutil.rmtree(data_dir, ignore_errors=True)  # stale blocks would overlap the new history
                cluster_dir.mkdir(parents=True, exist_ok=True)
                history = cluster_dir / "history.om"
                t0 = time.perf_counter()
                stats = write_openmetrics(model.stored_families(), history, stamps)
                gen_s += time.perf_counter() - t0
                mb = stats.bytes / 1e6
                say(f"{name}: wrote {stats.series} series, {stats.samples} samples ({mb:.0f} MB)")
                pending.append((name, history, pool.submit(backfill, history, data_dir)))
            for name, history, fut in pending:
                fut.result()
                if not self.keep_history:
                    history.unlink()
                say(f"{name}: history backfilled")
        self.timings["history_generation_s"] = gen_s
        self.timings["history_and_backfill_s"] = time.perf_counter() - began

    def _start_alertmanagers(self, say: Progress) -> None:
        began = time.perf_counter()
        for name in self.models:
            am = AlertmanagerProcess(
                storage_dir=self.work_dir / name / "alertmanager", log_file=self.work_dir / name / "alertmanager.log"
            )
            self._alertmanagers[name] = am
            am.start()
            # Someone on call muted the noisy info-level throttling alert: silenced alerts exist in the demo.
            self.silences[name] = am.add_silence(
                {"alertname": "CPUThrottlingHigh", "namespace": "payments"},
                comment="Known: payments-api CPU limits under review (JIRA PAY-1432)",
            )
            say(f"{name}: alertmanager at {am.url}")
        self.timings["alertmanager_start_s"] = time.perf_counter() - began

    def _start_prometheus(self, exporter_url: str, say: Progress) -> None:
        began = time.perf_counter()
        # Keep every backfilled block: retention must reach back past the start of the history.
        age_days = (time.time() - self.anchor.timestamp() + self.history_s) / 86400
        retention = f"{math.ceil(age_days) + 30}d"
        clusters = []
        for cluster in default_clusters():
            model = self.models[cluster.name]
            am_url = self._alertmanagers[cluster.name].url
            config = prometheus_config(
                model, exporter_url, scrape_interval_s=self.scrape_interval_s, alertmanager_url=am_url
            )
            proc = PrometheusProcess(
                data_dir=self.work_dir / cluster.name / "data",
                config_yaml=config,
                rule_files={RULES_FILE: rules_yaml(model)},
                retention=retention,
                log_file=self.work_dir / cluster.name / "prometheus.log",
            )
            self._prometheus[cluster.name] = proc
            proc.start()
            say(f"{cluster.name}: prometheus at {proc.url}")
            base = f"{exporter_url}/clusters/{cluster.name}"
            endpoints = {
                "api": base,
                "prometheus": proc.url,
                "alertmanager": am_url,
                "loki": f"{base}/loki",
                "tempo": f"{base}/tempo",
            }
            clusters.append(replace(cluster, endpoints=endpoints))
        self._clusters = clusters
        self.timings["prometheus_start_s"] = time.perf_counter() - began

    def stop(self) -> None:
        """Stop every Prometheus, Alertmanager and the HTTP server; idempotent, safe after a partial start."""
        for proc in self._prometheus.values():
            proc.stop()
        self._prometheus.clear()
        for am in self._alertmanagers.values():
            am.stop()
        self._alertmanagers.clear()
        self.silences.clear()
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._clusters = []

    def __enter__(self) -> SimFleet:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
