"""Guardrails applied before any LogQL leaves the process: stream selectors, time window and line limits.

* Every stream selector must name streams: at least one matcher ``label="value"`` with a non-empty value (or a
  regex that is only a list of literal values, ``namespace=~"payments|billing"``). ``{}``, ``{namespace=~".+"}``
  or ``{app!="x"}`` would make Loki read every stream of the tenant: slow for Loki, useless as an answer.
* The window defaults to the last hour and may span at most ``max_range_s`` (24 h by default).
* Line limits default to 200 and stop at Loki's own default per-query maximum (5,000). Loki is asked for
  ``limit + 1`` lines so that the answer can say whether it was cut.

LogQL itself is not parsed here: Loki does that and its errors are passed back verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.errors import ToolInputError
from tools.timespec import format_duration, format_rfc3339, parse_time

__all__ = [
    "LOKI_MAX_ENTRIES",
    "Matcher",
    "Window",
    "check_label_name",
    "check_limit",
    "check_query",
    "fetch_limit",
    "is_log_query",
    "plan_window",
    "stream_selectors",
]

LOKI_MAX_ENTRIES = 5_000  # Loki's default max_entries_limit_per_query: it refuses a larger limit with HTTP 400
NS = 1_000_000_000

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LABEL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_OPERATOR = re.compile(r"=~|!~|!=|=")
_LITERAL_ALTERNATION = re.compile(r"^[A-Za-z0-9_\-/:@ ]+(?:\|[A-Za-z0-9_\-/:@ ]+)*$")
_SELECTOR_HINT = (
    'Name the streams with an exact matcher, e.g. {namespace="payments"} or {namespace="payments", pod=~"api-.*"} '
    '(a list of exact values also works: {namespace=~"payments|billing"}). '
    "Use logs_label_values to see which namespaces, apps or pods exist."
)


@dataclass(frozen=True)
class Matcher:
    """One label matcher of a stream selector, with its value unquoted."""

    label: str
    op: str
    value: str

    def names_streams(self) -> bool:
        """True when this matcher alone limits the query to a known set of streams."""
        if self.op == "=":
            return self.value != ""
        return self.op == "=~" and bool(_LITERAL_ALTERNATION.match(self.value))


def _string_end(text: str, start: int) -> int:
    """Index just past the string literal opening at ``start`` (``"..."`` with escapes, or raw backticks)."""
    quote = text[start]
    i = start + 1
    while i < len(text):
        if text[i] == "\\" and quote != "`":
            i += 2
            continue
        if text[i] == quote:
            return i + 1
        i += 1
    raise ToolInputError(f"Unterminated string starting at position {start} of the query.", hint="Close the quote.")


def _unquote(literal: str) -> str:
    if literal.startswith("`"):
        return literal[1:-1]
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def _parse_matchers(text: str, start: int) -> tuple[list[Matcher] | None, int]:
    """Matchers of the selector whose ``{`` is at ``start`` and the index after its ``}`` (``None``: not plain)."""
    matchers: list[Matcher] = []
    i, n = start + 1, len(text)
    plain = True
    while i < n:
        while i < n and (text[i].isspace() or text[i] == ","):
            i += 1
        if i < n and text[i] == "}":
            return (matchers if plain else None), i + 1
        ident = _IDENT.match(text, i)
        op = _OPERATOR.match(text, ident.end()) if ident else None
        if ident is None or op is None:
            plain = False
            i = _skip_to_close(text, i)
            continue
        j = op.end()
        while j < n and text[j].isspace():
            j += 1
        if j >= n or text[j] not in '"`':
            plain = False
            i = _skip_to_close(text, j)
            continue
        end = _string_end(text, j)
        matchers.append(Matcher(ident.group(), op.group(), _unquote(text[j:end])))
        i = end
    raise ToolInputError("Unclosed '{' in the query.", hint='Close the stream selector: {namespace="payments"}.')


def _skip_to_close(text: str, i: int) -> int:
    """Index of the next ``}`` (or ``,``) outside strings, for selectors we do not understand (Loki will judge)."""
    while i < len(text) and text[i] not in "},":
        i = _string_end(text, i) if text[i] in '"`' else i + 1
    return i


def stream_selectors(logql: str) -> list[tuple[str, list[Matcher] | None]]:
    """Every stream selector of ``logql``: its source text and its matchers (``None`` when not a plain selector).

    Outside string literals the only braces LogQL has are stream selectors, so a scan for ``{`` finds them all.
    """
    found: list[tuple[str, list[Matcher] | None]] = []
    i, n = 0, len(logql)
    while i < n:
        ch = logql[i]
        if ch in '"`':
            i = _string_end(logql, i)
        elif ch == "#":  # a comment runs to the end of the line
            newline = logql.find("\n", i)
            i = n if newline < 0 else newline + 1
        elif ch == "{":
            matchers, end = _parse_matchers(logql, i)
            found.append((logql[i:end], matchers))
            i = end
        else:
            i += 1
    return found


def is_log_query(logql: str) -> bool:
    """True for a log query (it starts with a stream selector); metric queries start with a function."""
    return logql.lstrip().startswith("{")


def check_query(logql: str) -> None:
    """Raise ``ToolInputError`` unless every stream selector of ``logql`` names streams (see the module docstring)."""
    if not logql.strip():
        raise ToolInputError("The query is empty.", hint='Write LogQL such as {namespace="payments"} |= "error".')
    selectors = stream_selectors(logql)
    if not selectors:
        raise ToolInputError(
            f"Refused query {logql!r}: it has no stream selector, so it reads no logs.", hint=_SELECTOR_HINT
        )
    for text, matchers in selectors:
        if matchers is None:
            continue  # not a plain selector: Loki's parser will say what is wrong with it
        if not any(m.names_streams() for m in matchers):
            raise ToolInputError(
                f'Refused query {logql!r}: the stream selector {text} has no exact matcher (label="value"), so it '
                "would make Loki read every log stream of the tenant (slow for Loki, useless as an answer).",
                hint=_SELECTOR_HINT,
            )


@dataclass(frozen=True)
class Window:
    """An absolute, validated time window in unix nanoseconds."""

    start_ns: int
    end_ns: int

    @property
    def seconds(self) -> float:
        """Length of the window in seconds."""
        return (self.end_ns - self.start_ns) / NS

    def describe(self) -> str:
        """``<start> .. <end>`` in RFC3339, for notes and error messages."""
        return f"{format_rfc3339(self.start_ns / NS)} .. {format_rfc3339(self.end_ns / NS)}"

    def preceding(self) -> Window:
        """The window of the same length that ends where this one starts (the default burst baseline)."""
        return Window(self.start_ns - (self.end_ns - self.start_ns), self.start_ns)


def plan_window(
    start: str | float | None,
    end: str | float | None,
    *,
    now: float,
    default_range_s: float,
    max_range_s: float,
) -> Window:
    """Resolve ``start``/``end`` (defaults: ``default_range_s`` before ``end``, and now); refuse bad ranges."""
    end_s = now if end is None else parse_time(end, now=now, name="end")
    start_s = end_s - default_range_s if start is None else parse_time(start, now=now, name="start")
    if end_s <= start_s:
        raise ToolInputError(
            f"end ({format_rfc3339(end_s)}) must be after start ({format_rfc3339(start_s)}).",
            hint="For the last hour use start='now-1h', end='now'.",
        )
    if end_s - start_s > max_range_s:
        raise ToolInputError(
            f"The range {format_duration(end_s - start_s)} is longer than the maximum of "
            f"{format_duration(max_range_s)} for log queries.",
            hint=f"Query at most {format_duration(max_range_s)} at a time, or count lines with a metric query such as "
            'sum by (level) (count_over_time({namespace="payments"}[1h])) over shorter ranges.',
        )
    return Window(round(start_s * NS), round(end_s * NS))


def check_limit(limit: int, maximum: int = LOKI_MAX_ENTRIES, *, name: str = "limit") -> None:
    """Refuse a line limit outside ``1..maximum``."""
    if not 1 <= limit <= maximum:
        raise ToolInputError(
            f"{name} must be between 1 and {maximum}, got {limit}.",
            hint='Use the default and narrow the query (a line filter such as |= "error", a shorter range).',
        )


def check_label_name(label: str) -> None:
    """Refuse a string that cannot be a Loki label name (it would be spliced into the request path)."""
    if not _LABEL_NAME.match(label):
        raise ToolInputError(
            f"{label!r} is not a label name.", hint="Label names look like namespace, pod or level; see logs_labels."
        )


def fetch_limit(limit: int) -> int:
    """The ``limit`` to send Loki: one more line than wanted, to learn whether more exist (never above 5,000)."""
    return min(limit + 1, LOKI_MAX_ENTRIES)
