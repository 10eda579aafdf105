"""Evaluate parsed LogQL over the simulated log streams: log lines with a limit, or metric samples per step.

Lines are generated lazily, newest first for `direction=backward`, so a limited log query only produces
what it returns. Metric queries generate the lines of [first step - range, last step] once and count them
per step window (t - range, t], like Loki.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from servers.sim.logql_ast import (
    LabelFilter,
    LineFilter,
    LogQLError,
    LogQuery,
    MetricExpr,
    Number,
    RangeAgg,
    VectorAgg,
    parse_duration,
)
from servers.sim.logs import LogStream, iter_entries

__all__ = ["Labels", "QueryStats", "eval_metric", "select_lines", "select_streams"]

Labels = tuple[tuple[str, str], ...]
Vector = dict[Labels, float]
MAX_SERIES = 500
_LOGFMT = re.compile(r'([^\s=]+)(?:=("(?:[^"\\]|\\.)*"|\S*))?')
_NS = 1_000_000_000


@dataclass
class QueryStats:
    """What a query read, for Loki's `stats` block."""

    lines: int = 0
    bytes: int = 0
    returned: int = 0
    streams: set[Labels] = field(default_factory=set)


def select_streams(streams: Sequence[LogStream], query: LogQuery) -> list[LogStream]:
    """The streams whose labels satisfy every matcher of `query`'s selector."""
    return [s for s in streams if all(m.matches(dict(s.labels).get(m.name, "")) for m in query.matchers)]


def _sanitize(name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return f"_{name}" if name[:1].isdigit() else name


def _extract(stage: str, line: str) -> dict[str, str]:
    if stage == "logfmt":
        out = {}
        for key, value in _LOGFMT.findall(line):
            out[_sanitize(key)] = re.sub(r"\\(.)", r"\1", value[1:-1]) if value.startswith('"') else value
        return out
    try:
        doc = json.loads(line)
    except ValueError as exc:
        return {"__error__": "JSONParserErr", "__error_details__": str(exc)}
    flat: dict[str, str] = {}

    def walk(prefix: str, value: object) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}_{k}" if prefix else str(k), v)
        elif not isinstance(value, list):
            flat[_sanitize(prefix)] = (
                "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
            )

    walk("", doc)
    return flat


def _label_ok(f: LabelFilter, value: str | None) -> bool:
    text = value or ""
    if isinstance(f.value, str):
        if f.op in ("=", "!="):
            return (text == f.value) == (f.op == "=")
        return (re.fullmatch(f.value, text) is not None) == (f.op == "=~")
    try:
        number = parse_duration(text) if f.duration else float(text)
    except ValueError:
        return False
    ops: dict[str, Callable[[float, float], bool]] = {
        ">": float.__gt__, ">=": float.__ge__, "<": float.__lt__, "<=": float.__le__,
        "=": float.__eq__, "==": float.__eq__, "!=": float.__ne__,
    }  # fmt: skip
    return ops[f.op](number, f.value)


def pipeline(query: LogQuery) -> Callable[[Labels, str], Labels | None]:
    """A function mapping (stream labels, line) to the final labels, or None when a stage drops the line."""
    regexes = {s.value: re.compile(s.value) for s in query.stages if isinstance(s, LineFilter) and "~" in s.op}

    def run(labels: Labels, line: str) -> Labels | None:
        current = dict(labels)
        original = set(current)
        for stage in query.stages:
            if isinstance(stage, LineFilter):
                hit = stage.value in line if "~" not in stage.op else regexes[stage.value].search(line) is not None
                if hit != stage.op.startswith("|"):
                    return None
            elif isinstance(stage, str):
                for key, value in _extract(stage, line).items():
                    current[f"{key}_extracted" if key in original else key] = value
            elif isinstance(stage, LabelFilter) and not _label_ok(stage, current.get(stage.name)):
                return None
        return tuple(sorted(current.items()))

    return run


def select_lines(
    streams: Sequence[LogStream],
    query: LogQuery,
    start: float,
    end: float,
    limit: int,
    backward: bool,
    stats: QueryStats,
) -> list[tuple[Labels, int, str]]:
    """The first `limit` lines in [start, end) in the asked direction, with their final labels."""
    run = pipeline(query)

    def lines(stream: LogStream) -> Iterator[tuple[int, Labels, str]]:
        for ns, line in iter_entries(stream, start, end, backward=backward):
            stats.lines += 1
            stats.bytes += len(line)
            if (labels := run(stream.labels, line)) is not None:
                yield (-ns if backward else ns), labels, line

    merged = heapq.merge(*(lines(s) for s in select_streams(streams, query)), key=lambda e: e[0])
    picked = [(labels, abs(key), line) for key, labels, line in itertools.islice(merged, limit)]
    stats.returned = len(picked)
    stats.streams.update(labels for labels, _, _ in picked)
    return picked


def _samples(
    streams: Sequence[LogStream], agg: RangeAgg, t0: float, t1: float, stats: QueryStats
) -> dict[Labels, tuple[list[int], list[float]]]:
    run = pipeline(agg.query)
    unwrap = agg.query.unwrap
    series: dict[Labels, tuple[list[int], list[float]]] = {}
    for stream in select_streams(streams, agg.query):
        for ns, line in iter_entries(stream, t0, t1, backward=False):
            stats.lines += 1
            stats.bytes += len(line)
            labels = run(stream.labels, line)
            if labels is None:
                continue
            value = float(len(line)) if agg.fn.startswith("bytes") else 1.0
            if unwrap is not None:
                found = dict(labels)
                try:
                    value = float(found.pop(unwrap, ""))
                except ValueError:
                    continue
                labels = tuple(sorted(found.items()))
            if agg.by is not None or agg.without is not None:
                labels = _group(labels, agg.by, agg.without)
            times, values = series.setdefault(labels, ([], []))
            times.append(ns)
            values.append(value)
    return series


