"""Run a real Prometheus server (and promtool backfills) as local processes.

`find_binaries()` locates `prometheus` and `promtool` on PATH; `backfill()` turns an OpenMetrics file into
TSDB blocks; `PrometheusProcess` writes a config (and rule files) into its data dir, starts Prometheus on
127.0.0.1 and waits for `/-/ready`. Used by the simulated fleet and by the test fixtures.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from servers.sim.daemon import LoopbackDaemon, free_port, log_tail

__all__ = ["PrometheusNotFoundError", "PrometheusProcess", "backfill", "find_binaries", "free_port", "log_tail"]

_INSTALL_HINT = (
    "Prometheus is not installed: `prometheus` and `promtool` must be on PATH. "
    "On Debian/Ubuntu: sudo apt-get install -y prometheus "
    "(or download from prometheus.io and put prometheus + promtool on PATH)."
)


class PrometheusNotFoundError(RuntimeError):
    """`prometheus` or `promtool` is not on PATH; the message says how to install them."""

    def __init__(self, missing: str = "prometheus") -> None:
        super().__init__(f"{missing} not found. {_INSTALL_HINT}")


def find_binaries() -> tuple[Path, Path]:
    """(prometheus, promtool) found on PATH; raises `PrometheusNotFoundError` if either is missing."""
    found = []
    for name in ("prometheus", "promtool"):
        path = shutil.which(name)
        if path is None:
            raise PrometheusNotFoundError(name)
        found.append(Path(path))
    return found[0], found[1]


def backfill(openmetrics_file: Path, data_dir: Path) -> None:
    """Create TSDB blocks in `data_dir` from `openmetrics_file` with promtool (before Prometheus starts).

    Raises `RuntimeError` with promtool's output when it rejects the file.
    """
    _, promtool = find_binaries()
    data_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [str(promtool), "tsdb", "create-blocks-from", "openmetrics", str(openmetrics_file), str(data_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"promtool could not backfill {openmetrics_file} (exit {proc.returncode}): "
            f"{proc.stderr.strip() or proc.stdout.strip()[-2000:]}"
        )


class PrometheusProcess(LoopbackDaemon):
    """One Prometheus server process bound to 127.0.0.1, with its config and rules in `data_dir`."""

    name = "Prometheus"

    def __init__(
        self,
        *,
        data_dir: Path,
        config_yaml: str,
        rule_files: dict[str, str] | None = None,
        port: int = 0,
        retention: str = "30d",
        log_file: Path | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.config_yaml = config_yaml
        self.rule_files = dict(rule_files or {})
        self.retention = retention
        super().__init__(log_file=log_file or data_dir / "prometheus.log", port=port)

    def start(self, ready_timeout: float = 30.0) -> None:
        """Write config and rules, spawn Prometheus and wait (bounded) until `GET /-/ready` is 200.

        Raises `RuntimeError` with the tail of Prometheus' log if it exits or is not ready in time.
        With port 0 a free port is picked, and picked again if another process grabbed it meanwhile.
        """
        find_binaries()  # the install hint, before anything is written
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "prometheus.yml"
        config.write_text(self.config_yaml)
        for name, text in self.rule_files.items():
            (self.data_dir / name).write_text(text)
        self._launch(ready_timeout)

    def _command(self, port: int) -> list[str]:
        prometheus, _ = find_binaries()
        return [
            str(prometheus),
            f"--config.file={self.data_dir / 'prometheus.yml'}",
            f"--storage.tsdb.path={self.data_dir}",
            f"--storage.tsdb.retention.time={self.retention}",
            f"--web.listen-address=127.0.0.1:{port}",
        ]
