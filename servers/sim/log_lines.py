"""What the instrumented workloads log, line by line, as functions of time.

- payments-api (hub): one logfmt line per request (`charge completed` / `slow request` /
  `upstream timeout` with latency and trace id); the OOM-killed pod warns about memory pressure before each
  kill and logs its start-up lines when it comes back.
- storefront-web (hub): one line per request. vllm-granite (gpu-spoke): access lines and throughput.
- llama-ft (gpu-spoke): training steps; slower, with thermal-throttling warnings, once GPU 2 is hot.
- linuxptp-daemon (telco-edge): ptp4l/phc2sys servo lines with the offsets, frequencies and path delays
  of the metrics; tx-timestamp timeouts while the offset drifts fast; the LOCKED -> HOLDOVER transition.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime

from servers.sim.ids import unit
from servers.sim.incidents import Incidents
from servers.sim.model import ClusterModel
from servers.sim.requests import Request, request_sources, requests_between
from servers.sim.signals import Signal, stable_key

__all__ = ["Emit", "Entry", "glog_time", "iso_time", "periodic", "special_emitters"]

Entry = tuple[int, str]  # (Unix nanoseconds, line)
Emit = Callable[[float, float], list[Entry]]
_NS = 1_000_000_000
_DAY = 86400.0


def iso_time(t: float) -> str:
    """RFC 3339 with microseconds, UTC (`2026-03-02T11:59:58.123456Z`)."""
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def glog_time(t: float) -> str:
    """The klog/glog header time (`0302 11:59:58.123456`)."""
    return datetime.fromtimestamp(t, UTC).strftime("%m%d %H:%M:%S.%f")


def periodic(key: int, period_s: float, line: Callable[[int, float], str | None], jitter: float = 0.8) -> Emit:
    """Lines every `period_s` (each shifted by up to `jitter` periods); `line(slot, t)` may skip one."""

    def emit(t0: float, t1: float) -> list[Entry]:
        out = []
        for slot in range(math.floor(t0 / period_s) - 1, math.ceil(t1 / period_s) + 1):
            t = (slot + jitter * unit(key, slot)) * period_s
            if t0 <= t < t1 and (text := line(slot, t)) is not None:
                out.append((round(t * _NS), text))
        return out

    return emit


def _merge(*emits: Emit) -> Emit:
    def emit(t0: float, t1: float) -> list[Entry]:
        return sorted(e for em in emits for e in em(t0, t1))

    return emit


def _events(events: Callable[[float, float], list[tuple[float, str]]]) -> Emit:
    def emit(t0: float, t1: float) -> list[Entry]:
        return [(round(t * _NS), line) for t, line in events(t0, t1) if t0 <= t < t1]

    return emit


def _payments_line(r: Request) -> str:
    level, msg = {"ok": ("info", "charge completed"), "slow": ("warn", "slow request")}.get(
        r.outcome, ("error", "upstream timeout")
    )
    return f'level={level} msg="{msg}" route=/api/v1/charge latency_ms={r.latency_ms} trace_id={r.trace_id}'


def _storefront_line(r: Request) -> str:
    return (
        f'level=info msg="request completed" method=GET route=/products status=200 '
        f"latency_ms={r.latency_ms} trace_id={r.trace_id}"
    )


def _vllm_line(r: Request) -> str:
    port = 40000 + r.n % 20000
    return f'INFO:     10.131.0.30:{port} - "POST /v1/completions HTTP/1.1" 200 OK'


def _request_lines(model: ClusterModel, source_index: int, fmt: Callable[[Request], str]) -> Emit:
    src = request_sources(model)[source_index]

    def emit(t0: float, t1: float) -> list[Entry]:
        found = [(r.end_ns, fmt(r)) for r in requests_between(model, src, t0 - 3.0, t1)]
        return sorted(e for e in found if t0 * _NS <= e[0] < t1 * _NS)

    return emit


def _crashloop_lines(model: ClusterModel, version: str) -> Emit:
    inc = Incidents(model.anchor)
    key = stable_key("oom", model.seed, model.name)

    def events(t0: float, t1: float) -> list[tuple[float, str]]:
        out: list[tuple[float, str]] = []
        first = inc.restart_index(t0 - inc.restart_down_s - 60) or 0
        last = inc.restart_index(t1 + 60)
        for k in range(first, -1 if last is None else last + 1):
            kill = inc.restart_time(k)
            for i, before in enumerate((45.0, 25.0, 8.0)):
                heap = 900 + 40 * i + int(20 * unit(key, 3 * k + i))
                queued = 180 + 70 * i + int(50 * unit(key, -3 * k - i))
                line = f'level=warn msg="memory pressure" heap_inuse_mb={heap} limit_mb=1024 queued_requests={queued}'
                out.append((kill - before, line))
            back = kill + inc.restart_down_s
            out.append((back + 0.05, f'level=info msg="starting payments-api" version={version} go=go1.22.5'))
            out.append((back + 0.4, 'level=info msg="connected to database" host=payments-db.payments.svc pool=20'))
            out.append((back + 0.9, 'level=info msg="listening" addr=:8080'))
        return out

    return _events(events)


def _vllm_stats(model: ClusterModel) -> Emit:
    key = stable_key("vllm", model.seed)

    def line(slot: int, t: float) -> str:
        prompt, gen, kv = 300 + 250 * unit(key, slot), 60 + 50 * unit(key, -slot), 20 + 30 * unit(key, slot + 7)
        stamp = datetime.fromtimestamp(t, UTC).strftime("%m-%d %H:%M:%S")
        return (
            f"INFO {stamp} metrics.py:351] Avg prompt throughput: {prompt:.1f} tokens/s, "
            f"Avg generation throughput: {gen:.1f} tokens/s, Running: 2 reqs, Swapped: 0 reqs, Pending: 0 reqs, "
            f"GPU KV cache usage: {kv:.1f}%, CPU KV cache usage: 0.0%."
        )

    return periodic(key, 10.0, line, jitter=0.05)


def _training(model: ClusterModel, temp: Signal, clock: Signal) -> Emit:
    inc = Incidents(model.anchor)
    key = stable_key("train", model.seed)

    def line(slot: int, t: float) -> str:
        slow = min(1.0, max(0.0, (t - inc.gpu_throttle_start) / inc.gpu_throttle_s))
        tokens = int((14200 + 300 * unit(key, slot)) * (1 - 0.28 * slow))
        loss = 1.1 + 0.9 * math.exp(-(slot % 100_000) / 40_000) + 0.02 * unit(key, -slot)
        step = f"[rank0]: step={slot % 1_000_000} loss={loss:.4f} lr=2.0e-05 tokens_per_s={tokens}"
        if t >= inc.gpu_throttle_start and slot % 10 == 0:
            return (
                f"[rank2]: WARNING: GPU 2 clocks throttled: HW_THERMAL_SLOWDOWN, temperature {temp(t):.0f} C, "
                f"sm_clock {clock(t):.0f} MHz; {step}"
            )
        return step

    return periodic(key, 30.0, line, jitter=0.1)


def _ptp(model: ClusterModel, node: str, follower: bool) -> Emit:
    inc = Incidents(model.anchor)
    spec = next(n for n in model.spec.nodes if n.name == node)
    boot = model.anchor - spec.uptime_days * _DAY
    key = stable_key("ptp", model.seed, node)

    def sig(family: str, process: str) -> Signal:
        found = model.signal("ptp-monitor-service", node, family, process=process)
        assert found is not None, (family, process)
        return found

    procs = ("ptp4l", "phc2sys") if follower else ("ts2phc", "phc2sys")
    signals = {p: (sig("openshift_ptp_offset_ns", p), sig("openshift_ptp_frequency_adjustment_ns", p)) for p in procs}
    delays = {p: model.signal("ptp-monitor-service", node, "openshift_ptp_delay_ns", process=p) for p in procs}

    def line(slot: int, t: float) -> str:
        proc = procs[slot % 2]
        offset, freq = (int(s(t)) for s in signals[proc])
        delay = delays[proc]
        head = f"{proc}[{t - boot:.3f}]: [{'ts2phc' if proc == 'ts2phc' else 'ptp4l'}.0.config:5]"
        path = int(delay(t)) if delay is not None else 0
        if proc == "ptp4l":
            return f"{head} master offset {offset:10d} s2 freq {freq:+7d} path delay {path:9d}"
        if proc == "ts2phc":
            return f"{head} ens7f0 master offset {offset:10d} s2 freq {freq:+7d}"
        return f"{head} CLOCK_REALTIME phc offset {offset:9d} s2 freq {freq:+7d} delay {path:6d}"

    def events(t0: float, t1: float) -> list[tuple[float, str]]:
        if not follower:
            return []
        head = "ptp4l[{:.3f}]: [ptp4l.0.config:5]"
        out = []
        # While the offset drifts fast, the NIC intermittently fails to deliver tx timestamps.
        for m in range(math.ceil((inc.ptp_holdover - inc.ptp_drift_fast) / 60)):
            t = inc.ptp_drift_fast + 60 * m + 7.5
            mono = head.format(t - boot)
            out.append((t, f"{mono} timed out while polling for tx timestamp"))
            hint = "increasing tx_timestamp_timeout may correct this issue, but it is likely caused by a driver bug"
            out.append((t + 0.001, f"{mono} {hint}"))
        h = inc.ptp_holdover
        out.append((h, f"{head.format(h - boot)} port 1 (ens2f0): SLAVE to UNCALIBRATED on SYNCHRONIZATION_FAULT"))
        offset = int(signals["ptp4l"][0](h))
        state = f"ptp4l ens2fx clock state LOCKED -> HOLDOVER: offset {offset} ns outside [-100, 100] ns"
        out.append((h + 0.002, f"I{glog_time(h + 0.002)} 4127 daemon.go:1034] {state}, profile du-follower"))
        if model.spec.ptp_freerun:
            f = inc.ptp_freerun
            timeout = f"holdover timeout {inc.ptp_holdover_timeout_s:.0f}s expired"
            state = f"ptp4l ens2fx clock state HOLDOVER -> FREERUN: {timeout}, clock class 135 -> 248"
            out.append((f, f"I{glog_time(f)} 4127 daemon.go:1034] {state}, profile du-follower"))
        return [(t, text) for t, text in out if t0 <= t < t1]

    return _merge(periodic(key, 4.0, line, jitter=0.02), _events(events))


def special_emitters(model: ClusterModel) -> dict[tuple[str, str], Emit]:
    """The emitters of the instrumented containers, keyed by (pod, container); others log a heartbeat."""
    found: dict[tuple[str, str], Emit] = {}
    formats = {"payments-api": _payments_line, "storefront-web": _storefront_line, "vllm-granite": _vllm_line}
    for src in request_sources(model):
        emit = _request_lines(model, src.index, formats[src.service])
        if src.pod.incident == "crashloop":
            emit = _merge(emit, _crashloop_lines(model, src.version))
        if src.service == "vllm-granite":
            emit = _merge(emit, _vllm_stats(model))
        found[(src.pod.name, src.pod.containers[0].name)] = emit
    hot = next((g for g in model.spec.gpus if g.incident == "thermal"), None)
    if hot is not None and hot.pod is not None:
        labels = {"Hostname": hot.node, "gpu": str(hot.index)}
        temp = model.signal("nvidia-dcgm-exporter", hot.node, "DCGM_FI_DEV_GPU_TEMP", **labels)
        clock = model.signal("nvidia-dcgm-exporter", hot.node, "DCGM_FI_DEV_SM_CLOCK", **labels)
        assert temp is not None and clock is not None
        found[(hot.pod.name, hot.container)] = _training(model, temp, clock)
    for pod in model.spec.pods:
        if pod.owner_name == "linuxptp-daemon" and pod.node in model.spec.ptp_nodes:
            follower = model.spec.ptp_nodes[pod.node] == "follower"
            found[(pod.name, pod.containers[0].name)] = _ptp(model, pod.node, follower)
    return found
