"""A small PromQL tokenizer, enough to find series selectors and refuse the ones that match every series.

It understands strings (all three quote styles, escapes), ``[...]`` ranges and subqueries, comments, braces
and parentheses. It does not parse PromQL: Prometheus does that and its errors are passed back verbatim. The
one thing we refuse ourselves is a *blanket* selector such as ``{__name__=~".+"}``, which asks for the whole
TSDB.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

from tools.errors import ToolInputError

__all__ = ["Token", "add_matcher", "check_not_blanket", "find_blanket_selector", "regex_any_of", "tokenize"]

TokenKind = Literal[
    "string", "ident", "number", "range", "lbrace", "rbrace", "lparen", "rparen", "comma", "op", "other"
]


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind, its exact source text and where it starts."""

    kind: TokenKind
    text: str
    pos: int


_IDENT = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
_NUMBER = re.compile(r"[0-9.][0-9A-Za-z_.]*")  # numbers, hex and durations (5m, 1h30m) alike
_OPERATORS = ("=~", "!~", "!=", "==", ">=", "<=", "=", ">", "<", "+", "-", "*", "/", "%", "^", "@")
_SINGLE: dict[str, TokenKind] = {"{": "lbrace", "}": "rbrace", "(": "lparen", ")": "rparen", ",": "comma"}

# Regexes that match every value (after stripping anchors and a wrapping group). ``.+`` counts: every series
# has a name, and almost every series has ``job``/``instance``, so ``{job=~".+"}`` is the whole TSDB too.
_ANY_REGEXES = {".*", ".+", ".*?", ".+?", "[\\s\\S]*", "[\\s\\S]+", "(?s).*", "(?s).+"}
_EMPTY_VALUES = {"", "^$"}
# Identifiers that can sit right before a selector's "{" without being its metric name.
_KEYWORDS = {
    "and",
    "or",
    "unless",
    "bool",
    "offset",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
}

_BLANKET_HINT = (
    "Name a metric (e.g. up, node_cpu_seconds_total, DCGM_FI_DEV_GPU_UTIL) or add a narrowing matcher such as "
    '{namespace="x"} or {__name__=~"DCGM_.*"}. To discover metric names use the metric-name listing tool.'
)


def tokenize(promql: str) -> list[Token]:
    """Split ``promql`` into tokens; raise ``ToolInputError`` for an unterminated string or range."""
    tokens: list[Token] = []
    i, n = 0, len(promql)
    while i < n:
        ch = promql[i]
        if ch.isspace():
            i += 1
        elif ch == "#":  # comment to end of line
            end = promql.find("\n", i)
            i = n if end < 0 else end + 1
        elif ch in "\"'`":
            end = _string_end(promql, i)
            tokens.append(Token("string", promql[i:end], i))
            i = end
        elif ch == "[":
            end = promql.find("]", i)
            if end < 0:
                raise ToolInputError(f"Unclosed '[' at position {i} of the query.", hint="Close the range: x[5m].")
            tokens.append(Token("range", promql[i : end + 1], i))
            i = end + 1
        elif ch in _SINGLE:
            tokens.append(Token(_SINGLE[ch], ch, i))
            i += 1
        elif match := _IDENT.match(promql, i):
            tokens.append(Token("ident", match.group(), i))
            i = match.end()
        elif match := _NUMBER.match(promql, i):
            tokens.append(Token("number", match.group(), i))
            i = match.end()
        else:
            op = next((o for o in _OPERATORS if promql.startswith(o, i)), None)
            tokens.append(Token("op", op, i) if op else Token("other", ch, i))
            i += len(op) if op else 1
    return tokens


def _string_end(text: str, start: int) -> int:
    """Index just past the string literal opening at ``start``."""
    quote = text[start]
    i = start + 1
    while i < len(text):
        if text[i] == "\\" and quote != "`":  # backtick strings are raw
            i += 2
            continue
        if text[i] == quote:
            return i + 1
        i += 1
    raise ToolInputError(f"Unterminated string starting at position {start} of the query.", hint="Close the quote.")


