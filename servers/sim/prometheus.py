"""Run a real Prometheus server (and promtool backfills) as local processes.

`find_binaries()` locates `prometheus` and `promtool` on PATH; `backfill()` turns an OpenMetrics file into
TSDB blocks; `PrometheusProcess` writes a config (and rule files) into its data dir, starts Prometheus on
127.0.0.1 and waits for `/-/ready`. Used by the simulated fleet and by the test fixtures.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx

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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def log_tail(path: Path, lines: int = 25) -> str:
    """The last `lines` lines of a process log (for error messages)."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class PrometheusProcess:
    """One Prometheus server process bound to 127.0.0.1, with its config and rules in `data_dir`."""

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
        self.log_file = log_file or data_dir / "prometheus.log"
        self._requested_port = port
        self._port: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT` of the running server."""
        if self._port is None:
            raise RuntimeError("Prometheus is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs."""
        return self._proc.pid if self._proc is not None else None

    def start(self, ready_timeout: float = 30.0) -> None:
        """Write config and rules, spawn Prometheus and wait (bounded) until `GET /-/ready` is 200.

        Raises `RuntimeError` with the tail of Prometheus' log if it exits or is not ready in time.
        With port 0 a free port is picked, and picked again if another process grabbed it meanwhile.
        """
        prometheus, _ = find_binaries()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self.data_dir / "prometheus.yml"
        config.write_text(self.config_yaml)
        for name, text in self.rule_files.items():
            (self.data_dir / name).write_text(text)
        attempts = 3 if self._requested_port == 0 else 1
        for attempt in range(attempts):
            self._port = self._requested_port or free_port()
            self._spawn(prometheus, config)
            try:
                self._wait_ready(ready_timeout)
                return
            except RuntimeError:
                log = log_tail(self.log_file)
                self.stop()
                if "address already in use" in log and attempt + 1 < attempts:
                    continue
                raise

    def _spawn(self, prometheus: Path, config: Path) -> None:
        self._log = self.log_file.open("ab")
        self._proc = subprocess.Popen(
            [
                str(prometheus),
                f"--config.file={config}",
                f"--storage.tsdb.path={self.data_dir}",
                f"--storage.tsdb.retention.time={self.retention}",
                f"--web.listen-address=127.0.0.1:{self._port}",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while True:
                if self._proc is None or self._proc.poll() is not None:
                    code = None if self._proc is None else self._proc.returncode
                    raise RuntimeError(f"Prometheus exited (code {code}) during start:\n{log_tail(self.log_file)}")
                try:
                    if client.get(f"{self.url}/-/ready").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Prometheus was not ready within {timeout}s:\n{log_tail(self.log_file)}")
                time.sleep(0.05)

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

    def __enter__(self) -> PrometheusProcess:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
