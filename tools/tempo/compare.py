"""Compare slow and baseline traces of one service: which (service, span name) accounts for the difference.

Each sampled trace is reduced to a :class:`TraceProfile` of the subtree under the service's own span (the *anchor*:
the span the TraceQL query matched, else the longest span of that service and operation): the anchor's duration and,
per (service, span name), the summed self time and number of spans. :func:`contributions` then compares the mean
profile of the slow group with that of the baseline group. Self time excludes children, so the deltas point at the
spans that did the extra work (or waited on something untraced) rather than at every ancestor of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tools.tempo.results import Contributor
from tools.tempo.spantree import SpanTree
from tools.tempo.summary import ms

__all__ = [
    "Key",
    "TraceProfile",
    "anchor_span",
    "base_filter",
    "contributions",
    "duration_literal",
    "mean",
    "percentile",
    "profile",
]

Key = tuple[str, str]


@dataclass(frozen=True)
class TraceProfile:
    """One trace reduced to the anchor's duration and per-(service, span name) self time and span count."""

    cluster: str
    trace_id: str
    duration_ns: int
    self_ns: dict[Key, int]
    calls: dict[Key, int]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def base_filter(service: str, operation: str | None) -> str:
    """The TraceQL conditions selecting the service's spans (and the operation's, when given)."""
    conditions = [f"resource.service.name = {_quote(service)}"]
    if operation:
        conditions.append(f"name = {_quote(operation)}")
    return " && ".join(conditions)


def duration_literal(value_ms: float) -> str:
    """A TraceQL duration: ``500ms`` for whole milliseconds, microseconds otherwise."""
    if float(value_ms).is_integer():
        return f"{int(value_ms)}ms"
    return f"{round(value_ms * 1000)}us"


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) of ``values``, linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no values")
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean, ``None`` for no values."""
    return sum(values) / len(values) if values else None


def anchor_span(tree: SpanTree, service: str, operation: str | None, matched: Sequence[str] = ()) -> str | None:
    """The service's span the comparison is measured on: a matched span if present, else its longest span."""
    present = [m for m in matched if m in tree.spans]
    if present:
        return max(present, key=lambda i: tree.spans[i].duration_ns)
    candidates = [s for s in tree.spans.values() if s.service == service and (operation is None or s.name == operation)]
    if not candidates:
        return None
    return max(candidates, key=lambda s: (s.duration_ns, -s.start_ns)).span_id


def profile(
    tree: SpanTree,
    *,
    cluster: str,
    trace_id: str,
    service: str,
    operation: str | None,
    matched: Sequence[str] = (),
) -> TraceProfile | None:
    """The profile of the subtree under the anchor span, or ``None`` when the trace has no span of the service."""
    anchor = anchor_span(tree, service, operation, matched)
    if anchor is None:
        return None
    self_ns: dict[Key, int] = {}
    calls: dict[Key, int] = {}
    for span_id in tree.subtree(anchor):
        span = tree.spans[span_id]
        key = (span.service, span.name)
        self_ns[key] = self_ns.get(key, 0) + tree.self_ns[span_id]
        calls[key] = calls.get(key, 0) + 1
    return TraceProfile(cluster, trace_id, tree.spans[anchor].duration_ns, self_ns, calls)


def contributions(
    slow: Sequence[TraceProfile], baseline: Sequence[TraceProfile]
) -> tuple[list[Contributor], float | None, float | None]:
    """Every contributor ranked by mean self-time delta (largest first), and the mean anchor durations (ns)."""
    slow_mean = mean([p.duration_ns for p in slow])
    base_mean = mean([p.duration_ns for p in baseline])
    if slow_mean is None or base_mean is None:
        return [], slow_mean, base_mean
    latency_delta = slow_mean - base_mean
    keys = {k for p in (*slow, *baseline) for k in p.self_ns}
    ranked: list[tuple[float, Key, Contributor]] = []
    for key in keys:
        slow_self = sum(p.self_ns.get(key, 0) for p in slow) / len(slow)
        base_self = sum(p.self_ns.get(key, 0) for p in baseline) / len(baseline)
        delta = slow_self - base_self
        ranked.append(
            (
                delta,
                key,
                Contributor(
                    service=key[0],
                    span_name=key[1],
                    slow_self_ms=ms(slow_self),
                    baseline_self_ms=ms(base_self),
                    delta_ms=ms(delta),
                    share=round(delta / latency_delta, 3) if latency_delta > 0 else None,
                    slow_calls=round(sum(p.calls.get(key, 0) for p in slow) / len(slow), 2),
                    baseline_calls=round(sum(p.calls.get(key, 0) for p in baseline) / len(baseline), 2),
                ),
            )
        )
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return [c for _, _, c in ranked], slow_mean, base_mean