def _unquote(token: Token) -> str:
    """The value of a string token (escapes resolved as far as matters for blanket detection)."""
    if token.text.startswith("`"):
        return token.text[1:-1]
    body = token.text[1:-1]
    if token.text.startswith("'"):
        body = body.replace('"', '\\"').replace("\\'", "'")
    try:
        value = json.loads(f'"{body}"')
    except ValueError:
        return body
    return value if isinstance(value, str) else body


def _matches_anything(op: str, value: str) -> bool:
    if op == "=~":
        core = value.removeprefix("^").removesuffix("$")
        for prefix in ("(?:", "("):
            if core.startswith(prefix) and core.endswith(")"):
                core = core[len(prefix) : -1]
                break
        return core in _ANY_REGEXES
    if op == "!=":
        return value == ""
    if op == "!~":
        return value in _EMPTY_VALUES
    return False


def find_blanket_selector(promql: str) -> str | None:
    """The first selector in ``promql`` that has no metric name and only match-anything matchers, or ``None``."""
    tokens = tokenize(promql)
    for index, token in enumerate(tokens):
        if token.kind != "lbrace":
            continue
        close = next((j for j in range(index + 1, len(tokens)) if tokens[j].kind == "rbrace"), None)
        if close is None:
            return None  # malformed: Prometheus will explain better than we can
        before = tokens[index - 1] if index > 0 else None
        has_name = before is not None and before.kind == "ident" and before.text.lower() not in _KEYWORDS
        if has_name or not _all_match_anything(tokens[index + 1 : close]):
            continue
        end = tokens[close].pos + 1
        return promql[token.pos : end]
    return None


def _all_match_anything(inner: list[Token]) -> bool:
    """True when every matcher between the braces matches any value (an empty ``{}`` counts)."""
    items: list[list[Token]] = [[]]
    for token in inner:
        if token.kind == "comma":
            items.append([])
        else:
            items[-1].append(token)
    for item in (i for i in items if i):
        if len(item) == 1 and item[0].kind == "string":  # {"metric.name"}: a quoted metric name (Prometheus 3)
            return False
        if len(item) != 3 or item[1].kind != "op" or item[2].kind != "string":
            return False  # not a plain matcher: let Prometheus judge
        if not _matches_anything(item[1].text, _unquote(item[2])):
            return False
    return True


def check_not_blanket(promql: str, *, what: str = "query") -> None:
    """Raise ``ToolInputError`` when ``promql`` is empty or contains a selector that matches every series."""
    if not promql.strip():
        raise ToolInputError(f"The {what} is empty.", hint="Write a PromQL expression, e.g. up or rate(x[5m]).")
    blanket = find_blanket_selector(promql)
    if blanket is not None:
        raise ToolInputError(
            f"Refused {what} {promql!r}: the selector {blanket} has no metric name and every matcher in it matches "
            "any value, so it selects every series in the database (slow for Prometheus, useless as an answer).",
            hint=_BLANKET_HINT,
        )


def regex_any_of(values: list[str]) -> str:
    """An RE2 alternation matching exactly ``values`` (metacharacters escaped)."""
    return "|".join(re.sub(r"([\\.+*?()|\[\]{}^$])", r"\\\1", v) for v in values)


def add_matcher(selector: str, label: str, regex: str) -> str:
    """``selector`` (a series selector such as ``up`` or ``up{job="x"}``) narrowed by ``label=~regex``."""
    matcher = f"{label}=~{json.dumps(regex)}"
    tokens = tokenize(selector)
    brace = next((i for i, t in enumerate(tokens) if t.kind == "lbrace"), None)
    if brace is None:
        return f"{selector.strip()}{{{matcher}}}"
    at = tokens[brace].pos + 1
    empty = brace + 1 < len(tokens) and tokens[brace + 1].kind == "rbrace"
    return selector[:at] + matcher + ("" if empty else ",") + selector[at:]
