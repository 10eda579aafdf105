"""``gpu_health``: XID errors decoded, ECC and row remapping, throttling decoded, and heat, with start times."""

from __future__ import annotations

import asyncio
import math

from tools.gpu.collect import GpuKey, Series, gpu_key
from tools.gpu.context import CallContext, by_gpu
from tools.gpu.results import GpuFinding, GpuHealthResult
from tools.gpu.throttle import decode_throttle, is_throttled
from tools.gpu.xid import decode_xid
from tools.timespec import format_rfc3339

__all__ = ["build_health", "event_step"]

_SEVERITY = {"critical": 0, "warning": 1, "info": 2}
_KIND = {"xid": 0, "ecc": 1, "row_remap": 2, "thermal": 3, "throttle": 4}
_POINTS = 240


def event_step(window_s: float) -> float:
    """Resolution of the range queries that find start times: a multiple of 15 s, at most ~240 points."""
    return max(15.0, math.ceil(window_s / _POINTS / 15.0) * 15.0)


def _finding(key: GpuKey, **fields: object) -> GpuFinding:
    return GpuFinding.model_validate({"cluster": key[0], "node": key[1], "gpu": key[2], **fields})


def _start(call: CallContext, first_ts: float, step: float) -> dict[str, object]:
    before = first_ts <= call.start + step / 2
    return {"started": format_rfc3339(first_ts), "since_before_window": True if before else None}


def _xid_findings(call: CallContext, series: list[Series], step: float) -> list[GpuFinding]:
    out = []
    for s in series:
        key = gpu_key(s.cluster, s.labels)
        first: dict[int, float] = {}
        last: dict[int, float] = {}
        for ts, value in s.points:
            code = int(value)
            first.setdefault(code, ts)
            last[code] = ts
        for code, ts in first.items():
            info = decode_xid(code)
            summary = f"XID {code}: {info.meaning}; last seen {format_rfc3339(last[code])}."
            out.append(_finding(key, kind="xid", severity=info.severity, summary=summary, action=info.action,
                                xid=code, value=float(code), **_start(call, ts, step)))  # fmt: skip
    return out


def _throttle_findings(
    call: CallContext, series: list[Series], now_masks: dict[GpuKey, float], step: float
) -> list[GpuFinding]:
    out = []
    for s in series:
        key = gpu_key(s.cluster, s.labels)
        bad = [(ts, int(v)) for ts, v in s.points if is_throttled(int(v))]
        if not bad:
            continue
        current = int(now_masks.get(key, 0.0))
        mask = current if is_throttled(current) else bad[-1][1]
        reasons = [r for r in decode_throttle(mask) if r.is_problem]
        state = "throttled now" if is_throttled(current) else f"throttled until {format_rfc3339(bad[-1][0])}"
        summary = f"Clocks {state}: " + "; ".join(r.meaning for r in reasons) + f" (mask {mask:#x})."
        out.append(
            _finding(
                key,
                kind="throttle",
                severity="warning",
                summary=summary,
                action="Check cooling and power delivery; compare temperature and power with their limits.",
                reasons=[r.name for r in reasons],
                value=float(current),
                **_start(call, bad[0][0], step),
            )
        )
    return out


def _hot_findings(
    call: CallContext, series: list[Series], temps: dict[GpuKey, float], threshold: float, step: float
) -> list[GpuFinding]:
    out = []
    for s in series:
        if not s.points:
            continue
        key = gpu_key(s.cluster, s.labels)
        now = temps.get(key)
        peak = max(v for _, v in s.points)
        state = f"now {now:g} °C" if now is not None else "no reading now"
        summary = f"Temperature above {threshold:g} °C in the window (peak {peak:g} °C, {state})."
        severity = "critical" if peak >= threshold + 10 else "warning"
        out.append(_finding(key, kind="thermal", severity=severity, summary=summary, value=now,
                            action="Check airflow, fans and inlet temperature; expect thermal throttling.",
                            **_start(call, s.points[0][0], step)))  # fmt: skip
    return out


def _counter_findings(
    sbe: dict[GpuKey, float], dbe: dict[GpuKey, float], fail: dict[GpuKey, float], rows: dict[GpuKey, float]
) -> list[GpuFinding]:
    out = []
    for key, value in dbe.items():
        if value > 0:
            out.append(_finding(key, kind="ecc", severity="critical", value=value,
                                summary=f"{value:g} double-bit (uncorrectable) ECC errors since the driver loaded.",
                                action="Drain the GPU and reset it; open an RMA if DBEs repeat."))  # fmt: skip
    for key, value in sbe.items():
        if value > 0:
            out.append(_finding(key, kind="ecc", severity="info", value=value,
                                summary=f"{value:g} single-bit (corrected) ECC errors since the driver loaded.",
                                action="None unless the count climbs quickly (see XID 92)."))  # fmt: skip
    for key, value in fail.items():
        if value > 0:
            out.append(_finding(key, kind="row_remap", severity="critical", value=value,
                                summary="Row remapping failed: the GPU ran out of spare rows.",
                                action="Drain the GPU; it needs service (RMA)."))  # fmt: skip
    for key, value in rows.items():
        if value > 0:
            out.append(_finding(key, kind="row_remap", severity="warning", value=value,
                                summary=f"{value:g} rows remapped for uncorrectable errors.",
                                action="Reset the GPU when convenient so pending remaps take effect."))  # fmt: skip
    return out


async def build_health(call: CallContext, *, temp_threshold_c: float, limit: int, cap: int) -> GpuHealthResult:
    """Every health finding of the selected GPUs, most severe first."""
    q, c = call.queries, call.collector
    step = event_step(call.window_s)
    start = call.start
    (xid, throttle, hot), (masks, temps, sbe, dbe, fail, remapped) = await asyncio.gather(
        asyncio.gather(
            c.matrix(q.xid_events(), start=start, step=step),
            c.matrix(q.throttle_events(), start=start, step=step),
            c.matrix(q.hot_events(temp_threshold_c), start=start, step=step),
        ),
        asyncio.gather(
            c.instant(q.throttle_mask()),
            c.instant(q.temp()),
            c.instant(q.ecc_sbe()),
            c.instant(q.ecc_dbe()),
            c.instant(q.remap_failure()),
            c.instant(q.remapped_uncorrectable()),
        ),
    )
    now_temps = by_gpu(temps)
    findings = [
        *_xid_findings(call, xid, step),
        *_counter_findings(by_gpu(sbe), by_gpu(dbe), by_gpu(fail), by_gpu(remapped)),
        *_hot_findings(call, hot, now_temps, temp_threshold_c, step),
        *_throttle_findings(call, throttle, by_gpu(masks), step),
    ]
    findings.sort(key=lambda f: (_SEVERITY[f.severity], _KIND[f.kind], f.cluster, f.node, f.gpu, f.xid or 0))
    unhealthy = {(f.cluster, f.node, f.gpu) for f in findings if f.severity != "info"}
    result = GpuHealthResult(
        **call.envelope(),
        temp_threshold_c=temp_threshold_c,
        gpus_checked=len(call.inventory),
        healthy_gpus=sum(1 for k in call.inventory if k not in unhealthy),
    )
    call.finish(result, "findings", findings, limit, cap)
    return result
