"""A TraceQL subset: spanset filters `{ cond && cond || (cond) }` joined by `&&` / `||`.

Conditions compare an attribute (`resource.x`, `span.x`, unscoped `.x`) or an intrinsic (`name`,
`status`, `kind`, `duration`, `statusMessage`, `rootName`, `rootServiceName`, `traceDuration`, and the
`span:` / `trace:` spellings) with a string, number, duration, status or kind using = != > >= < <= =~ !~.
Errors read like Tempo's: `invalid TraceQL query: parse error at line 1, col N: syntax error: ...`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from servers.sim.logql_ast import parse_duration

__all__ = [
    "And",
    "Cond",
    "Or",
    "Query",
    "SpanView",
    "Spanset",
    "SpansetOp",
    "TraceQLError",
    "matching_spans",
    "parse_traceql",
    "referenced",
]

_TOKEN = re.compile(
    r"(?P<ws>\s+)|(?P<DURATION>\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))|(?P<NUMBER>-?\d+(?:\.\d+)?)"
    r'|(?P<STRING>"(?:[^"\\]|\\.)*"|`[^`]*`)|(?P<IDENTIFIER>[A-Za-z_.][A-Za-z0-9_.:\-]*)'
    r"|(?P<OP>&&|\|\||!=|=~|!~|>=|<=|[{}()=><|])"
)
_ALIASES = {"span:name": "name", "span:status": "status", "span:kind": "kind", "span:duration": "duration"}
_ALIASES |= {"span:statusMessage": "statusMessage", "trace:duration": "traceDuration", "trace:rootName": "rootName"}
_ALIASES |= {"trace:rootService": "rootServiceName"}
INTRINSICS = ("name", "status", "kind", "duration", "statusMessage", "rootName", "rootServiceName", "traceDuration")
_ENUMS = {"error", "ok", "unset", "server", "client", "internal", "producer", "consumer", "unspecified"}


class TraceQLError(ValueError):
    """Not a TraceQL query the simulator understands; the message is Tempo's HTTP 400 body."""


class SpanView(Protocol):
    """What a condition is evaluated against: one span with its trace context."""

    def value(self, attr: str) -> str | float | bool | None:
        """The value of an intrinsic or a (scoped or unscoped) attribute; None when absent."""
        ...


@dataclass(frozen=True)
class Cond:
    """`attr op value`; durations are in seconds."""

    attr: str
    op: str
    value: str | float | bool


@dataclass(frozen=True)
class And:
    """Both span conditions."""

    lhs: SpanExpr
    rhs: SpanExpr


@dataclass(frozen=True)
class Or:
    """Either span condition."""

    lhs: SpanExpr
    rhs: SpanExpr


SpanExpr = Cond | And | Or | bool


@dataclass(frozen=True)
class Spanset:
    """`{ expr }`: the spans of a trace satisfying `expr`."""

    expr: SpanExpr


@dataclass(frozen=True)
class SpansetOp:
    """`{a} && {b}` (both must match; spans of both) or `{a} || {b}`."""

    op: str
    lhs: Query
    rhs: Query


Query = Spanset | SpansetOp


