"""A server binary run on 127.0.0.1 for the simulated fleet (Prometheus, Alertmanager).

:class:`LoopbackDaemon` owns what both need: a free port (picked again if another process grabbed it meanwhile),
the process and its log file, a bounded wait for ``GET /-/ready``, and an idempotent stop. Subclasses say how to
prepare their files and which command line to run.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import httpx

__all__ = ["LoopbackDaemon", "free_port", "log_tail"]


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


class LoopbackDaemon:
    """One server process bound to 127.0.0.1; `name` is used in error messages."""

    name = "server"

    def __init__(self, *, log_file: Path, port: int = 0) -> None:
        self.log_file = log_file
        self._requested_port = port
        self._port: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT` of the running server."""
        if self._port is None:
            raise RuntimeError(f"{self.name} is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs."""
        return self._proc.pid if self._proc is not None else None

    def _command(self, port: int) -> list[str]:
        """The command line that serves on `127.0.0.1:port`."""
        raise NotImplementedError

    def _launch(self, ready_timeout: float, poll_s: float = 0.05) -> None:
        """Spawn and wait until ready; with port 0 a busy port is retried with another free one.

        Raises `RuntimeError` with the tail of the log if the process exits or is not ready in time.
        """
        attempts = 3 if self._requested_port == 0 else 1
        for attempt in range(attempts):
            self._port = self._requested_port or free_port()
            self._log = self.log_file.open("ab")
            self._proc = subprocess.Popen(
                self._command(self._port), stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
            try:
                self._wait_ready(ready_timeout, poll_s)
                return
            except RuntimeError:
                log = log_tail(self.log_file)
                self.stop()
                if "address already in use" in log and attempt + 1 < attempts:
                    continue
                raise

    def _wait_ready(self, timeout: float, poll_s: float) -> None:
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while True:
                if self._proc is None or self._proc.poll() is not None:
                    code = None if self._proc is None else self._proc.returncode
                    raise RuntimeError(f"{self.name} exited (code {code}) during start:\n{log_tail(self.log_file)}")
                try:
                    if client.get(f"{self.url}/-/ready").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name} was not ready within {timeout}s:\n{log_tail(self.log_file)}")
                time.sleep(poll_s)

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

    def start(self, ready_timeout: float = 30.0) -> None:
        """Prepare files, spawn, and wait until ready (subclasses add their preparation)."""
        self._launch(ready_timeout)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