def _over_time(fn: str, values: list[float], range_s: float, param: float | None) -> float:
    if fn in ("count_over_time",):
        return float(len(values))
    if fn in ("rate", "bytes_rate"):
        return sum(values) / range_s
    if fn in ("bytes_over_time", "sum_over_time"):
        return sum(values)
    if fn == "quantile_over_time":
        ordered, q = sorted(values), param or 0.0
        rank = q * (len(ordered) - 1)
        lo = math.floor(rank)
        return ordered[lo] + (ordered[min(lo + 1, len(ordered) - 1)] - ordered[lo]) * (rank - lo)
    pick: dict[str, Callable[[list[float]], float]] = {
        "avg_over_time": lambda v: sum(v) / len(v), "min_over_time": min, "max_over_time": max,
        "first_over_time": lambda v: v[0], "last_over_time": lambda v: v[-1],
    }  # fmt: skip
    return pick[fn](values)


def _group(labels: Labels, by: tuple[str, ...] | None, without: tuple[str, ...] | None) -> Labels:
    if by is not None:
        return tuple((k, v) for k, v in labels if k in by)
    return tuple((k, v) for k, v in labels if k not in (without or ()))


def _aggregate(agg: VectorAgg, vec: Vector) -> Vector:
    if agg.op in ("topk", "bottomk"):
        groups: dict[Labels, list[tuple[Labels, float]]] = {}
        for labels, v in vec.items():
            groups.setdefault(_group(labels, agg.by, agg.without or None) if agg.by or agg.without else (), []).append(
                (labels, v)
            )
        out: Vector = {}
        for members in groups.values():
            members.sort(key=lambda m: m[1], reverse=agg.op == "topk")
            out.update(members[: agg.param or 0])
        return out
    sums: dict[Labels, list[float]] = {}
    for labels, v in vec.items():
        key = _group(labels, agg.by, agg.without) if agg.by is not None or agg.without is not None else ()
        sums.setdefault(key, []).append(v)
    reduce: dict[str, Callable[[list[float]], float]] = {
        "sum": sum, "avg": lambda v: sum(v) / len(v), "min": min, "max": max, "count": lambda v: float(len(v)),
        "stddev": lambda v: math.sqrt(sum((x - sum(v) / len(v)) ** 2 for x in v) / len(v)),
    }  # fmt: skip
    return {k: reduce[agg.op](v) for k, v in sums.items()}


def _binop(op: str, a: float, b: float) -> float | None:
    if op in ("==", "!=", ">", "<", ">=", "<="):
        keep = {"==": a == b, "!=": a != b, ">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b}[op]
        return a if keep else None
    if op in ("/", "%") and b == 0:
        return math.nan if op == "%" or a == 0 else math.copysign(math.inf, a)
    try:
        return float({"+": a + b, "-": a - b, "*": a * b, "/": a / b, "%": math.fmod(a, b), "^": a**b}[op])
    except OverflowError:
        return math.inf


def eval_metric(
    streams: Sequence[LogStream], expr: MetricExpr, steps: list[float], stats: QueryStats
) -> list[Vector] | float:
    """The expression's value at each step: one vector per step, or a plain number for a scalar."""
    if isinstance(expr, Number):
        return expr.value
    if isinstance(expr, RangeAgg):
        series = _samples(streams, expr, steps[0] - expr.range_s, steps[-1] + 1e-9, stats)
        out: list[Vector] = [{} for _ in steps]
        for labels, (times, values) in series.items():
            for i, t in enumerate(steps):
                lo = bisect.bisect_right(times, round((t - expr.range_s) * _NS))
                hi = bisect.bisect_right(times, round(t * _NS))
                if hi > lo:
                    out[i][labels] = _over_time(expr.fn, values[lo:hi], expr.range_s, expr.param)
        return _checked(out)
    if isinstance(expr, VectorAgg):
        inner = eval_metric(streams, expr.expr, steps, stats)
        if isinstance(inner, float):
            raise LogQLError(f"parse error : unexpected scalar in {expr.op} aggregation")
        return _checked([_aggregate(expr, vec) for vec in inner])
    lhs, rhs = eval_metric(streams, expr.lhs, steps, stats), eval_metric(streams, expr.rhs, steps, stats)
    if isinstance(lhs, float) and isinstance(rhs, float):
        value = _binop(expr.op, lhs, rhs)
        return math.nan if value is None else value
    result: list[Vector] = []
    for i in range(len(steps)):
        left = lhs if isinstance(lhs, float) else lhs[i]
        right = rhs if isinstance(rhs, float) else rhs[i]
        shape = left if not isinstance(left, float) else right
        keys = list(shape) if not isinstance(shape, float) else []
        vec: Vector = {}
        for k in keys:
            a = left if isinstance(left, float) else left.get(k)
            b = right if isinstance(right, float) else right.get(k)
            if a is not None and b is not None and (v := _binop(expr.op, a, b)) is not None:
                vec[k] = v
        result.append(vec)
    return result


def _checked(vectors: list[Vector]) -> list[Vector]:
    if len({k for vec in vectors for k in vec}) > MAX_SERIES:
        raise LogQLError(f"maximum of series ({MAX_SERIES}) reached for a single query")
    return vectors
