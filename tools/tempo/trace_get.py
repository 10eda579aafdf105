"""``traces_get``: one trace of one cluster as a summarised span tree, plus its full span list by page or resource.

A trace id the cluster's Tempo does not know (HTTP 404, or an empty trace) is a *success* with ``found=false`` and a
note saying which cluster was asked and what to try: like "no data", it is an answer, not a failure.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tools.contract import to_payload
from tools.errors import ToolInputError
from tools.paging import fingerprint, make_cursor, read_cursor
from tools.sizecap import CapPlan, fit_to_cap
from tools.targets import BackendTarget
from tools.tempo.context import TracesContext
from tools.tempo.otlp import parse_trace
from tools.tempo.results import TraceResult
from tools.tempo.spantree import SpanTree, build_tree
from tools.tempo.summary import SummaryLimits, span_rows, summarise

__all__ = ["TRACE_RESOURCE_PREFIX", "check_trace_id", "run_get_trace", "run_trace_spans", "trace_resource_uri"]

TRACE_RESOURCE_PREFIX = "traces://trace/"
_TRACE_ID = re.compile(r"^[0-9a-f]{1,32}$")
_PAGE = 50


def check_trace_id(trace_id: str) -> str:
    """The id as lower-case hex, or an input error explaining the expected form."""
    cleaned = trace_id.strip().lower()
    if not _TRACE_ID.match(cleaned):
        raise ToolInputError(
            f"{trace_id!r} is not a trace id.",
            hint="A trace id is up to 32 hex characters, e.g. 2f3e0cee77ae5dc9c17ade3689eb2e54 (from traces_search).",
        )
    return cleaned


def trace_resource_uri(cluster: str, trace_id: str) -> str:
    """The MCP resource holding the full span list of one trace."""
    return f"{TRACE_RESOURCE_PREFIX}{cluster}/{trace_id}"


async def _tree(ctx: TracesContext, target: BackendTarget, trace_id: str) -> tuple[SpanTree | None, Any]:
    collected = await ctx.each([target], lambda c: c.trace(trace_id), query=trace_id)
    payload = collected.values[0][1] if collected.values else None
    spans = parse_trace(payload) if payload is not None else []
    return (build_tree(spans) if spans else None), collected


def _not_found(target: BackendTarget, trace_id: str, collected: Any) -> TraceResult:
    return TraceResult(
        clusters=collected.outcomes,
        answered=collected.answered,
        cluster=target.cluster,
        trace_id=trace_id,
        found=False,
        notes=[
            f"No trace with id {trace_id} on cluster {target.cluster}: its Tempo answered 'not found' (all blocks "
            "searched). Check the id and the cluster (traces_search returns both), or the trace is past retention."
        ],
    )


def _shrinkers() -> list[Any]:
    """Optional detail removed first when the summary exceeds the byte cap (lowest value first)."""

    def pop(name: str) -> Any:
        def shrink(result: TraceResult) -> bool:
            items = getattr(result, name)
            if len(items) <= 1:
                return False
            items.pop()
            return True

        return shrink

    return [
        pop("services"),
        pop("slowest_spans"),
        pop("critical_by_operation"),
        pop("errors"),
        pop("critical_path"),
    ]


async def run_get_trace(
    ctx: TracesContext,
    target: BackendTarget,
    trace_id: str,
    *,
    cursor: str | None = None,
    limits: SummaryLimits = SummaryLimits(),
) -> TraceResult:
    """The summary of one trace (no cursor), or a page of its full span list (with a cursor from a previous call)."""
    trace_id = check_trace_id(trace_id)
    fp = fingerprint("traces_get", t=trace_id, c=target.cluster)
    page = read_cursor(cursor, fp)
    tree, collected = await _tree(ctx, target, trace_id)
    if tree is None:
        return _not_found(target, trace_id, collected)
    summary, notes = summarise(tree, cluster=target.cluster, trace_id=trace_id, limits=limits)
    envelope = {
        "clusters": collected.outcomes,
        "answered": collected.answered,
        "total": len(tree.spans),
        "resource_uri": trace_resource_uri(target.cluster, trace_id),
    }
    if cursor is None:
        result = summary.model_copy(update={**envelope, "truncated": True, "returned": 0, "notes": notes})
        result.next_cursor = make_cursor(fp, 0)
        result.notes.append(
            f"Summary of {len(tree.spans)} spans. The full span list: next_cursor (pages of {_PAGE}) or resource_uri."
        )
        plan = CapPlan("spans", details=_shrinkers(), protected={"critical_path"})
        fit_to_cap(result, ctx.limits.response_max_bytes, plan)
        return result
    rows = span_rows(tree)
    items = rows[page.offset : page.offset + _PAGE]
    next_offset = page.offset + len(items)
    result = TraceResult(
        cluster=target.cluster,
        trace_id=trace_id,
        found=True,
        root_service=summary.root_service,
        root_name=summary.root_name,
        start=summary.start,
        duration_ms=summary.duration_ms,
        span_count=summary.span_count,
        truncated=next_offset < len(rows),
        returned=len(items),
        next_cursor=make_cursor(fp, next_offset) if next_offset < len(rows) else None,
        notes=[f"Spans {page.offset + 1}-{next_offset} of {len(rows)} in depth-first order; summary omitted."],
        spans=items,
        **envelope,
    )
    offset = page.offset
    fit_to_cap(result, ctx.limits.response_max_bytes, CapPlan("spans", resume=lambda n: make_cursor(fp, offset + n)))
    return result


async def run_trace_spans(ctx: TracesContext, target: BackendTarget, trace_id: str) -> str:
    """The full span list of one trace as compact JSON, cut at ``limits.resource_max_bytes`` (and says so)."""
    trace_id = check_trace_id(trace_id)
    tree, _ = await _tree(ctx, target, trace_id)
    if tree is None:
        return json.dumps({"cluster": target.cluster, "trace_id": trace_id, "found": False, "spans": []})
    rows = [to_payload(r) for r in span_rows(tree)]
    head = {"cluster": target.cluster, "trace_id": trace_id, "found": True, "total": len(rows)}
    budget = ctx.limits.resource_max_bytes - len(json.dumps(head)) - 64
    kept: list[dict[str, Any]] = []
    used = 0
    for row in rows:
        size = len(json.dumps(row, separators=(",", ":"))) + 1
        if used + size > budget:
            break
        kept.append(row)
        used += size
    body = {**head, "returned": len(kept), "truncated": len(kept) < len(rows), "spans": kept}
    return json.dumps(body, separators=(",", ":"))
