"""``logs_patterns``: the top log templates per group and the templates that burst against a baseline window.

Per cluster, Loki is asked for the newest ``sample_limit + 1`` lines of the window and of the baseline (by default
the preceding window of equal length). When a sample is capped, counts cover only the sampled span (from the
oldest sampled line to the window's end) and rates are computed over that span, so bursts stay comparable; the
answer says so. Lines are grouped per cluster and namespace (or per stream) and mined with drain3
(:class:`~tools.loki.patterns.PatternMiner`). A template bursts when it has at least ``min_count`` window lines and
its rate is ``burst_ratio`` times the baseline rate, or when it is new (absent from a baseline that had lines).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from tools.errors import BackendError, ToolInputError
from tools.gather import collect
from tools.loki.context import LokiContext
from tools.loki.guardrails import NS, Window, check_limit, check_query, fetch_limit, is_log_query, plan_window
from tools.loki.patterns import PatternMiner, TemplateCount
from tools.loki.query import Entry, stream_entries
from tools.loki.results import Burst, PatternGroup, PatternsResult, PatternTemplate
from tools.redaction import redact_line
from tools.sizecap import CapPlan, fit_to_cap
from tools.targets import BackendTarget
from tools.timespec import format_rfc3339

__all__ = ["NAMESPACE_LABELS", "GroupBy", "run_patterns"]

GroupBy = Literal["namespace", "stream"]
# Namespace label names of Loki promtail/alloy setups, OpenShift Logging (ViaQ) and OpenTelemetry.
NAMESPACE_LABELS = ("namespace", "kubernetes_namespace_name", "k8s_namespace_name", "namespace_name")


@dataclass
class Sample:
    """The sampled lines of one window on one cluster and the span (seconds) they cover."""

    entries: list[Entry]
    span_s: float
    capped: bool


@dataclass
class _Group:
    cluster: str
    namespace: str | None
    labels: dict[str, str] | None
    window: list[Entry] = field(default_factory=list)
    baseline: list[Entry] = field(default_factory=list)


def _sample(entries: list[Entry], window: Window, size: int, asked: int) -> Sample:
    """The newest ``size`` entries and the span they cover (the whole window unless Loki had more lines)."""
    entries.sort(key=lambda e: e.ts, reverse=True)
    capped = len(entries) >= asked
    kept = entries[:size]
    if capped and kept:
        return Sample(kept, max((window.end_ns - kept[-1].ts) / NS, 1.0), True)
    return Sample(kept, window.seconds, False)


def _namespace(labels: tuple[tuple[str, str], ...]) -> str | None:
    found = dict(labels)
    return next((found[name] for name in NAMESPACE_LABELS if name in found), None)


def _group(samples: list[tuple[str, Sample, Sample | None]], group_by: GroupBy) -> list[_Group]:
    """Entries of every cluster split into groups (cluster + namespace, or cluster + stream), largest first."""
    groups: dict[tuple[str, object], _Group] = {}
    by_stream: dict[tuple[str, tuple[tuple[str, str], ...]], _Group] = {}  # every entry of a stream: one lookup
    for cluster, window_sample, baseline_sample in samples:
        for entries, is_baseline in (
            (window_sample.entries, False),
            (baseline_sample.entries if baseline_sample else [], True),
        ):
            for entry in entries:
                group = by_stream.get((cluster, entry.labels))
                if group is None:
                    namespace = _namespace(entry.labels)
                    key = (cluster, entry.labels if group_by == "stream" else namespace)
                    group = groups.get(key)
                    if group is None:
                        labels = dict(entry.labels) if group_by == "stream" else None
                        group = groups[key] = _Group(cluster, namespace, labels)
                    by_stream[(cluster, entry.labels)] = group
                (group.baseline if is_baseline else group.window).append(entry)
    return sorted(groups.values(), key=lambda g: (-len(g.window), g.cluster, g.namespace or ""))


def _time(ns: int | None) -> str | None:
    return format_rfc3339(ns / NS) if ns is not None else None


def _burst(
    group: _Group, t: TemplateCount, spans: tuple[float, float], min_count: int, ratio_min: float
) -> Burst | None:
    if t.count < min_count:
        return None
    rate = t.count / spans[0] * 60
    base_rate = t.baseline_count / spans[1] * 60
    ratio = rate / base_rate if base_rate > 0 else None
    if ratio is not None and ratio < ratio_min:
        return None
    return Burst(
        cluster=group.cluster,
        namespace=group.namespace,
        labels=group.labels,
        template=t.template,
        count=t.count,
        baseline_count=t.baseline_count,
        rate_per_min=float(f"{rate:.4g}"),
        baseline_rate_per_min=float(f"{base_rate:.4g}"),
        ratio=float(f"{ratio:.3g}") if ratio is not None else None,
        new=ratio is None,
        example=redact_line(t.example)[0],
    )


async def run_patterns(
    ctx: LokiContext,
    targets: Sequence[BackendTarget],
    logql: str,
    *,
    start: str | float | None = None,
    end: str | float | None = None,
    baseline: Literal["previous", "none"] = "previous",
    group_by: GroupBy = "namespace",
    top_k: int = 10,
    sample_limit: int | None = None,
    min_count: int = 10,
    burst_ratio: float = 3.0,
    tenant: str | None = None,
) -> PatternsResult:
    """Mine templates of ``logql``'s lines on every target; see the module docstring."""
    limits = ctx.limits
    check_query(logql)
    if not is_log_query(logql):
        raise ToolInputError(
            "logs_patterns mines log lines: this is a metric query.",
            hint='Pass a log query: a stream selector with optional filters, e.g. {namespace="payments"} |= "error".',
        )
    size = limits.pattern_sample_default if sample_limit is None else sample_limit
    check_limit(size, limits.pattern_sample_max, name="sample_limit")
    if not (math.isfinite(burst_ratio) and burst_ratio > 1):
        raise ToolInputError(f"burst_ratio must be above 1, got {burst_ratio}.", hint="3 means 'three times as often'.")
    window = plan_window(
        start, end, now=ctx.clock(), default_range_s=limits.default_range_s, max_range_s=limits.max_range_s
    )
    base = window.preceding() if baseline == "previous" else None
    asked = fetch_limit(size)

    async def fetch(target: BackendTarget, span: Window) -> Sample:
        data = await ctx.client(target, tenant).query_range(
            logql, start_ns=span.start_ns, end_ns=span.end_ns, limit=asked, time_range=span.describe()
        )
        if data.result_type != "streams":
            raise BackendError(
                f"Loki answered a log query with {data.result_type}", backend="loki", cluster=target.cluster
            )
        return _sample(stream_entries(target.cluster, data.result), span, size, asked)

    async def call(target: BackendTarget) -> tuple[Sample, Sample | None]:
        if base is None:
            return await fetch(target, window), None
        current, previous = await asyncio.gather(fetch(target, window), fetch(target, base))
        return current, previous

    collected = await collect(
        targets,
        call,
        backend="loki",
        timeout=limits.cluster_timeout_s,
        concurrency=limits.concurrency,
        query=logql,
        time_range=window.describe(),
    )
    samples = [(cluster, current, previous) for cluster, (current, previous) in collected.values]
    result = PatternsResult(
        clusters=collected.outcomes,
        answered=collected.answered,
        notes=list(collected.notes),
        query=logql,
        start=format_rfc3339(window.start_ns / NS),
        end=format_rfc3339(window.end_ns / NS),
        baseline_start=format_rfc3339(base.start_ns / NS) if base else None,
        baseline_end=format_rfc3339(base.end_ns / NS) if base else None,
        tenant=tenant,
        lines_sampled=sum(len(current.entries) for _, current, _ in samples),
    )
    _mine(result, samples, group_by, top_k, min_count, burst_ratio, has_baseline=base is not None)
    _sampling_notes(result, samples, size, window, logql, tenant)
    fit_to_cap(
        result, limits.response_max_bytes, CapPlan("groups", details=(_drop_one_template,), protected={"bursts"})
    )
    return result


