"""``gpu_workloads`` and ``gpu_mig_layout``: which pod holds which GPU or MIG instance, and how much it uses it."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict

from tools.gpu import fields
from tools.gpu.collect import GpuKey, Row, gpu_key
from tools.gpu.context import CallContext, workload_of
from tools.gpu.results import GpuMigLayoutResult, GpuWorkload, GpuWorkloadsResult, MigGpu, MigInstance

__all__ = ["build_mig_layout", "build_workloads"]

WorkloadKey = tuple[str, str, str, str, str, str, str | None]  # cluster, node, gpu, GPU_I_ID, ns, pod, container


def _by_workload(rows: list[Row]) -> dict[WorkloadKey, float]:
    out: dict[WorkloadKey, float] = {}
    for row in rows:
        workload = workload_of(row.labels)
        if workload is None:
            continue
        cluster, node, gpu = gpu_key(row.cluster, row.labels)
        out[(cluster, node, gpu, row.labels.get("GPU_I_ID", ""), *workload)] = row.value
    return out


def _pct(ratio: float | None) -> float | None:
    return None if ratio is None else 100.0 * ratio


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


async def build_workloads(
    call: CallContext, *, idle_threshold_pct: float, namespace: str | None, limit: int, cap: int
) -> GpuWorkloadsResult:
    """Per-pod GPU use over the window; idle and shared GPUs first."""
    q, c = call.queries, call.collector
    peak, mean, gr, sm, fb = await asyncio.gather(
        c.instant(q.workload_util_peak()),
        c.instant(q.workload_util_mean()),
        c.instant(q.workload_gr_peak()),
        c.instant(q.workload_sm_peak()),
        c.instant(q.workload_fb_used()),
    )
    peaks, means, grs, fbs = _by_workload(peak), _by_workload(mean), _by_workload(gr), _by_workload(fb)
    sms = _by_workload(sm)
    keys = sorted(set(peaks) | set(grs) | set(fbs), key=lambda k: tuple(x or "" for x in k))
    if namespace is not None:
        keys = [k for k in keys if k[4] == namespace]
    sharing: dict[GpuKey, set[str]] = defaultdict(set)
    for k in keys:
        if not k[3]:
            sharing[(k[0], k[1], k[2])].add(f"{k[4]}/{k[5]}")
    workloads: list[GpuWorkload] = []
    for k in keys:
        util_peak, gr_peak, sm_peak = peaks.get(k), grs.get(k), sms.get(k)
        # Idle = every activity signal the GPU exports (utilisation, engine activity, SM activity) stayed low.
        activity = [v for v in (util_peak, _pct(gr_peak), _pct(sm_peak)) if v is not None]
        me = f"{k[4]}/{k[5]}"
        others = sorted(sharing[(k[0], k[1], k[2])] - {me}) if not k[3] else []
        workloads.append(
            GpuWorkload(
                cluster=k[0],
                node=k[1],
                gpu=k[2],
                mig_instance=k[3] or None,
                namespace=k[4],
                pod=k[5],
                container=k[6],
                util_mean_pct=_r(means.get(k)),
                util_peak_pct=_r(util_peak),
                gr_active_peak_pct=_r(_pct(gr_peak)),
                sm_active_peak_pct=_r(_pct(sm_peak)),
                fb_used_mib=None if fbs.get(k) is None else round(fbs[k]),
                idle=bool(activity) and max(activity) < idle_threshold_pct,
                shares_gpu_with=others or None,
            )
        )
    workloads.sort(key=lambda w: (not w.idle, not w.shares_gpu_with, -(w.util_peak_pct or 0.0)))
    if call.inventory and not workloads:
        call.collector.notes.append(
            f"No GPU workloads found: no DCGM series carries a pod label (searched {fields.GPU_UTIL}, "
            f"{fields.GR_ENGINE_ACTIVE}, {fields.FB_USED}). Is dcgm-exporter's pod mapping enabled?"
        )
    oversubscribed = sum(1 for pods in sharing.values() if len(pods) > 1)
    result = GpuWorkloadsResult(
        **call.envelope(),
        idle_threshold_pct=idle_threshold_pct,
        idle_allocated=sum(1 for w in workloads if w.idle),
        oversubscribed_gpus=oversubscribed,
    )
    call.finish(result, "workloads", workloads, limit, cap)
    return result


async def build_mig_layout(call: CallContext, *, limit: int, cap: int) -> GpuMigLayoutResult:
    """MIG instances per GPU with their profile, activity, memory and pod."""
    q, c = call.queries, call.collector
    instances, means, fb = await asyncio.gather(
        c.instant(q.mig_instances()), c.instant(q.mig_activity_mean()), c.instant(q.mig_fb_used())
    )

    def key_of(row: Row) -> tuple[str, str, str, str]:
        return (*gpu_key(row.cluster, row.labels), row.labels.get("GPU_I_ID", ""))

    mean_by, fb_by = {key_of(r): r.value for r in means}, {key_of(r): r.value for r in fb}
    per_gpu: dict[GpuKey, list[MigInstance]] = defaultdict(list)
    models: dict[GpuKey, str | None] = {}
    for row in instances:
        k = key_of(row)
        workload = workload_of(row.labels)
        per_gpu[k[:3]].append(
            MigInstance(
                gpu_instance_id=k[3],
                profile=row.labels.get("GPU_I_PROFILE"),
                gr_active_pct=_r(100.0 * row.value),
                gr_active_mean_pct=_r(100.0 * mean_by[k]) if k in mean_by else None,
                fb_used_mib=round(fb_by[k]) if k in fb_by else None,
                pod=f"{workload[0]}/{workload[1]}" if workload else None,
            )
        )
        models[k[:3]] = row.labels.get("modelName") or call.inventory.get(k[:3], {}).get("modelName")
    gpus = [
        MigGpu(
            cluster=k[0],
            node=k[1],
            gpu=k[2],
            model=models.get(k),
            profiles=dict(sorted(Counter(i.profile or "unknown" for i in items).items())),
            instances=sorted(items, key=lambda i: (len(i.gpu_instance_id), i.gpu_instance_id)),
        )
        for k, items in sorted(per_gpu.items())
    ]
    if call.inventory and not gpus:
        call.collector.notes.append(
            f'No MIG instances found (searched {fields.GR_ENGINE_ACTIVE}{{GPU_I_ID!=""}} on '
            f"{', '.join(call.collector.answered)}): no GPU runs in MIG mode, or profiling metrics are off."
        )
    result = GpuMigLayoutResult(**call.envelope())
    call.finish(result, "gpus", gpus, limit, cap)
    return result
