"""A LogQL subset parser: enough of Loki's query language for the simulated Loki to answer real queries.

Log queries: `{matchers} | line filters (|= != |~ !~) | logfmt | json | label filters | unwrap x`.
Metric queries: `count_over_time rate bytes_over_time bytes_rate sum_/avg_/min_/max_over_time
quantile_over_time` over `[range]`, vector aggregations `sum avg min max count topk bottomk` with
`by`/`without`, arithmetic and comparisons between them and numbers. Syntax errors raise `LogQLError`
with Loki's own wording (`parse error at line 1, col N: syntax error: unexpected X`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from servers.sim.logql_ast import (
    EMPTY_MATCHERS,
    RANGE_FUNCS,
    VECTOR_FUNCS,
    BinOp,
    LabelFilter,
    LineFilter,
    LogQLError,
    LogQuery,
    Matcher,
    MetricExpr,
    Number,
    RangeAgg,
    Stage,
    VectorAgg,
    parse_duration,
)

__all__ = ["parse_logql"]

_TOKEN = re.compile(
    r"(?P<ws>\s+)|(?P<DURATION>(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d|w|y))+)|(?P<NUMBER>\d+(?:\.\d+)?(?:e[+-]?\d+)?)"
    r'|(?P<STRING>"(?:[^"\\]|\\.)*"|`[^`]*`)|(?P<IDENTIFIER>[A-Za-z_][A-Za-z0-9_]*)'
    r"|(?P<OP>\|=|\|~|!=|!~|=~|==|>=|<=|[{}()\[\],|=><+\-*/%^])"
)
_NAMES = {"{": "{", "}": "}", "(": "(", ")": ")", "[": "[", "]": "]", ",": ",", "|": "|"}


@dataclass
class _Parser:
    text: str
    tokens: list[tuple[str, str, int]] = field(default_factory=list)
    i: int = 0

    def __post_init__(self) -> None:
        pos = 0
        while pos < len(self.text):
            m = _TOKEN.match(self.text, pos)
            if m is None:
                raise self._error(pos, f"syntax error: unexpected character {self.text[pos]!r}")
            if m.lastgroup != "ws":
                self.tokens.append((str(m.lastgroup), m.group(), pos))
            pos = m.end()
        self.tokens.append(("$end", "", len(self.text)))

    def _error(self, pos: int, msg: str) -> LogQLError:
        line = self.text.count("\n", 0, pos) + 1
        col = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        return LogQLError(f"parse error at line {line}, col {col}: {msg}")

    def peek(self, ahead: int = 0) -> tuple[str, str, int]:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def fail(self, expecting: str = "") -> LogQLError:
        kind, text, pos = self.peek()
        name = _NAMES.get(text, kind) if kind == "OP" else kind
        return self._error(pos, f"syntax error: unexpected {name}" + (f", expecting {expecting}" if expecting else ""))

    def take(self, value: str | None = None, kind: str | None = None, expecting: str = "") -> str:
        k, text, _ = self.peek()
        if (value is not None and text != value) or (kind is not None and k != kind):
            raise self.fail(expecting or (value or ""))
        self.i += 1
        return text

    def accept(self, value: str) -> bool:
        if self.peek()[1] == value and self.peek()[0] != "STRING":
            self.i += 1
            return True
        return False

    def string(self) -> str:
        raw = self.take(kind="STRING")
        return (
            raw[1:-1]
            if raw.startswith("`")
            else re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), raw[1:-1])
        )

    def log_query(self) -> LogQuery:
        self.take("{")
        matchers = []
        while not self.accept("}"):
            name = self.take(kind="IDENTIFIER")
            op = self.take(kind="OP", expecting="= or =~ or !~ or !=")
            if op not in ("=", "!=", "=~", "!~"):
                self.i -= 1
                raise self.fail("= or =~ or !~ or !=")
            value = self.string()
            if op in ("=~", "!~"):
                try:
                    re.compile(value)
                except re.error as exc:
                    raise LogQLError(f"parse error : error parsing regexp: {exc}: `{value}`") from None
            matchers.append(Matcher(name, op, value))
            if not self.accept(","):
                self.take("}")
                break
        if not any(m.op in ("=", "=~") and not m.matches("") for m in matchers):
            raise LogQLError(EMPTY_MATCHERS)
        return LogQuery(tuple(matchers), self.stages())

    def stages(self) -> tuple[Stage, ...]:
        stages: list[Stage] = []
        while True:
            k, text, _ = self.peek()
            if k == "OP" and text in ("|=", "!=", "|~", "!~"):
                self.i += 1
                value = self.string()
                if text in ("|~", "!~"):
                    re.compile(value)
                stages.append(LineFilter(text, value))
            elif text == "|" and k == "OP":
                self.i += 1
                name = self.take(kind="IDENTIFIER")
                if name in ("logfmt", "json"):
                    stages.append(name)
                elif name == "unwrap":
                    stages.append(("unwrap", self.take(kind="IDENTIFIER")))
                else:
                    stages.append(self.label_filter(name))
            else:
                return tuple(stages)

    def label_filter(self, name: str) -> LabelFilter:
        op = self.take(kind="OP")
        if op not in ("=", "!=", "=~", "!~", ">", ">=", "<", "<=", "=="):
            self.i -= 1
            raise self.fail()
        kind, text, _ = self.peek()
        if kind == "STRING" and op in ("=", "!=", "=~", "!~"):
            return LabelFilter(name, op, self.string())
        if kind == "NUMBER":
            self.i += 1
            return LabelFilter(name, op, float(text))
        if kind == "DURATION":
            self.i += 1
            return LabelFilter(name, op, parse_duration(text), duration=True)
        raise self.fail()

    def grouping(self) -> tuple[str, tuple[str, ...]] | None:
        kind = self.peek()[1]
        if kind not in ("by", "without"):
            return None
        self.i += 1
        self.take("(")
        labels = []
        while not self.accept(")"):
            labels.append(self.take(kind="IDENTIFIER"))
            if not self.accept(","):
                self.take(")")
                break
        return kind, tuple(labels)

    def expr(self, min_prec: int = 0) -> MetricExpr:
        lhs = self.unary()
        precedence = {"==": 1, "!=": 1, ">": 1, "<": 1, ">=": 1, "<=": 1, "+": 2, "-": 2, "*": 3, "/": 3, "%": 3}
        precedence["^"] = 4
        while (op := self.peek()[1]) in precedence and self.peek()[0] == "OP" and precedence[op] > min_prec:
            self.i += 1
            rhs = self.expr(precedence[op] - (1 if op == "^" else 0))
            lhs = BinOp(op, lhs, rhs)
        return lhs

    def unary(self) -> MetricExpr:
        kind, text, _ = self.peek()
        if kind == "NUMBER":
            self.i += 1
            return Number(float(text))
        if text == "(" and kind == "OP":
            self.i += 1
            inner = self.expr()
            self.take(")")
            return inner
        if kind == "IDENTIFIER" and text in RANGE_FUNCS:
            return self.range_agg()
        if kind == "IDENTIFIER" and text in VECTOR_FUNCS:
            return self.vector_agg()
        raise self.fail()

    def range_agg(self) -> RangeAgg:
        fn = self.take(kind="IDENTIFIER")
        self.take("(")
        param = float(self.take(kind="NUMBER")) if fn == "quantile_over_time" else None
        if param is not None:
            self.take(",")
        query = self.log_query()
        self.take("[")
        range_s = parse_duration(self.take(kind="DURATION"))
        self.take("]")
        self.take(")")
        unwrapped = fn not in ("count_over_time", "rate", "bytes_over_time", "bytes_rate")
        if unwrapped != (query.unwrap is not None) and fn != "rate":
            raise LogQLError(f"parse error : invalid aggregation {fn} {'without' if unwrapped else 'with'} unwrap")
        group = self.grouping()
        by = group[1] if group and group[0] == "by" else None
        without = group[1] if group and group[0] == "without" else None
        return RangeAgg(fn, query, range_s, param, by, without)

    def vector_agg(self) -> VectorAgg:
        op = self.take(kind="IDENTIFIER")
        group = self.grouping()
        self.take("(")
        param = int(float(self.take(kind="NUMBER"))) if op in ("topk", "bottomk") else None
        if param is not None:
            self.take(",")
        inner = self.expr()
        self.take(")")
        group = group or self.grouping()
        by = group[1] if group and group[0] == "by" else None
        without = group[1] if group and group[0] == "without" else None
        return VectorAgg(op, inner, by, without, param)


def parse_logql(text: str) -> LogQuery | MetricExpr:
    """Parse a LogQL query; raises `LogQLError` with Loki's message on invalid syntax."""
    if not text.strip():
        raise LogQLError("parse error : syntax error: unexpected $end")
    p = _Parser(text)
    try:
        result: LogQuery | MetricExpr = p.log_query() if p.peek()[1] == "{" else p.expr()
    except re.error as exc:
        raise LogQLError(f"parse error : error parsing regexp: {exc}") from None
    if p.peek()[0] != "$end":
        raise p.fail()
    return result
