"""Run a real Alertmanager per simulated cluster, the way `prometheus.py` runs Prometheus.

`find_alertmanager()` locates the binary (`alertmanager`, or Debian's `prometheus-alertmanager`);
`AlertmanagerProcess` writes a minimal configuration (one `null` receiver, OpenShift's default inhibition)
into its storage dir, starts Alertmanager on 127.0.0.1 without HA gossip and waits for `/-/ready`;
`add_silence` creates a silence through the real v2 API. Each cluster's Prometheus sends its alerts here.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx
import yaml

from servers.sim.prometheus import PrometheusNotFoundError, free_port, log_tail

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


class AlertmanagerProcess:
    """One Alertmanager bound to 127.0.0.1 with its config and state under `storage_dir`."""

    def __init__(
        self, *, storage_dir: Path, port: int = 0, log_file: Path | None = None, config_yaml: str | None = None
    ) -> None:
        self.storage_dir = storage_dir
        self.config_yaml = config_yaml if config_yaml is not None else alertmanager_config()
        self.log_file = log_file or storage_dir / "alertmanager.log"
        self._requested_port = port
        self._port: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT` of the running server."""
        if self._port is None:
            raise RuntimeError("Alertmanager is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs."""
        return self._proc.pid if self._proc is not None else None

    def start(self, ready_timeout: float = 15.0) -> None:
        """Write the config, spawn Alertmanager and wait (bounded) until `GET /-/ready` is 200.

        Raises `RuntimeError` with the log tail if it exits or is not ready in time; with port 0 a busy
        port is retried with another free one.
        """
        binary = find_alertmanager()
        self.storage_dir.mkdir(parents=True, exist_ok=True)
        config = self.storage_dir / "alertmanager.yml"
        config.write_text(self.config_yaml)
        attempts = 3 if self._requested_port == 0 else 1
        for attempt in range(attempts):
            self._port = self._requested_port or free_port()
            self._log = self.log_file.open("ab")
            self._proc = subprocess.Popen(
                [
                    str(binary),
                    f"--config.file={config}",
                    f"--storage.path={self.storage_dir}",
                    f"--web.listen-address=127.0.0.1:{self._port}",
                    "--cluster.listen-address=",  # no HA gossip: one instance per cluster
                ],
                stdout=self._log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            try:
                self._wait_ready(ready_timeout)
                return
            except RuntimeError:
                log = log_tail(self.log_file)
                self.stop()
                if "address already in use" in log and attempt + 1 < attempts:
                    continue
                raise

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while True:
                if self._proc is None or self._proc.poll() is not None:
                    code = None if self._proc is None else self._proc.returncode
                    raise RuntimeError(f"Alertmanager exited (code {code}) during start:\n{log_tail(self.log_file)}")
                try:
                    if client.get(f"{self.url}/-/ready").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Alertmanager was not ready within {timeout}s:\n{log_tail(self.log_file)}")
                time.sleep(0.02)

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

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the server (kill it if it does not exit within `timeout`); idempotent."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> AlertmanagerProcess:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