def _mine(
    result: PatternsResult,
    samples: list[tuple[str, Sample, Sample | None]],
    group_by: GroupBy,
    top_k: int,
    min_count: int,
    burst_ratio: float,
    *,
    has_baseline: bool,
) -> None:
    spans = {cluster: (current.span_s, previous.span_s if previous else 0.0) for cluster, current, previous in samples}
    bursts: list[Burst] = []
    no_baseline: list[str] = []
    for group in _group(samples, group_by):
        miner = PatternMiner()
        miner.add([e.line for e in group.window], [e.ts for e in group.window])
        miner.add([e.line for e in group.baseline], [e.ts for e in group.baseline], baseline=True)
        templates = [t for t in miner.templates() if t.count > 0]
        listed = templates[:top_k]
        result.truncated = result.truncated or len(templates) > top_k
        result.groups.append(
            PatternGroup(
                cluster=group.cluster,
                namespace=group.namespace,
                labels=group.labels,
                lines=len(group.window),
                baseline_lines=len(group.baseline) if has_baseline else None,
                templates=[_template(t, len(group.window), has_baseline) for t in listed],
                more_templates=len(templates) - len(listed) or None,
            )
        )
        if not has_baseline or not group.window:
            continue
        if not group.baseline:
            no_baseline.append(f"{group.cluster}/{group.namespace or '-'}")
            continue
        found = (_burst(group, t, spans[group.cluster], min_count, burst_ratio) for t in templates)
        bursts.extend(b for b in found if b is not None)
    result.total = result.returned = len(result.groups)
    bursts.sort(key=lambda b: (not b.new, -(b.ratio or 0.0), -b.count))
    result.bursts = bursts[:top_k]
    if no_baseline:
        result.notes.append(
            f"No baseline lines for {', '.join(no_baseline[:10])}: bursts are not computed there (every template "
            "would look new)."
        )


