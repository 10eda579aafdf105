"""``logs_query``: LogQL over the selected clusters, answered as lines per stream or as per-series summaries.

Log queries: every cluster is asked for ``limit + 1`` lines, newest first, so the answer knows whether Loki had
more. Lines of all clusters are merged newest first and cut at ``limit`` lines and at the byte budget of the
response (never between two lines with the same timestamp); the cursor then asks for the lines older than the oldest
one returned. Metric queries (``count_over_time``, ``rate``, ``sum by``...) come back as per-series summaries.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from tools.errors import ToolInputError
from tools.gather import collect
from tools.loki.client import LokiData
from tools.loki.context import LokiContext
from tools.loki.guardrails import NS, Window, check_limit, check_query, fetch_limit, is_log_query, plan_window
from tools.loki.paging import fingerprint, make_cursor, read_cursor
from tools.loki.results import LogLine, LogsQueryResult, LogStream
from tools.loki.series import summarise_series
from tools.redaction import redact_line
from tools.sizecap import CapPlan, fit_to_cap, json_size
from tools.targets import BackendTarget
from tools.timespec import format_duration, format_rfc3339, parse_step

__all__ = ["Entry", "group_streams", "run_query", "stream_entries"]

_STREAM_OVERHEAD = 40  # {"cluster":..,"labels":{..},"lines":[]} minus the label text itself
_LINE_OVERHEAD = 40  # {"time":"2026-11-03T10:00:00.123Z","line":""},


@dataclass(frozen=True, slots=True)
class Entry:
    """One log line with where it came from."""

    ts: int
    cluster: str
    labels: tuple[tuple[str, str], ...]
    line: str


def stream_entries(cluster: str, result: list[dict[str, object]]) -> list[Entry]:
    """Flatten a streams answer: one :class:`Entry` per ``[ns, line(, metadata)]`` value."""
    entries: list[Entry] = []
    for stream in result:
        raw_labels = stream.get("stream")
        labels = tuple(sorted((str(k), str(v)) for k, v in raw_labels.items())) if isinstance(raw_labels, dict) else ()
        values = stream.get("values")
        for value in values if isinstance(values, list) else []:
            if isinstance(value, list) and len(value) >= 2:
                try:
                    entries.append(Entry(int(value[0]), cluster, labels, str(value[1])))
                except (TypeError, ValueError):
                    continue
    return entries


def _cut_at_boundary(entries: Sequence[Entry], keep: int) -> int:
    """``keep`` moved back so that it never splits lines sharing one timestamp (the cursor is exclusive)."""
    if keep <= 0 or keep >= len(entries):
        return max(keep, 0)
    boundary = entries[keep].ts
    while keep > 0 and entries[keep - 1].ts == boundary:
        keep -= 1
    return keep


def _shorten(line: str, limit: int) -> str:
    return line if len(line) <= limit else f"{line[:limit]}…[+{len(line) - limit} chars]"


def _within_budget(entries: Sequence[Entry], budget: int, max_chars: int) -> int:
    """How many of the newest ``entries`` fit in ``budget`` bytes of JSON (estimated per line and per stream)."""
    used, seen = 0, set()
    for index, entry in enumerate(entries):
        key = (entry.cluster, entry.labels)
        if key not in seen:
            seen.add(key)
            used += _STREAM_OVERHEAD + len(entry.cluster) + len(json.dumps(dict(entry.labels)))
        used += _LINE_OVERHEAD + len(json.dumps(_shorten(entry.line, max_chars), ensure_ascii=False).encode())
        if used > budget:
            return index
    return len(entries)


def group_streams(entries: Sequence[Entry], max_chars: int) -> tuple[list[LogStream], list[int]]:
    """Entries (newest first) grouped per stream, streams ordered by their newest line; and those newest times."""
    streams: dict[tuple[str, tuple[tuple[str, str], ...]], LogStream] = {}
    newest: list[int] = []
    for entry in entries:
        key = (entry.cluster, entry.labels)
        stream = streams.get(key)
        if stream is None:
            stream = streams[key] = LogStream(cluster=entry.cluster, labels=dict(entry.labels), lines=[])
            newest.append(entry.ts)
        stream.lines.append(
            LogLine(time=format_rfc3339(entry.ts / NS), line=_shorten(redact_line(entry.line)[0], max_chars))
        )
    return list(streams.values()), newest


async def run_query(
    ctx: LokiContext,
    targets: Sequence[BackendTarget],
    logql: str,
    *,
    start: str | float | None = None,
    end: str | float | None = None,
    limit: int | None = None,
    step: str | float | None = None,
    instant: bool = False,
    tenant: str | None = None,
    cursor: str | None = None,
) -> LogsQueryResult:
    """Run ``logql`` on every target and answer within the response cap (see the module docstring)."""
    limits = ctx.limits
    limit = limits.default_limit if limit is None else limit
    check_query(logql)
    check_limit(limit, limits.max_limit)
    log_query = is_log_query(logql)
    if instant and log_query:
        raise ToolInputError(
            "Loki evaluates only metric queries at an instant; this is a log query.",
            hint='Drop instant, or count lines: sum by (level) (count_over_time({namespace="x"}[5m])).',
        )
    step_s = parse_step(step)
    clusters = sorted(t.cluster for t in targets)
    fp = fingerprint("logs_query", q=logql, l=limit, s=step_s, i=instant, c=clusters, t=tenant)
    page = read_cursor(cursor, fp)
    window, offset = page if page else (_window(ctx, start, end), 0)
    asked = fetch_limit(limit)

    async def call(target: BackendTarget) -> LokiData:
        client = ctx.client(target, tenant)
        if instant:
            return await client.query(logql, time_ns=window.end_ns)
        return await client.query_range(
            logql,
            start_ns=window.start_ns,
            end_ns=window.end_ns,
            limit=asked if log_query else None,
            step_s=step_s,
            time_range=window.describe(),
        )

    collected = await collect(
        targets,
        call,
        backend="loki",
        timeout=limits.cluster_timeout_s,
        concurrency=limits.concurrency,
        query=logql,
        time_range=window.describe(),
    )
    streamed = [(c, d.result) for c, d in collected.values if d.result_type == "streams"]
    result = LogsQueryResult(
        clusters=collected.outcomes,
        answered=collected.answered,
        notes=list(collected.notes),
        query=logql,
        start=format_rfc3339(window.start_ns / NS),
        end=format_rfc3339(window.end_ns / NS),
        tenant=tenant,
        result_type="streams" if log_query or streamed else ("vector" if instant else "matrix"),
        step=format_duration(step_s) if step_s else None,
    )
    where = f"{logql!r} over {window.describe()} on {', '.join(collected.answered)}"
    if tenant:
        where += f" (tenant {tenant})"
    if log_query or streamed:
        _fill_lines(ctx, result, streamed, window, limit, asked, fp, where)
    else:
        _fill_series(ctx, result, [(c, d.result) for c, d in collected.values], window, offset, fp, where)
    return result


def _window(ctx: LokiContext, start: str | float | None, end: str | float | None) -> Window:
    limits = ctx.limits
    return plan_window(
        start, end, now=ctx.clock(), default_range_s=limits.default_range_s, max_range_s=limits.max_range_s
    )


def _fill_lines(
    ctx: LokiContext,
    result: LogsQueryResult,
    answers: list[tuple[str, list[dict[str, object]]]],
    window: Window,
    limit: int,
    asked: int,
    fp: str,
    where: str,
) -> None:
    limits = ctx.limits
    per_cluster = [(cluster, stream_entries(cluster, streams)) for cluster, streams in answers]
    more_in = [cluster for cluster, entries in per_cluster if len(entries) >= asked]
    entries = sorted((e for _, es in per_cluster for e in es), key=lambda e: e.ts, reverse=True)
    keep = _cut_at_boundary(entries, limit)
    budget = limits.response_max_bytes - json_size(result) - 400  # room for the notes and the cursor
    fitting = _cut_at_boundary(entries, min(keep, _within_budget(entries, budget, limits.max_line_chars)))
    kept = entries[:fitting]
    result.streams, newest = group_streams(kept, limits.max_line_chars)
    result.total, result.returned = len(entries), len(kept)
    result.truncated = bool(more_in) or fitting < len(entries)
    if not entries:
        result.notes.append(f"No log lines matched {where}.")
        return
    if more_in:
        result.notes.append(
            f"Loki had more than {limit} matching lines on {', '.join(more_in)}: these are the newest; "
            'narrow the query (a line filter such as |= "error", exact labels) or page with next_cursor.'
        )
    if fitting < keep:
        result.notes.append(f"{keep - fitting} more lines left out to stay under {limits.response_max_bytes} bytes.")
    if any(len(e.line) > limits.max_line_chars for e in kept):
        result.notes.append(f"Lines longer than {limits.max_line_chars} characters are shortened.")
    if result.truncated and kept:
        older = Window(window.start_ns, kept[-1].ts)
        result.next_cursor = make_cursor(fp, older) if older.end_ns > older.start_ns else None
    after_page = result.next_cursor

    def resume(n: int) -> str | None:
        # Streams dropped by the cap: the next page starts again at the newest of their lines (it may repeat some
        # lines of the kept streams; it never skips one).
        return make_cursor(fp, Window(window.start_ns, newest[n] + 1)) if n < len(newest) else after_page

    fit_to_cap(result, limits.response_max_bytes, CapPlan("streams", resume=resume))
    result.returned = sum(len(s.lines) for s in result.streams)  # the cap counts streams; this answer counts lines


def _fill_series(
    ctx: LokiContext,
    result: LogsQueryResult,
    answers: list[tuple[str, list[dict[str, object]]]],
    window: Window,
    offset: int,
    fp: str,
    where: str,
) -> None:
    summaries = summarise_series(answers)
    size = ctx.limits.max_series
    page = summaries[offset : offset + size]
    result.series = page
    result.total, result.returned = len(summaries), len(page)
    result.truncated = offset + len(page) < len(summaries)
    if result.truncated:
        result.next_cursor = make_cursor(fp, window, offset + len(page))
        result.notes.append(
            f"{len(summaries)} series, highest peak first; aggregate more (sum by) or page with next_cursor."
        )
    if not summaries:
        result.notes.append(f"No series for {where}.")
    plan = CapPlan("series", resume=lambda n: make_cursor(fp, window, offset + n))
    fit_to_cap(result, ctx.limits.response_max_bytes, plan)
