"""The container log streams of a simulated cluster, generated on request for the asked window only.

Every pod's container has one stream, labelled like a Kubernetes log collector labels it (`namespace`,
`pod`, `container`, `node`, `app`, `job`, `service_name`, `cluster`, `stream`). A stream's lines are a
pure function of (anchor, seed, t): request lines carry the trace ids of `requests.py`, the PTP daemon
prints the offsets the metrics show, the training job sees the hot GPU. See `log_lines.py` for the
per-workload line formats.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from servers.sim.ids import unit
from servers.sim.log_lines import Emit, Entry, glog_time, iso_time, periodic, special_emitters
from servers.sim.model import ClusterModel
from servers.sim.signals import stable_key
from servers.sim.topology import PodSpec

__all__ = ["Entry", "LogStream", "iter_entries", "log_streams"]

_CHUNK_S = 900.0  # windows are generated in chunks so a limit stops the work early


@dataclass(frozen=True)
class LogStream:
    """One container's log stream: its labels and the function emitting its lines in a window."""

    labels: tuple[tuple[str, str], ...]
    pod: PodSpec
    container: str
    emit: Emit

    def entries(self, t0: float, t1: float) -> list[Entry]:
        """The lines with t0 <= t < t1 (Unix seconds), oldest first."""
        return self.emit(t0, t1)


_GENERIC: dict[str, str] = {
    "etcd": '{{"level":"info","ts":"{iso}","caller":"mvcc/index.go:214","msg":"compact tree index","revision":{n}}}',
    "prometheus": 'ts={iso} caller=head.go:1339 level=info component=tsdb msg="Head GC completed" '
    "caller=truncateMemory duration={ms}ms",
    "alertmanager": 'ts={iso} caller=silence.go:442 level=info component=silences msg="Maintenance done" '
    "duration={ms}ms size=0",
    "router": 'I{glog} 1 router.go:669] template "msg"="router reloaded" "output"=" - Health check ok : 0 retry '
    'attempt(s).\\n"',
}
_DEFAULT = 'level=info ts={iso} msg="heartbeat" component={container} goroutines={g}'


def _generic(model: ClusterModel, pod: PodSpec, container: str) -> Emit:
    key = stable_key("log", model.seed, model.name, pod.name, container)
    template = _GENERIC.get(container, _DEFAULT)

    def line(slot: int, t: float) -> str:
        ms = 5 + int(40 * unit(key, -slot))
        g = 40 + int(30 * unit(key, slot))
        n = 9_000_000 + slot * 37 % 1_000_000
        return template.format(iso=iso_time(t), glog=glog_time(t), n=n, ms=ms, g=g, container=container)

    return periodic(key, 60.0, line)


def log_streams(model: ClusterModel) -> tuple[LogStream, ...]:
    """Every container log stream of `model`'s cluster."""
    special = special_emitters(model)
    streams = []
    for pod in model.spec.pods:
        for c in pod.containers:
            app = pod.app
            labels = {
                "cluster": model.name,
                "namespace": pod.namespace,
                "pod": pod.name,
                "container": c.name,
                "node": pod.node,
                "app": app,
                "job": f"{pod.namespace}/{app}",
                "service_name": app,
                "stream": "stdout",
            }
            emit = special.get((pod.name, c.name)) or _generic(model, pod, c.name)
            streams.append(LogStream(tuple(sorted(labels.items())), pod, c.name, emit))
    return tuple(streams)


def iter_entries(stream: LogStream, start: float, end: float, *, backward: bool) -> Iterator[Entry]:
    """The stream's lines in [start, end), newest first when `backward`, generated chunk by chunk."""
    if backward:
        hi = end
        while hi > start:
            lo = max(start, hi - _CHUNK_S)
            yield from reversed(stream.entries(lo, hi))
            hi = lo
    else:
        lo = start
        while lo < end:
            hi = min(end, lo + _CHUNK_S)
            yield from stream.entries(lo, hi)
            lo = hi
