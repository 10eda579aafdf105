"""``logs_labels`` and ``logs_label_values``: which labels and values Loki has, merged across clusters and paged.

Each result says which clusters lack a name or value (``present_only_in``). An optional stream selector scopes the
search (``{namespace="payments"}``); it passes the same guardrail as queries.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from tools.gather import Collected, collect
from tools.loki.client import LokiClient
from tools.loki.context import LokiContext
from tools.loki.guardrails import NS, Window, check_label_name, check_limit, check_query, plan_window
from tools.loki.paging import fingerprint, make_cursor, read_cursor
from tools.loki.results import LabelNamesResult, LabelValuesResult
from tools.sizecap import CapPlan, fit_to_cap
from tools.targets import BackendTarget
from tools.timespec import format_rfc3339

__all__ = ["MAX_VALUES_PAGE", "run_label_values", "run_labels"]

MAX_VALUES_PAGE = 2_000


def _merge(collected: Collected[list[str]]) -> tuple[list[str], dict[str, set[str]], dict[str, int]]:
    """Sorted distinct values, the clusters having each value, and the value count per cluster."""
    presence: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for cluster, values in collected.values:
        distinct = set(values)
        counts[cluster] = len(distinct)
        for value in distinct:
            presence.setdefault(value, set()).add(cluster)
    return sorted(presence), presence, counts


async def _gather(
    ctx: LokiContext,
    targets: Sequence[BackendTarget],
    kind: str,
    fetch: Callable[[LokiClient, Window], Awaitable[list[str]]],
    *,
    start: str | float | None,
    end: str | float | None,
    query: str | None,
    tenant: str | None,
    limit: int,
    cursor: str | None,
    **identity: object,
) -> tuple[Collected[list[str]], Window, int, str]:
    check_limit(limit, MAX_VALUES_PAGE)
    if query is not None:
        check_query(query)
    fp = fingerprint(kind, q=query, l=limit, c=sorted(t.cluster for t in targets), t=tenant, **identity)
    page = read_cursor(cursor, fp)
    limits = ctx.limits
    window, offset = page or (
        plan_window(
            start, end, now=ctx.clock(), default_range_s=limits.default_range_s, max_range_s=limits.max_range_s
        ),
        0,
    )
    collected = await collect(
        targets,
        lambda t: fetch(ctx.client(t, tenant), window),
        backend="loki",
        timeout=limits.cluster_timeout_s,
        concurrency=limits.concurrency,
        query=query,
        time_range=window.describe(),
    )
    return collected, window, offset, fp


def _partial(page: list[str], presence: dict[str, set[str]], answering: int) -> dict[str, list[str]] | None:
    partial = {v: sorted(presence[v]) for v in page if len(presence[v]) < answering}
    return partial or None


async def run_labels(
    ctx: LokiContext,
    targets: Sequence[BackendTarget],
    *,
    start: str | float | None = None,
    end: str | float | None = None,
    query: str | None = None,
    tenant: str | None = None,
    limit: int = 200,
    cursor: str | None = None,
) -> LabelNamesResult:
    """Label names seen in the window on every target, merged."""
    collected, window, offset, fp = await _gather(
        ctx,
        targets,
        "logs_labels",
        lambda c, w: c.labels(start_ns=w.start_ns, end_ns=w.end_ns, query=query),
        start=start,
        end=end,
        query=query,
        tenant=tenant,
        limit=limit,
        cursor=cursor,
    )
    names, presence, _ = _merge(collected)
    page = names[offset : offset + limit]
    result = LabelNamesResult(
        clusters=collected.outcomes,
        answered=collected.answered,
        notes=list(collected.notes),
        total=len(names),
        returned=len(page),
        truncated=offset + len(page) < len(names),
        start=format_rfc3339(window.start_ns / NS),
        end=format_rfc3339(window.end_ns / NS),
        names=page,
        present_only_in=_partial(page, presence, len(collected.values)),
    )
    if result.truncated:
        result.next_cursor = make_cursor(fp, window, offset + len(page))
    if not names:
        scope = f" on streams {query}" if query else ""
        result.notes.append(
            f"No labels{scope} over {window.describe()} on {', '.join(collected.answered)}"
            f"{f' (tenant {tenant})' if tenant else ''}."
        )
    fit_to_cap(
        result, ctx.limits.response_max_bytes, CapPlan("names", resume=lambda n: make_cursor(fp, window, offset + n))
    )
    return result


async def run_label_values(
    ctx: LokiContext,
    targets: Sequence[BackendTarget],
    label: str,
    *,
    start: str | float | None = None,
    end: str | float | None = None,
    query: str | None = None,
    tenant: str | None = None,
    limit: int = 200,
    cursor: str | None = None,
) -> LabelValuesResult:
    """Values of ``label`` seen in the window on every target, merged, with a count per cluster."""
    check_label_name(label)
    collected, window, offset, fp = await _gather(
        ctx,
        targets,
        "logs_label_values",
        lambda c, w: c.label_values(label, start_ns=w.start_ns, end_ns=w.end_ns, query=query),
        start=start,
        end=end,
        query=query,
        tenant=tenant,
        limit=limit,
        cursor=cursor,
        label=label,
    )
    values, presence, counts = _merge(collected)
    page = values[offset : offset + limit]
    result = LabelValuesResult(
        clusters=collected.outcomes,
        answered=collected.answered,
        notes=list(collected.notes),
        total=len(values),
        returned=len(page),
        truncated=offset + len(page) < len(values),
        label=label,
        start=format_rfc3339(window.start_ns / NS),
        end=format_rfc3339(window.end_ns / NS),
        values=page,
        present_only_in=_partial(page, presence, len(collected.values)),
        per_cluster=counts,
    )
    if result.truncated:
        result.next_cursor = make_cursor(fp, window, offset + len(page))
    if not values:
        scope = f" on streams {query}" if query else ""
        result.notes.append(
            f"No values of {label!r}{scope} over {window.describe()} on {', '.join(collected.answered)}"
            f"{f' (tenant {tenant})' if tenant else ''}; logs_labels lists the labels that exist."
        )
    fit_to_cap(
        result, ctx.limits.response_max_bytes, CapPlan("values", resume=lambda n: make_cursor(fp, window, offset + n))
    )
    return result
