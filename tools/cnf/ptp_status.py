"""``cnf_ptp_status``: PTP clock state, time in state, transitions, offsets and clock class from Prometheus.

Reads the unsummarised matrices of ``openshift_ptp_clock_state``, ``openshift_ptp_offset_ns``,
``openshift_ptp_clock_class`` and ``openshift_ptp_interface_role`` (linuxptp-daemon, see :mod:`tools.cnf.ptp`)
through :meth:`MetricsService.raw_range`, so every number is computed from the stored samples.
"""

from __future__ import annotations

import asyncio
import math
import time as clock
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tools.cnf.ptp import clock_class_meaning, decode_role, decode_state, offset_stats, state_changes
from tools.cnf.results import PtpOffset, PtpProcessStatus, PtpStatusResult, PtpTransition
from tools.contract import ClusterOutcome
from tools.paging import fill_page, fingerprint, read_cursor
from tools.prometheus import MetricsService
from tools.targets import BackendTarget
from tools.timespec import parse_time

__all__ = ["PTP_METRICS", "ptp_status"]

PTP_METRICS = (
    "openshift_ptp_clock_state",
    "openshift_ptp_offset_ns",
    "openshift_ptp_clock_class",
    "openshift_ptp_interface_role",
)
_Key = tuple[str, str, str, str]  # cluster, node, iface, process


