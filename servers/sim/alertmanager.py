"""Run a real Alertmanager per simulated cluster, the way `prometheus.py` runs Prometheus.

`find_alertmanager()` locates the binary (`alertmanager`, or Debian's `prometheus-alertmanager`);
`AlertmanagerProcess` writes a minimal configuration (one `null` receiver, OpenShift's default inhibition)
into its storage dir, starts Alertmanager on 127.0.0.1 without HA gossip and waits for `/-/ready`;
`add_silence` creates a silence through the real v2 API. Each cluster's Prometheus sends its alerts here.
"""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import yaml

from servers.sim.daemon import LoopbackDaemon
from servers.sim.prometheus import PrometheusNotFoundError

__all__ = ["AlertmanagerNotFoundError", "AlertmanagerProcess", "alertmanager_config", "find_alertmanager"]

_INSTALL_HINT = (
    "Alertmanager is not installed: `alertmanager` or `prometheus-alertmanager` must be on PATH. "
    "On Debian/Ubuntu: sudo apt-get install -y prometheus-alertmanager "
    "(or download it from prometheus.io and put alertmanager on PATH)."
)


class AlertmanagerNotFoundError(PrometheusNotFoundError):
    """Alertmanager is not on PATH (a PrometheusNotFoundError, so callers handling one handle both)."""

    def __init__(self) -> None:
        RuntimeError.__init__(self, _INSTALL_HINT)


def find_alertmanager() -> Path:
    """The Alertmanager binary on PATH; raises `AlertmanagerNotFoundError` when there is none."""
    for name in ("alertmanager", "prometheus-alertmanager"):
        path = shutil.which(name)
        if path is not None:
            return Path(path)
    raise AlertmanagerNotFoundError()


def alertmanager_config() -> str:
    """A minimal configuration: everything to a `null` receiver, critical inhibits warning/info."""
    config = {
        "global": {"resolve_timeout": "5m"},
        "route": {
            "receiver": "null",
            "group_by": ["namespace", "alertname"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "12h",
            "routes": [{"matchers": ['alertname = "Watchdog"'], "receiver": "null"}],
        },
        "receivers": [{"name": "null"}],
        "inhibit_rules": [
            {
                "source_matchers": ['severity = "critical"'],
                "target_matchers": ['severity =~ "warning|info"'],
                "equal": ["namespace", "alertname"],
            }
        ],
    }
    return yaml.safe_dump(config, sort_keys=False)


class AlertmanagerProcess(LoopbackDaemon):
    """One Alertmanager bound to 127.0.0.1 with its config and state under `storage_dir`."""

    name = "Alertmanager"

    def __init__(
        self, *, storage_dir: Path, port: int = 0, log_file: Path | None = None, config_yaml: str | None = None
    ) -> None:
        self.storage_dir = storage_dir
        self.config_yaml = config_yaml if config_yaml is not None else alertmanager_config()
        super().__init__(log_file=log_file or storage_dir / "alertmanager.log", port=port)

    def start(self, ready_timeout: float = 15.0) -> None:
        """Write the config, spawn Alertmanager and wait (bounded) until `GET /-/ready` is 200.

        Raises `RuntimeError` with the log tail if it exits or is not ready in time; with port 0 a busy
        port is retried with another free one.
        """
        find_alertmanager()  # the install hint, before anything is written
        self.storage_dir.mkdir(parents=True, exist_ok=True)
        (self.storage_dir / "alertmanager.yml").write_text(self.config_yaml)
        self._launch(ready_timeout, poll_s=0.02)

    def _command(self, port: int) -> list[str]:
        return [
            str(find_alertmanager()),
            f"--config.file={self.storage_dir / 'alertmanager.yml'}",
            f"--storage.path={self.storage_dir}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",  # no HA gossip: one instance per cluster
        ]

    def add_silence(self, matchers: dict[str, str], *, comment: str, hours: float = 24.0) -> str:
        """Silence alerts whose labels equal `matchers` from now for `hours`; returns the silence id."""
        now = time.time()
        body = {
            "matchers": [{"name": k, "value": v, "isRegex": False, "isEqual": True} for k, v in matchers.items()],
            "startsAt": datetime.fromtimestamp(now, UTC).isoformat(),
            "endsAt": datetime.fromtimestamp(now + hours * 3600, UTC).isoformat(),
            "createdBy": "sre-oncall@acme.example",
            "comment": comment,
        }
        resp = httpx.post(f"{self.url}/api/v2/silences", json=body, timeout=5.0)
        resp.raise_for_status()
        silence_id: str = resp.json()["silenceID"]
        return silence_id
