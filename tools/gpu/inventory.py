"""``gpu_fleet_summary`` and ``gpu_list_nodes``: what GPUs exist, who holds them, how busy and hot they are."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict

from tools.gpu import fields
from tools.gpu.collect import GpuKey, Row, gpu_key
from tools.gpu.context import CallContext, by_gpu, workload_of
from tools.gpu.results import GpuClusterTotals, GpuFleetSummaryResult, GpuNodesResult, GpuNodeSummary, GpuStatus
from tools.gpu.throttle import is_throttled

__all__ = ["build_fleet_summary", "build_node_list"]


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _pods(rows: list[Row]) -> dict[GpuKey, set[str]]:
    pods: dict[GpuKey, set[str]] = defaultdict(set)
    for row in rows:
        workload = workload_of(row.labels)
        if workload is not None:
            pods[gpu_key(row.cluster, row.labels)].add(f"{workload[0]}/{workload[1]}")
    return pods


async def build_fleet_summary(
    call: CallContext, *, idle_threshold_pct: float, temp_threshold_c: float, limit: int, cap: int
) -> GpuFleetSummaryResult:
    """Per-cluster totals and per-node rows over the call's window."""
    q, c = call.queries, call.collector
    (mean, peak, activity), (used_mib, free_mib, power, xid, mask, temp, presence, ksm) = await asyncio.gather(
        asyncio.gather(c.instant(q.util_mean()), c.instant(q.util_peak()), c.instant(q.activity_peak())),
        asyncio.gather(
            c.instant(q.fb_used()),
            c.instant(q.fb_free()),
            c.instant(q.power()),
            c.instant(q.xid_over()),
            c.instant(q.throttle_mask()),
            c.instant(q.temp()),
            c.instant(q.workload_presence()),
            c.instant(q.ksm_gpu_requests(), optional=True),
        ),
    )
    # Busy = GPU_UTIL or engine activity (the only signal of a MIG GPU) reached the threshold at some point.
    util_peaks, activity_peaks = by_gpu(peak), by_gpu(activity)
    peaks = {k: max(util_peaks.get(k, 0.0), activity_peaks.get(k, 0.0)) for k in {*util_peaks, *activity_peaks}}
    means, used, free, watts = by_gpu(mean), by_gpu(used_mib), by_gpu(free_mib), by_gpu(power)
    xids, masks, temps, pods = by_gpu(xid), by_gpu(mask), by_gpu(temp), _pods(presence)
    requested = {(r.cluster, r.labels.get("node", "")): r.value for r in ksm}
    nodes: dict[tuple[str, str], list[GpuKey]] = defaultdict(list)
    for key in call.inventory:
        nodes[(key[0], key[1])].append(key)

    node_rows: list[GpuNodeSummary] = []
    totals: dict[str, GpuClusterTotals] = {}
    cluster_means: dict[str, list[float]] = defaultdict(list)
    for (cluster, node), keys in sorted(nodes.items()):
        labelled = [k for k in keys if pods.get(k)]
        allocated = max(len(labelled), int(requested.get((cluster, node), 0)))
        used_n = sum(1 for k in keys if peaks.get(k, 0.0) >= idle_threshold_pct)
        node_means = [means[k] for k in keys if k in means]
        node_peaks = [util_peaks[k] for k in keys if k in util_peaks]
        fb_used = sum(used.get(k, 0.0) for k in keys)
        fb_total = fb_used + sum(free.get(k, 0.0) for k in keys)
        node_power = sum(watts.get(k, 0.0) for k in keys)
        models = sorted({call.inventory[k].get("modelName", "unknown") for k in keys})
        node_rows.append(
            GpuNodeSummary(
                cluster=cluster,
                node=node,
                models=models,
                gpus=len(keys),
                allocated=allocated,
                used=used_n,
                util_mean_pct=_r(sum(node_means) / len(node_means)) if node_means else None,
                util_peak_pct=_r(max(node_peaks)) if node_peaks else None,
                fb_used_mib=round(fb_used),
                fb_total_mib=round(fb_total),
                power_w=round(node_power, 1),
            )
        )
        cluster_means[cluster] += node_means
        t = totals.get(cluster) or GpuClusterTotals(
            cluster=cluster, nodes=0, gpus=0, models={}, allocated=0, used=0, idle_allocated=0,
            fb_used_mib=0, fb_total_mib=0, power_w=0, xid_gpus=0, throttled_gpus=0, hot_gpus=0,
        )  # fmt: skip
        t.nodes += 1
        t.gpus += len(keys)
        t.models = dict(Counter(t.models) + Counter(call.inventory[k].get("modelName", "unknown") for k in keys))
        t.allocated += allocated
        t.used += used_n
        t.idle_allocated += sum(1 for k in labelled if peaks.get(k, 0.0) < idle_threshold_pct)
        t.fb_used_mib += round(fb_used)
        t.fb_total_mib += round(fb_total)
        t.power_w = round(t.power_w + node_power, 1)
        t.xid_gpus += sum(1 for k in keys if xids.get(k, 0.0) > 0)
        t.throttled_gpus += sum(1 for k in keys if is_throttled(int(masks.get(k, 0.0))))
        t.hot_gpus += sum(1 for k in keys if temps.get(k, 0.0) > temp_threshold_c)
        if node_peaks:
            t.util_peak_pct = _r(max(t.util_peak_pct or 0.0, *node_peaks))
        totals[cluster] = t
    for cluster, values in cluster_means.items():
        if values:
            totals[cluster].util_mean_pct = _r(sum(values) / len(values))
    node_rows.sort(key=lambda n: (-(n.util_mean_pct or 0.0), n.cluster, n.node))
    result = GpuFleetSummaryResult(
        **call.envelope(),
        idle_threshold_pct=idle_threshold_pct,
        temp_threshold_c=temp_threshold_c,
        per_cluster=[totals[c] for c in sorted(totals)],
    )
    call.finish(result, "nodes", node_rows, limit, cap)
    return result


