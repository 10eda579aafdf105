"""What labels exist: metric names, label names and label values, merged across clusters and paged.

Each result says which clusters lack a value (``present_only_in``) and how many values each cluster has.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence

from tools.errors import ToolInputError
from tools.paging import fingerprint, make_cursor, read_cursor, slice_page
from tools.prometheus.client import PrometheusClient
from tools.prometheus.context import MetricsContext
from tools.prometheus.fanout_query import Gathered, gather
from tools.prometheus.guardrails import check_not_blanket
from tools.prometheus.results import (
    LabelNamesResult,
    LabelValuesResult,
)
from tools.prometheus.selectors import add_matcher, regex_any_of
from tools.sizecap import CapPlan, fit_to_cap
from tools.targets import BackendTarget

__all__ = ["check_limit", "run_label_names", "run_label_values", "run_list_names", "scoped_selectors"]

_REGEX_CHARS = re.compile(r"[.*+?^$\[\]()|\\{}]")


def check_limit(limit: int, maximum: int = 5_000) -> None:
    """Refuse a page size outside ``1..maximum``."""
    if not 1 <= limit <= maximum:
        raise ToolInputError(f"limit must be between 1 and {maximum}, got {limit}.", hint="Use the default and page.")


def scoped_selectors(ctx: MetricsContext, targets: Sequence[BackendTarget], match: list[str]) -> list[str]:
    """In global view, narrow every selector to the selected clusters (the querier sees the whole fleet)."""
    if ctx.global_view is None:
        return match
    regex = regex_any_of(sorted(t.cluster for t in targets))
    if not match:
        return [f'{{{ctx.cluster_label}=~"{regex}"}}']
    return [add_matcher(m, ctx.cluster_label, regex) for m in match]


def _name_filter(match: str | None) -> Callable[[str], bool]:
    """Case-insensitive substring filter, or a regex search when ``match`` contains regex characters."""
    if not match:
        return lambda _: True
    if not _REGEX_CHARS.search(match):
        needle = match.lower()
        return lambda name: needle in name.lower()
    try:
        pattern = re.compile(match, re.IGNORECASE)
    except re.error as exc:
        raise ToolInputError(
            f"name_regex {match!r} is not a valid regex: {exc}.", hint="Use a plain substring."
        ) from None
    return lambda name: pattern.search(name) is not None


def _merge(
    gathered: Gathered[list[str]], keep: Callable[[str], bool]
) -> tuple[list[str], dict[str, set[str]], dict[str, int]]:
    """Sorted distinct values, the clusters having each value, and the value count per cluster."""
    presence: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for cluster, values in gathered.values:
        kept = {v for v in values if keep(v)}
        counts[cluster] = len(kept)
        for value in kept:
            presence.setdefault(value, set()).add(cluster)
    return sorted(presence), presence, counts


def _partial_presence(page: list[str], presence: dict[str, set[str]], answering: int) -> dict[str, list[str]] | None:
    partial = {v: sorted(presence[v]) for v in page if len(presence[v]) < answering}
    return partial or None


async def _values_result(
    ctx: MetricsContext,
    targets: Sequence[BackendTarget],
    label: str,
    *,
    selectors: list[str],
    keep: Callable[[str], bool],
    echo_match: list[str] | None,
    limit: int,
    cursor: str | None,
    fetch: Callable[[PrometheusClient, list[str]], Awaitable[list[str]]] | None = None,
) -> LabelValuesResult:
    check_limit(limit)
    clusters = sorted(t.cluster for t in targets)
    fp = fingerprint("label_values", l=label, m=echo_match, c=clusters)
    page = read_cursor(cursor, fp)
    scoped = scoped_selectors(ctx, targets, selectors)

    async def values_of(client: PrometheusClient) -> list[str]:
        if fetch is not None:
            return await fetch(client, scoped)
        return await client.label_values(label, scoped or None)

    gathered = await gather(ctx, targets, values_of, query=" or ".join(scoped) or None)
    values, presence, counts = _merge(gathered, keep)
    items, next_offset = slice_page(values, page.offset, limit)
    notes = list(gathered.notes)
    if ctx.global_view is not None:
        notes.append("Global view: values are merged over the selected clusters (no per-cluster breakdown).")
    elif not values:
        where = ", ".join(gathered.answered)
        notes.append(f"No values of {label!r} matching {echo_match or 'anything'} on {where}.")
    result = LabelValuesResult(
        clusters=gathered.outcomes,
        answered=gathered.answered,
        truncated=next_offset is not None,
        total=len(values),
        returned=len(items),
        next_cursor=make_cursor(fp, next_offset) if next_offset is not None else None,
        notes=notes,
        label=label,
        match=echo_match,
        values=items,
        present_only_in=_partial_presence(items, presence, len(gathered.values)),
        per_cluster=counts if ctx.global_view is None else {},
    )
    offset = page.offset
    fit_to_cap(result, ctx.limits.response_max_bytes, CapPlan("values", resume=lambda n: make_cursor(fp, offset + n)))
    return result


async def run_list_names(
    ctx: MetricsContext,
    targets: Sequence[BackendTarget],
    *,
    match: str | None,
    limit: int,
    cursor: str | None,
) -> LabelValuesResult:
    """Metric names (``__name__`` values), filtered by substring or regex ``match``; each endpoint's list comes
    from :class:`~tools.prometheus.name_cache.NameCache` while it is fresh."""
    ages: list[float] = []

    async def cached(client: PrometheusClient, scoped: list[str]) -> list[str]:
        if scoped:  # global view: the names of some clusters only, not the endpoint's whole list
            return await client.label_values("__name__", scoped)
        target = client.target
        names, age = await ctx.names.names((target.cluster, target.base_url), lambda: client.label_values("__name__"))
        ages.append(age)
        return names

    result = await _values_result(
        ctx,
        targets,
        "__name__",
        selectors=[],
        keep=_name_filter(match),
        echo_match=[match] if match else None,
        limit=limit,
        cursor=cursor,
        fetch=cached,
    )
    if ages and max(ages) >= 1:
        result.notes.append(f"Names as of {max(ages):.0f} s ago (cached up to {ctx.names.ttl_s:g} s).")
    return result


async def run_label_values(
    ctx: MetricsContext,
    targets: Sequence[BackendTarget],
    label: str,
    *,
    match: list[str] | None,
    limit: int,
    cursor: str | None,
) -> LabelValuesResult:
    """Values of ``label`` on series matching ``match`` selectors (all series when omitted)."""
    for selector in match or []:
        check_not_blanket(selector, what="series selector")
    return await _values_result(
        ctx,
        targets,
        label,
        selectors=list(match or []),
        keep=lambda _: True,
        echo_match=match,
        limit=limit,
        cursor=cursor,
    )


async def run_label_names(
    ctx: MetricsContext,
    targets: Sequence[BackendTarget],
    *,
    match: list[str] | None,
    limit: int,
    cursor: str | None,
) -> LabelNamesResult:
    """Label names on series matching ``match`` selectors (all series when omitted)."""
    check_limit(limit)
    for selector in match or []:
        check_not_blanket(selector, what="series selector")
    clusters = sorted(t.cluster for t in targets)
    fp = fingerprint("label_names", m=match, c=clusters)
    page = read_cursor(cursor, fp)
    scoped = scoped_selectors(ctx, targets, list(match or []))
    gathered = await gather(ctx, targets, lambda c: c.label_names(scoped or None), query=" or ".join(scoped) or None)
    names, presence, counts = _merge(gathered, lambda _: True)
    items, next_offset = slice_page(names, page.offset, limit)
    result = LabelNamesResult(
        clusters=gathered.outcomes,
        answered=gathered.answered,
        truncated=next_offset is not None,
        total=len(names),
        returned=len(items),
        next_cursor=make_cursor(fp, next_offset) if next_offset is not None else None,
        notes=list(gathered.notes),
        match=match,
        names=items,
        present_only_in=_partial_presence(items, presence, len(gathered.values)),
        per_cluster=counts if ctx.global_view is None else {},
    )
    offset = page.offset
    fit_to_cap(result, ctx.limits.response_max_bytes, CapPlan("names", resume=lambda n: make_cursor(fp, offset + n)))
    return result
