"""Span-tree maths: parent/child structure, self time and the critical path of a trace.

*Self time* of a span is its duration minus the time covered by the union of its children (each clipped to the
span): the work the span did itself, or spent waiting on something it did not trace. The *critical path* is the
chain of work that determines the end-to-end latency: walking back from the end of the root span, the last child to
finish before the current point is on the path, recursively; the gaps between critical children are the parent's
own time. Every nanosecond of the root's duration is attributed to exactly one span, so the critical times of the
spans on the path add up to the root's duration (children are clipped to their parent first, as Jaeger does).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tools.tempo.otlp import Span

__all__ = ["Segment", "SpanTree", "build_tree", "critical_path", "critical_times", "union_ns"]


@dataclass(frozen=True, slots=True)
class Segment:
    """A slice ``[start_ns, end_ns)`` of the end-to-end latency attributed to one span."""

    span_id: str
    start_ns: int
    end_ns: int


@dataclass
class SpanTree:
    """The spans of one trace linked into a forest; ``root`` is the span the trace's latency is measured on."""

    spans: dict[str, Span]
    children: dict[str, list[str]]
    roots: list[str]
    root: str | None
    orphans: int
    depth: dict[str, int] = field(default_factory=dict)
    self_ns: dict[str, int] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    @property
    def start_ns(self) -> int:
        """Earliest span start."""
        return min((s.start_ns for s in self.spans.values()), default=0)

    @property
    def end_ns(self) -> int:
        """Latest span end."""
        return max((s.end_ns for s in self.spans.values()), default=0)

    def subtree(self, span_id: str) -> list[str]:
        """``span_id`` and every span below it, in depth-first order."""
        found, stack = [], [span_id]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(reversed(self.children.get(current, [])))
        return found


def union_ns(intervals: Iterable[tuple[int, int]]) -> int:
    """Total length covered by the union of ``[start, end)`` intervals."""
    total, reach = 0, None
    for start, end in sorted(intervals):
        if reach is None or start > reach:
            total += end - start
            reach = end
        elif end > reach:
            total += end - reach
            reach = end
    return total


def _self_time(span: Span, children: list[Span]) -> int:
    clipped = [(max(c.start_ns, span.start_ns), min(c.end_ns, span.end_ns)) for c in children]
    return span.duration_ns - union_ns((a, b) for a, b in clipped if b > a)


def build_tree(spans: list[Span]) -> SpanTree:
    """Link ``spans`` by parent id; spans whose parent is missing from the trace become extra roots (orphans)."""
    by_id = {s.span_id: s for s in spans}
    children: dict[str, list[str]] = {}
    roots: list[str] = []
    orphans = 0
    for span in spans:
        if span.parent_id and span.parent_id in by_id and span.parent_id != span.span_id:
            children.setdefault(span.parent_id, []).append(span.span_id)
        else:
            roots.append(span.span_id)
            orphans += span.parent_id is not None
    for kids in children.values():
        kids.sort(key=lambda i: (by_id[i].start_ns, i))
    depth: dict[str, int] = {}
    order: list[str] = []
    pending = sorted(roots, key=lambda i: (by_id[i].start_ns, i))
    while True:
        for root_id in pending:
            _walk(root_id, children, depth, order)
        unvisited = [s.span_id for s in spans if s.span_id not in depth]
        if not unvisited:
            break
        # A parent cycle (malformed data) is unreachable from any root: break it at its earliest span.
        first = min(unvisited, key=lambda i: (by_id[i].start_ns, i))
        parent = by_id[first].parent_id
        if parent is not None and first in children.get(parent, []):
            children[parent].remove(first)
        roots.append(first)
        pending = [first]
    true_roots = [r for r in roots if by_id[r].parent_id is None] or roots
    root = max(true_roots, key=lambda i: (by_id[i].duration_ns, -by_id[i].start_ns), default=None)
    roots = sorted(roots, key=lambda i: (i != root, by_id[i].start_ns, i))
    self_ns = {sid: _self_time(by_id[sid], [by_id[c] for c in children.get(sid, [])]) for sid in by_id}
    return SpanTree(by_id, children, roots, root, orphans, depth, self_ns, order)


def _walk(root_id: str, children: dict[str, list[str]], depth: dict[str, int], order: list[str]) -> None:
    stack = [(root_id, 0)]
    while stack:
        current, level = stack.pop()
        if current in depth:
            continue
        depth[current] = level
        order.append(current)
        stack.extend((c, level + 1) for c in reversed(children.get(current, [])))


def _clipped(tree: SpanTree, root_id: str) -> dict[str, tuple[int, int]]:
    """Each span of the root's subtree clipped to its (clipped) parent; spans entirely outside are left out."""
    root = tree.spans[root_id]
    bounds = {root_id: (root.start_ns, root.end_ns)}
    stack = [root_id]
    while stack:
        parent = stack.pop()
        low, high = bounds[parent]
        for child_id in tree.children.get(parent, []):
            child = tree.spans[child_id]
            start, end = max(child.start_ns, low), min(child.end_ns, high)
            if end >= start:  # overlaps or touches its parent; a child wholly outside it is no part of the latency
                bounds[child_id] = (start, end)
                stack.append(child_id)
    return bounds


def critical_path(tree: SpanTree, root_id: str | None = None) -> list[Segment]:
    """The critical path of the subtree under ``root_id`` (default: the trace root) as segments in time order."""
    top = root_id or tree.root
    if top is None:
        return []
    bounds = _clipped(tree, top)
    # Children of each span, latest-finishing first; a per-span pointer makes each child a candidate only once.
    ordered = {
        sid: sorted((c for c in tree.children.get(sid, []) if c in bounds), key=lambda c: -bounds[c][1])
        for sid in bounds
    }
    next_child = dict.fromkeys(bounds, 0)
    segments: list[Segment] = []
    span_id, cursor = top, bounds[top][1]
    while True:
        kids = ordered[span_id]
        index = next_child[span_id]
        while index < len(kids) and bounds[kids[index]][1] > cursor:
            index += 1  # ends after the cursor: overlapped by a later critical child, never on the path
        if index < len(kids):
            child = kids[index]
            next_child[span_id] = index + 1
            child_end = bounds[child][1]
            if child_end < cursor:
                segments.append(Segment(span_id, child_end, cursor))
            span_id, cursor = child, child_end
            continue
        next_child[span_id] = index
        start = bounds[span_id][0]
        if cursor > start:
            segments.append(Segment(span_id, start, cursor))
        if span_id == top:
            break
        parent = tree.spans[span_id].parent_id
        cursor = start
        span_id = parent if parent is not None and parent in bounds else top
    segments.reverse()
    return segments


def critical_times(segments: list[Segment]) -> dict[str, int]:
    """Nanoseconds of the critical path attributed to each span, in order of first appearance on the path."""
    totals: dict[str, int] = {}
    for segment in segments:
        totals[segment.span_id] = totals.get(segment.span_id, 0) + segment.end_ns - segment.start_ns
    return totals
