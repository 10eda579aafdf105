"""A simulated fleet of OpenShift clusters that speaks real APIs, for demos and integration tests.

Each cluster has exporters (node-exporter, kubelet/cAdvisor, kube-state-metrics, and dcgm-exporter or
linuxptp-daemon where relevant) served over HTTP, a real Prometheus scraping them on top of backfilled,
deterministic history with seeded incidents, a real Alertmanager receiving its alerts, and Kubernetes-,
Loki- and Tempo-shaped endpoints whose objects, logs and traces tell the same incident story as the
metrics. Standalone: it imports no other package of this repository. Run it with `python -m servers.sim`.
"""

from servers.sim.alertmanager import AlertmanagerNotFoundError, AlertmanagerProcess, find_alertmanager
from servers.sim.fleet import SimCluster, SimFleet, default_clusters
from servers.sim.prometheus import PrometheusNotFoundError, PrometheusProcess, backfill, find_binaries

__all__ = [
    "AlertmanagerNotFoundError",
    "AlertmanagerProcess",
    "PrometheusNotFoundError",
    "PrometheusProcess",
    "SimCluster",
    "SimFleet",
    "backfill",
    "default_clusters",
    "find_alertmanager",
    "find_binaries",
]