_MB = 1e6
# (field, query kind, scale): the profiling and link fields of gpu_list_nodes; each may be absent from a cluster.
_EXTRA = (
    ("gr_active_pct", fields.GR_ENGINE_ACTIVE, "ratio"),
    ("sm_active_pct", fields.SM_ACTIVE, "ratio"),
    ("dram_active_pct", fields.DRAM_ACTIVE, "ratio"),
    ("pcie_tx_mb_s", fields.PCIE_TX_BYTES, "rate"),
    ("pcie_rx_mb_s", fields.PCIE_RX_BYTES, "rate"),
    ("nvlink_tx_mb_s", fields.NVLINK_TX_BYTES, "rate"),
    ("nvlink_rx_mb_s", fields.NVLINK_RX_BYTES, "rate"),
)


async def _extras(call: CallContext) -> dict[str, dict[GpuKey, float]]:
    """Profiling ratios (%), byte rates (MB/s), memory clock and PCIe replays per GPU; absent fields give ``{}``."""
    q, c = call.queries, call.collector
    queries = [q.ratio_pct(m) if kind == "ratio" else q.bytes_rate(m) for _, m, kind in _EXTRA]
    rows = await asyncio.gather(*(c.instant(x) for x in (*queries, q.mem_clock(), q.pcie_replays())))
    names = [name for name, _, _ in _EXTRA] + ["mem_clock_mhz", "pcie_replays"]
    out = {name: by_gpu(r) for name, r in zip(names, rows, strict=True)}
    for name, _, kind in _EXTRA:
        if kind == "rate":
            out[name] = {k: v / _MB for k, v in out[name].items()}
    return out


def _note_missing(call: CallContext, extras: dict[str, dict[GpuKey, float]], listed: list[GpuKey]) -> None:
    """Name the profiling fields none of the listed GPUs exports, so an empty column is never a mystery."""
    missing = [metric for name, metric, _ in _EXTRA if not any(k in extras[name] for k in listed)]
    if listed and missing:
        call.collector.notes.append(
            f"Not exported for the GPUs listed (fields left empty): {', '.join(missing)}. Profiling fields need "
            "dcgm-exporter's dcp-metrics-included.csv counters (or equivalent) and a GPU that supports them; "
            "NVLink fields exist only on NVLink-connected GPUs."
        )


async def build_node_list(call: CallContext, *, node: str | None, limit: int, cap: int) -> GpuNodesResult:
    """Current state of every GPU (optionally of one node)."""
    q, c = call.queries, call.collector
    (util, used, free, temp, mtemp, power, limit_w, clock, mig, presence), extras = await asyncio.gather(
        asyncio.gather(
            c.instant(q.util()),
            c.instant(q.fb_used()),
            c.instant(q.fb_free()),
            c.instant(q.temp()),
            c.instant(q.memory_temp()),
            c.instant(q.power()),
            c.instant(q.power_limit()),
            c.instant(q.sm_clock()),
            c.instant(q.mig_instances()),
            c.instant(q.workload_presence()),
        ),
        _extras(call),
    )
    maps = [by_gpu(rows) for rows in (util, used, free, temp, mtemp, power, limit_w, clock)]
    pods = _pods(presence)
    migs: dict[GpuKey, list[str]] = defaultdict(list)
    for row in mig:
        migs[gpu_key(row.cluster, row.labels)].append(
            f"{row.labels['GPU_I_ID']}:{row.labels.get('GPU_I_PROFILE', '?')}"
        )
    gpus: list[GpuStatus] = []
    for key, labels in sorted(call.inventory.items()):
        if node is not None and key[1] != node:
            continue
        u, fu, ff, t, mt, p, pl, sm = (m.get(key) for m in maps)
        gpus.append(
            GpuStatus(
                cluster=key[0],
                node=key[1],
                gpu=key[2],
                model=labels.get("modelName"),
                uuid=labels.get("UUID"),
                util_pct=_r(u),
                fb_used_mib=_r(fu, 0),
                fb_free_mib=_r(ff, 0),
                temp_c=_r(t),
                memory_temp_c=_r(mt),
                power_w=_r(p),
                power_limit_w=_r(pl),
                power_pct_of_limit=_r(100.0 * p / pl) if p is not None and pl else None,
                sm_clock_mhz=_r(sm, 0),
                mig_instances=sorted(migs[key]) if key in migs else None,
                pods=sorted(pods[key]) if pods.get(key) else None,
                **{name: _r(values.get(key)) for name, values in extras.items()},
            )
        )
    _note_missing(call, extras, [(g.cluster, g.node, g.gpu) for g in gpus])
    if node is not None and not gpus and call.inventory:
        call.collector.notes.append(
            f"No GPU telemetry for node {node!r}; nodes with GPUs: "
            + ", ".join(sorted({k[1] for k in call.inventory})[:20])
        )
    result = GpuNodesResult(**call.envelope())
    call.finish(result, "gpus", gpus, limit, cap)
    return result
