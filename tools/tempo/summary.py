"""Turn a :class:`~tools.tempo.spantree.SpanTree` into what ``traces_get`` shows: a summary, not the raw OTLP.

The summary names the critical path (each span's self time and its share of the end-to-end latency), the failed
spans (likely origins first), the spans with the most self time and per-service totals, each list capped so a
2,000-span trace still reads in about a thousand tokens. :func:`span_rows` is the full list behind the cursor.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.tempo.results import ErrorSpan, PathOperation, PathSpan, ServiceStat, SlowSpan, SpanRow, TraceResult
from tools.tempo.spantree import SpanTree, critical_path, critical_times
from tools.timespec import format_rfc3339

__all__ = ["SummaryLimits", "ms", "span_rows", "summarise"]


@dataclass(frozen=True)
class SummaryLimits:
    """How many items each list of the summary keeps."""

    path: int = 12
    operations: int = 8
    errors: int = 5
    slowest: int = 5
    services: int = 10


def ms(ns: int | float) -> float:
    """Nanoseconds as milliseconds: 0.1 ms resolution from 1 ms, three decimals below."""
    value = ns / 1e6
    return round(value, 1) if abs(value) >= 1 else round(value, 3)


def _errors_below(tree: SpanTree) -> set[str]:
    """Spans with a failed span somewhere below them."""
    flagged: set[str] = set()
    for span_id in reversed(tree.order):  # pre-order reversed: children before parents
        if any(tree.spans[c].error or c in flagged for c in tree.children.get(span_id, [])):
            flagged.add(span_id)
    return flagged


def summarise(
    tree: SpanTree, *, cluster: str, trace_id: str, limits: SummaryLimits = SummaryLimits()
) -> tuple[TraceResult, list[str]]:
    """The summary of ``tree`` (no paged spans) and notes on what was left out."""
    notes: list[str] = []
    if tree.root is None:
        return TraceResult(cluster=cluster, trace_id=trace_id, found=True), ["The trace has no spans."]
    root = tree.spans[tree.root]
    origin = tree.start_ns
    segments = critical_path(tree)
    critical = critical_times(segments)
    path_ids = list(critical)
    if len(path_ids) > limits.path:
        kept = _chains(tree, critical, limits.path)
        covered = sum(critical[i] for i in kept) / max(1, root.duration_ns)
        notes.append(
            f"The critical path has {len(path_ids)} spans; {len(kept)} are shown (those with the most critical time "
            f"and their ancestors: {covered:.0%} of the root's duration); critical_by_operation covers all of it."
        )
        path_ids = [i for i in path_ids if i in kept]
    path_ids.sort(key=lambda i: (tree.spans[i].start_ns, tree.depth.get(i, 0)))
    path = [
        PathSpan(
            service=tree.spans[i].service,
            name=tree.spans[i].name,
            span_id=i,
            depth=tree.depth.get(i, 0),
            start_ms=ms(tree.spans[i].start_ns - origin),
            duration_ms=ms(tree.spans[i].duration_ns),
            self_ms=ms(tree.self_ns[i]),
            critical_ms=ms(critical[i]),
            error=True if tree.spans[i].error else None,
        )
        for i in path_ids
    ]
    below = _errors_below(tree)
    failed = [i for i in tree.order if tree.spans[i].error]
    failed.sort(key=lambda i: (i in below, tree.spans[i].start_ns))
    errors = [
        ErrorSpan(
            service=tree.spans[i].service,
            name=tree.spans[i].name,
            span_id=i,
            message=tree.spans[i].message,
            duration_ms=ms(tree.spans[i].duration_ns),
            origin=i not in below,
        )
        for i in failed[: limits.errors]
    ]
    if len(failed) > limits.errors:
        notes.append(f"{len(failed)} spans failed; {limits.errors} shown (likely origins first).")
    slowest = sorted(tree.order, key=lambda i: (-tree.self_ns[i], tree.spans[i].start_ns))[: limits.slowest]
    services = _services(tree)
    if len(services) > limits.services:
        notes.append(f"{len(services)} services; the {limits.services} with the most self time are shown.")
    if tree.orphans:
        notes.append(
            f"{tree.orphans} spans name a parent missing from the trace (incomplete or still arriving); they are "
            "shown as extra roots outside the critical path."
        )
    result = TraceResult(
        cluster=cluster,
        trace_id=trace_id,
        found=True,
        root_service=root.service,
        root_name=root.name,
        start=format_rfc3339(root.start_ns / 1e9),
        duration_ms=ms(root.duration_ns),
        span_count=len(tree.spans),
        service_count=len(services),
        error_count=len(failed),
        max_depth=max(tree.depth.values(), default=0),
        critical_path_spans=len(critical),
        critical_path=path,
        critical_by_operation=_by_operation(tree, critical)[: limits.operations],
        errors=errors,
        slowest_spans=[
            SlowSpan(
                service=tree.spans[i].service,
                name=tree.spans[i].name,
                span_id=i,
                duration_ms=ms(tree.spans[i].duration_ns),
                self_ms=ms(tree.self_ns[i]),
            )
            for i in slowest
        ],
        services=services[: limits.services],
    )
    return result, notes


def _chains(tree: SpanTree, critical: dict[str, int], limit: int) -> set[str]:
    """``limit`` path spans: the most critical half, then their ancestors on the path (to read as a chain), then
    more of the most critical ones."""
    ranked = sorted(critical, key=lambda i: (-critical[i], i))
    kept = set(ranked[: max(1, (limit + 1) // 2)])
    ancestors: set[str] = set()
    for span_id in kept:
        parent = tree.spans[span_id].parent_id
        while parent is not None and parent in tree.spans:
            if parent in critical:
                ancestors.add(parent)
            parent = tree.spans[parent].parent_id
    for span_id in sorted(ancestors - kept, key=lambda i: (-critical[i], tree.depth.get(i, 0), i)):
        if len(kept) >= limit:
            break
        kept.add(span_id)
    for span_id in ranked:
        if len(kept) >= limit:
            break
        kept.add(span_id)
    return kept


def _by_operation(tree: SpanTree, critical: dict[str, int]) -> list[PathOperation]:
    totals: dict[tuple[str, str], list[int]] = {}
    for span_id, critical_ns in critical.items():
        span = tree.spans[span_id]
        entry = totals.setdefault((span.service, span.name), [0, 0])
        entry[0] += 1
        entry[1] += critical_ns
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1][1], kv[0]))
    return [PathOperation(service=s, name=n, spans=c, critical_ms=ms(t)) for (s, n), (c, t) in ranked]


def _services(tree: SpanTree) -> list[ServiceStat]:
    totals: dict[str, list[int]] = {}
    for span in tree.spans.values():
        entry = totals.setdefault(span.service, [0, 0, 0])
        entry[0] += 1
        entry[1] += span.error
        entry[2] += tree.self_ns[span.span_id]
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1][2], kv[0]))
    return [ServiceStat(service=s, spans=n, errors=e, self_ms=ms(t)) for s, (n, e, t) in ranked]


def span_rows(tree: SpanTree) -> list[SpanRow]:
    """Every span in depth-first order with its offset, duration, self time and failure."""
    origin = tree.start_ns
    return [
        SpanRow(
            span_id=i,
            parent_id=tree.spans[i].parent_id,
            depth=tree.depth.get(i, 0),
            service=tree.spans[i].service,
            name=tree.spans[i].name,
            kind=tree.spans[i].kind,
            start_ms=ms(tree.spans[i].start_ns - origin),
            duration_ms=ms(tree.spans[i].duration_ns),
            self_ms=ms(tree.self_ns[i]),
            error=True if tree.spans[i].error else None,
            message=tree.spans[i].message,
        )
        for i in tree.order
    ]
