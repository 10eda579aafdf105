"""The syntax tree of the LogQL subset the simulated Loki understands (see `logql.py` for the parser)."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "EMPTY_MATCHERS",
    "RANGE_FUNCS",
    "VECTOR_FUNCS",
    "BinOp",
    "LabelFilter",
    "LineFilter",
    "LogQLError",
    "LogQuery",
    "Matcher",
    "MetricExpr",
    "Number",
    "RangeAgg",
    "Stage",
    "VectorAgg",
    "parse_duration",
]

EMPTY_MATCHERS = (
    "parse error : queries require at least one regexp or equality matcher that does not have an "
    'empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will'
)
RANGE_FUNCS: tuple[str, ...] = (
    "count_over_time",
    "rate",
    "bytes_over_time",
    "bytes_rate",
    "sum_over_time",
    "avg_over_time",
)
RANGE_FUNCS += ("min_over_time", "max_over_time", "quantile_over_time", "first_over_time", "last_over_time")
VECTOR_FUNCS = ("sum", "avg", "min", "max", "count", "topk", "bottomk", "stddev")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_UNITS |= {"w": 604800.0, "y": 31536000.0}


class LogQLError(ValueError):
    """The query is not valid LogQL; the message is what Loki answers with HTTP 400."""


def parse_duration(text: str) -> float:
    """A Prometheus/Go duration (`5m`, `1h30m`, `250ms`) in seconds."""
    parts = re.findall(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w|y)", text)
    if not parts or "".join(a + b for a, b in parts) != text:
        raise ValueError(f"not a duration: {text!r}")
    return sum(float(n) * _UNITS[u] for n, u in parts)


@dataclass(frozen=True)
class Matcher:
    """A stream selector matcher; regexes are anchored like Prometheus'."""

    name: str
    op: str
    value: str

    def matches(self, value: str) -> bool:
        """Whether a label value (empty when absent) satisfies the matcher."""
        if self.op in ("=", "!="):
            return (value == self.value) == (self.op == "=")
        return (re.fullmatch(self.value, value) is not None) == (self.op == "=~")


@dataclass(frozen=True)
class LineFilter:
    """`|= "x"`, `!= "x"`, `|~ "re"`, `!~ "re"`."""

    op: str
    value: str


@dataclass(frozen=True)
class LabelFilter:
    """`| name op value` after a parser; `value` is a string, a number or a duration in seconds."""

    name: str
    op: str
    value: str | float
    duration: bool = False


Stage = LineFilter | LabelFilter | str | tuple[str, str]


@dataclass(frozen=True)
class LogQuery:
    """A stream selector with its pipeline stages (LineFilter, LabelFilter, "logfmt", "json", ("unwrap", x))."""

    matchers: tuple[Matcher, ...]
    stages: tuple[Stage, ...] = ()

    @property
    def unwrap(self) -> str | None:
        """The unwrapped label, if any."""
        return next((s[1] for s in self.stages if isinstance(s, tuple)), None)


@dataclass(frozen=True)
class RangeAgg:
    """`fn(log query [range])`, optionally grouped (only meaningful with unwrap)."""

    fn: str
    query: LogQuery
    range_s: float
    param: float | None = None
    by: tuple[str, ...] | None = None
    without: tuple[str, ...] | None = None


@dataclass(frozen=True)
class VectorAgg:
    """`op by (labels) (expr)`; `param` is k for topk/bottomk."""

    op: str
    expr: MetricExpr
    by: tuple[str, ...] | None = None
    without: tuple[str, ...] | None = None
    param: int | None = None


@dataclass(frozen=True)
class BinOp:
    """Arithmetic (+ - * / % ^) or a filtering comparison (== != > < >= <=) between two expressions."""

    op: str
    lhs: MetricExpr
    rhs: MetricExpr


@dataclass(frozen=True)
class Number:
    """A scalar literal."""

    value: float


MetricExpr = RangeAgg | VectorAgg | BinOp | Number