def _template(t: TemplateCount, group_lines: int, has_baseline: bool) -> PatternTemplate:
    return PatternTemplate(
        template=t.template,
        count=t.count,
        share=round(100 * t.count / max(group_lines, 1), 1),
        baseline_count=t.baseline_count if has_baseline else None,
        first_seen=_time(t.first_ns),
        last_seen=_time(t.last_ns),
        example=redact_line(t.example)[0],
    )


def _sampling_notes(
    result: PatternsResult,
    samples: list[tuple[str, Sample, Sample | None]],
    size: int,
    window: Window,
    logql: str,
    tenant: str | None,
) -> None:
    capped = [c for c, current, previous in samples if current.capped or (previous is not None and previous.capped)]
    if capped:
        result.notes.append(
            f"Sample capped at the newest {size} lines per window on {', '.join(capped)}: counts cover only the "
            "sampled span and rates are per minute over it. Narrow the query or raise sample_size (max 5000)."
        )
    if not result.lines_sampled:
        where = f"{', '.join(result.answered)}{f' (tenant {tenant})' if tenant else ''}"
        result.notes.append(f"No log lines matched {logql!r} over {window.describe()} on {where}.")
    if result.truncated:
        result.notes.append("Groups list their top_k templates only (more_templates says how many were left out).")


def _drop_one_template(result: PatternsResult) -> bool:
    """Shrink step for the size cap: drop the least frequent listed template of the last group that has two."""
    for group in reversed(result.groups):
        if len(group.templates) > 1:
            group.templates.pop()
            group.more_templates = (group.more_templates or 0) + 1
            result.truncated = True
            return True
    return False