def _rfc3339(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def _points(entry: dict[str, Any]) -> list[tuple[float, float]]:
    return [(float(t), float(v)) for t, v in entry.get("values", [])]


def _key(entry: dict[str, Any]) -> _Key:
    m = entry.get("metric", {})
    return (str(entry.get("cluster", "")), m.get("node", ""), m.get("iface", ""), m.get("process", ""))


def _selector(name: str, node: str | None) -> str:
    if not node:
        return name
    # The node pattern goes inside a PromQL string literal: escape what would end or break it.
    quoted = node.replace("\\", "\\\\").replace('"', '\\"')
    return f'{name}{{node=~"{quoted}"}}'


def _status(
    key: _Key,
    states: list[tuple[float, float]],
    offsets: list[tuple[float, float]] | None,
    clock_class: float | None,
    roles: dict[str, str],
    threshold_ns: float,
) -> PtpProcessStatus:
    changes = state_changes(states)
    last_t = states[-1][0]
    since = changes[-1].time if changes else None
    holdovers = [c.time for c in changes if c.to_state == "HOLDOVER"]
    stats = offset_stats(offsets, threshold_ns) if offsets else None
    cluster, node, iface, process = key
    return PtpProcessStatus(
        cluster=cluster,
        node=node,
        iface=iface,
        process=process,
        state=decode_state(states[-1][1]),
        state_since=_rfc3339(since) if since is not None else None,
        in_state_s=last_t - (since if since is not None else states[0][0]),
        transitions=[
            PtpTransition(time=_rfc3339(c.time), from_state=c.from_state, to_state=c.to_state) for c in changes
        ],
        holdover_entered_at=_rfc3339(holdovers[-1]) if holdovers else None,
        offset=None
        if stats is None
        else PtpOffset(
            samples=stats.samples,
            min_abs_ns=stats.min_abs_ns,
            max_abs_ns=stats.max_abs_ns,
            mean_abs_ns=round(stats.mean_abs_ns, 3),
            p95_abs_ns=round(stats.p95_abs_ns, 3),
            last_ns=stats.last_ns,
            out_of_bounds_share=round(stats.out_of_bounds_share, 4),
            first_out_of_bounds=_rfc3339(stats.first_out_of_bounds) if stats.first_out_of_bounds else None,
        ),
        offset_ok=None if stats is None else stats.out_of_bounds == 0,
        clock_class=int(clock_class) if clock_class is not None and math.isfinite(clock_class) else None,
        clock_class_meaning=clock_class_meaning(clock_class) if clock_class is not None else None,
        roles=roles,
    )


def _severity(p: PtpProcessStatus) -> int:
    return {"FREERUN": 0, "HOLDOVER": 1}.get(p.state, 3 if p.offset_ok is not False and not p.transitions else 2)


async def ptp_status(
    metrics: MetricsService,
    targets: Sequence[BackendTarget],
    *,
    start: str | float = "now-1h",
    end: str | float = "now",
    step: str | float | None = None,
    threshold_ns: float = 100.0,
    node: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
    cap: int = 12_000,
) -> PtpStatusResult:
    """PTP status of every (node, iface, process) seen in ``openshift_ptp_clock_state`` over the window.

    Paged by ``limit``/``cursor``; the window is resolved once and carried in the cursor, so later pages describe
    the same window as the first.
    """
    fp = fingerprint("cnf_ptp", s=start, e=end, st=step, th=threshold_ns, n=node, c=sorted(t.cluster for t in targets))
    page = read_cursor(cursor, fp)
    now = float(int(clock.time()))
    start_s = page.anchor.get("s") or parse_time(start, now=now, name="start")
    end_s = page.anchor.get("e") or parse_time(end, now=now, name="end")
    raws = await asyncio.gather(
        *(metrics.raw_range(targets, _selector(m, node), start=start_s, end=end_s, step=step) for m in PTP_METRICS)
    )
    by_name = dict(zip(PTP_METRICS, raws, strict=True))
    state_raw = by_name["openshift_ptp_clock_state"]
    offsets: dict[_Key, list[tuple[float, float]]] = {}
    for entry in by_name["openshift_ptp_offset_ns"]["series"]:
        offsets.setdefault(_key(entry), _points(entry))
    classes: dict[tuple[str, str, str], float] = {}
    for entry in by_name["openshift_ptp_clock_class"]["series"]:
        cluster, node_name, _, process = _key(entry)
        pts = _points(entry)
        if pts:
            classes[(cluster, node_name, process)] = pts[-1][1]
    roles: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for entry in by_name["openshift_ptp_interface_role"]["series"]:
        cluster, node_name, iface, _ = _key(entry)
        pts = _points(entry)
        if pts:
            roles[(cluster, node_name)][iface] = decode_role(pts[-1][1])
    items = []
    for entry in state_raw["series"]:
        key = _key(entry)
        pts = _points(entry)
        if not pts:
            continue
        cluster, node_name, _, process = key
        items.append(
            _status(
                key,
                pts,
                offsets.get(key),
                classes.get((cluster, node_name, process)),
                dict(roles.get((cluster, node_name), {})) if process == "ptp4l" else {},
                threshold_ns,
            )
        )
    items.sort(key=lambda p: (_severity(p), p.cluster, p.node, p.iface, p.process))
    notes = list(state_raw["notes"])
    if not items:
        asked = ", ".join(t.cluster for t in targets)
        notes.append(
            f"No openshift_ptp_clock_state series{f' for node=~{node!r}' if node else ''} on {asked} between "
            f"{state_raw['start']} and {state_raw['end']}: the PTP operator's linuxptp-daemon is not running or "
            "not scraped there (check metrics_list_targets for job ptp-monitor-service)."
        )
    if not by_name["openshift_ptp_clock_class"]["series"] and items:
        notes.append(
            "openshift_ptp_clock_class is not exported on these clusters (older PTP operator or no T-GM/T-BC)."
        )
    result = PtpStatusResult(
        clusters=[ClusterOutcome.model_validate(o) for o in state_raw["clusters"]],
        answered=list(state_raw["answered"]),
        notes=notes,
        start=state_raw["start"],
        end=state_raw["end"],
        step_s=float(state_raw["step_s"]),
        threshold_ns=threshold_ns,
    )
    fill_page(result, "processes", items, fp=fp, page=page, limit=limit, cap=cap, anchor={"s": start_s, "e": end_s})
    return result
