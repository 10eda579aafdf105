"""The Prometheus configuration of one simulated cluster: one scrape job per exporter, alerts to its Alertmanager.

Each target is a static target on the simulator's HTTP server whose `__metrics_path__` points at that
target's endpoint; the target labels (instance, namespace, pod, ...) are the ones the model stores in the
backfilled history, so live samples extend exactly the same series. `external_labels` carry
`cluster: <name>`, so the alerts reaching the cluster's Alertmanager say where they come from.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import yaml

from servers.sim.exporter import metrics_path
from servers.sim.model import ClusterModel
from servers.sim.rules import RULES_FILE

__all__ = ["prometheus_config"]


def prometheus_config(
    model: ClusterModel, exporter_url: str, *, scrape_interval_s: int = 15, alertmanager_url: str | None = None
) -> str:
    """Prometheus YAML scraping `model`'s exporters at `exporter_url`, alerting to `alertmanager_url` if given."""
    address = urlsplit(exporter_url).netloc
    jobs: list[dict[str, Any]] = []
    for exporter in model.exporters:
        static = [
            {
                "targets": [address],
                "labels": {
                    "__metrics_path__": metrics_path(model.name, exporter.job, t.name),
                    **dict(t.labels),
                },
            }
            for t in exporter.targets
        ]
        jobs.append({"job_name": exporter.job, "honor_labels": exporter.honor_labels, "static_configs": static})
    config: dict[str, Any] = {
        "global": {
            "scrape_interval": f"{scrape_interval_s}s",
            "scrape_timeout": f"{min(10, scrape_interval_s)}s",
            "evaluation_interval": f"{scrape_interval_s}s",
            "external_labels": {"cluster": model.name},
        },
        "rule_files": [RULES_FILE],
    }
    if alertmanager_url is not None:
        target = urlsplit(alertmanager_url).netloc
        config["alerting"] = {"alertmanagers": [{"api_version": "v2", "static_configs": [{"targets": [target]}]}]}
    config["scrape_configs"] = jobs
    return yaml.safe_dump(config, sort_keys=False, width=1000)