class _Parser:
    def __init__(self, text: str) -> None:
        self.text, self.i = text, 0
        self.tokens: list[tuple[str, str, int]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None:
                raise self._error(pos, f"syntax error: unexpected character {text[pos]!r}")
            if m.lastgroup != "ws":
                self.tokens.append((str(m.lastgroup), m.group(), pos))
            pos = m.end()
        self.tokens.append(("$end", "", len(text)))

    def _error(self, pos: int, msg: str) -> TraceQLError:
        return TraceQLError(f"invalid TraceQL query: parse error at line 1, col {pos + 1}: {msg}")

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[min(self.i, len(self.tokens) - 1)]

    def fail(self) -> TraceQLError:
        kind, text, pos = self.peek()
        return self._error(pos, f"syntax error: unexpected {text if kind == 'OP' else kind}")

    def take(self, value: str | None = None, kind: str | None = None) -> str:
        k, text, _ = self.peek()
        if (value is not None and (text != value or k == "STRING")) or (kind is not None and k != kind):
            raise self.fail()
        self.i += 1
        return text

    def query(self) -> Query:
        lhs: Query = self.spanset()
        while self.peek()[1] in ("&&", "||"):
            op = self.take()
            lhs = SpansetOp(op, lhs, self.spanset())
        return lhs

    def spanset(self) -> Query:
        if self.peek()[1] == "(":
            self.take("(")
            inner = self.query()
            self.take(")")
            return inner
        self.take("{")
        expr: SpanExpr = True if self.peek()[1] == "}" else self.or_expr()
        self.take("}")
        return Spanset(expr)

    def or_expr(self) -> SpanExpr:
        lhs = self.and_expr()
        while self.peek()[1] == "||":
            self.take()
            lhs = Or(lhs, self.and_expr())
        return lhs

    def and_expr(self) -> SpanExpr:
        lhs = self.term()
        while self.peek()[1] == "&&":
            self.take()
            lhs = And(lhs, self.term())
        return lhs

    def term(self) -> SpanExpr:
        kind, text, _ = self.peek()
        if text == "(" and kind == "OP":
            self.take()
            inner = self.or_expr()
            self.take(")")
            return inner
        if text in ("true", "false") and kind == "IDENTIFIER":
            self.take()
            return text == "true"
        if kind != "IDENTIFIER":
            raise self.fail()
        self.i += 1
        attr = _ALIASES.get(text, text)
        if attr not in INTRINSICS and not attr.startswith(("resource.", "span.", ".")):
            raise self._error(self.tokens[self.i - 1][2], f"syntax error: unexpected IDENTIFIER {attr}")
        op = self.take(kind="OP")
        if op not in ("=", "!=", ">", ">=", "<", "<=", "=~", "!~"):
            self.i -= 1
            raise self.fail()
        vkind, vtext, _ = self.peek()
        self.i += 1
        if vkind == "STRING":
            return Cond(attr, op, re.sub(r"\\(.)", r"\1", vtext[1:-1]) if vtext[0] == '"' else vtext[1:-1])
        if vkind == "DURATION":
            return Cond(attr, op, parse_duration(vtext))
        if vkind == "NUMBER":
            return Cond(attr, op, float(vtext))
        if vkind == "IDENTIFIER" and vtext in _ENUMS | {"true", "false", "nil"}:
            return Cond(attr, op, {"true": True, "false": False}.get(vtext, vtext))
        self.i -= 1
        raise self.fail()


def parse_traceql(text: str) -> Query:
    """Parse a TraceQL query (empty means `{}`); raises `TraceQLError`."""
    if not text.strip():
        return Spanset(True)
    p = _Parser(text)
    result = p.query()
    if p.peek()[0] != "$end":
        raise p.fail()
    return result


def _cond(c: Cond, span: SpanView) -> bool:
    actual = span.value(c.attr)
    if c.value == "nil":
        return (actual is None) == (c.op == "=")
    if actual is None:
        return False
    if c.op in ("=~", "!~"):
        return isinstance(c.value, str) and (re.fullmatch(c.value, str(actual)) is not None) == (c.op == "=~")
    if isinstance(c.value, bool) or isinstance(actual, bool):
        return c.op in ("=", "!=") and (actual == c.value) == (c.op == "=")
    if isinstance(c.value, str) != isinstance(actual, str):
        return False
    pairs = {"=": actual == c.value, "!=": actual != c.value}
    if c.op in pairs:
        return pairs[c.op]
    a, b = (actual, c.value) if isinstance(actual, float) else (str(actual), str(c.value))
    return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[c.op]  # type: ignore[operator]


def _expr(e: SpanExpr, span: SpanView) -> bool:
    if isinstance(e, bool):
        return e
    if isinstance(e, Cond):
        return _cond(e, span)
    if isinstance(e, And):
        return _expr(e.lhs, span) and _expr(e.rhs, span)
    return _expr(e.lhs, span) or _expr(e.rhs, span)


def matching_spans(q: Query, spans: list[SpanView]) -> list[int] | None:
    """Indexes of the spans the query selects in one trace, or None when the trace does not match."""
    if isinstance(q, Spanset):
        found = [i for i, s in enumerate(spans) if _expr(q.expr, s)]
        return found or None
    left, right = matching_spans(q.lhs, spans), matching_spans(q.rhs, spans)
    if q.op == "&&":
        return sorted(set(left) | set(right)) if left is not None and right is not None else None
    merged = sorted(set(left or []) | set(right or []))
    return merged or None


def referenced(q: Query | SpanExpr) -> list[Cond]:
    """Every condition of the query (their attributes are returned with the matched spans)."""
    if isinstance(q, bool):
        return []
    if isinstance(q, Cond):
        return [q]
    if isinstance(q, Spanset):
        return referenced(q.expr)
    return referenced(q.lhs) + referenced(q.rhs)
