"""Guardrails: which stream selectors are refused and why, the time window and the line limits."""

from __future__ import annotations

import pytest

from tests.tools.loki.builders import NS, T0, T0_NS
from tools.errors import ToolInputError
from tools.loki.guardrails import (
    LOKI_MAX_ENTRIES,
    check_label_name,
    check_limit,
    check_query,
    fetch_limit,
    is_log_query,
    plan_window,
    stream_selectors,
)

ACCEPTED = [
    '{namespace="payments"}',
    '{namespace="payments", pod=~"api-.*"}',
    '{namespace=~"payments|billing"}',
    '{namespace="payments"} |= "error" | json | level="error"',
    '{namespace="payments"} |~ "{not a selector}" | line_format "{{.msg}}"',
    'sum by (level) (count_over_time({namespace="payments"} | json [5m]))',
    "{namespace=`payments`}",
    '{app="a"} # a comment with {}',
    'count_over_time({app="a"}[1m]) / count_over_time({app="b"}[1m])',
]
REFUSED = [
    ("{}", "{}"),
    ('{namespace=~".+"}', '{namespace=~".+"}'),
    ('{namespace=~".*"}', '{namespace=~".*"}'),
    ('{namespace=~"pay.*"}', '{namespace=~"pay.*"}'),
    ('{namespace!="payments"}', '{namespace!="payments"}'),
    ('{namespace=""}', '{namespace=""}'),
    ('sum(rate({app="a"}[1m])) / sum(rate({job=~".+"}[1m]))', '{job=~".+"}'),
]


@pytest.mark.parametrize("query", ACCEPTED)
def test_selectors_that_name_streams_are_accepted(query: str) -> None:
    check_query(query)


@pytest.mark.parametrize(("query", "selector"), REFUSED)
def test_blanket_selectors_are_refused_saying_why_and_what_to_write(query: str, selector: str) -> None:
    with pytest.raises(ToolInputError) as caught:
        check_query(query)
    message = str(caught.value)
    assert selector in message
    assert "every log stream" in message
    assert '{namespace="payments"}' in message  # what to write instead
    assert "logs_label_values" in message


@pytest.mark.parametrize("query", ["", "   ", "vector(1)", 'rate("x"[5m])'])
def test_queries_without_any_selector_are_refused(query: str) -> None:
    with pytest.raises(ToolInputError):
        check_query(query)


def test_selector_scan_ignores_braces_inside_strings() -> None:
    found = stream_selectors('{a="x}"} |= "{b=\\"y\\"}" | line_format `{{.c}}`')
    assert [text for text, _ in found] == ['{a="x}"}']
    matchers = found[0][1]
    assert matchers is not None
    assert [(m.label, m.op, m.value) for m in matchers] == [("a", "=", "x}")]


def test_unterminated_strings_and_selectors_are_reported() -> None:
    with pytest.raises(ToolInputError, match="Unterminated string"):
        check_query('{a="x}')
    with pytest.raises(ToolInputError, match="Unclosed"):
        check_query('{a="x"')


def test_log_and_metric_queries_are_told_apart() -> None:
    assert is_log_query('  {a="b"} |= "x"')
    assert not is_log_query('rate({a="b"}[5m])')


def test_window_defaults_to_the_last_hour() -> None:
    window = plan_window(None, None, now=T0, default_range_s=3600, max_range_s=86400)
    assert (window.start_ns, window.end_ns) == (T0_NS - 3600 * NS, T0_NS)
    assert window.preceding().end_ns == window.start_ns
    assert window.preceding().seconds == 3600


def test_window_start_defaults_to_an_hour_before_a_given_end() -> None:
    window = plan_window(None, "now-2h", now=T0, default_range_s=3600, max_range_s=86400)
    assert (window.start_ns, window.end_ns) == (T0_NS - 3 * 3600 * NS, T0_NS - 2 * 3600 * NS)


@pytest.mark.parametrize(
    ("start", "end", "match"),
    [
        ("now-25h", None, "longer than the maximum of 1d"),
        ("now", "now-1h", "must be after"),
        ("yesterday", None, "not a time"),
    ],
)
def test_bad_windows_are_refused(start: str, end: str | None, match: str) -> None:
    with pytest.raises(ToolInputError, match=match):
        plan_window(start, end, now=T0, default_range_s=3600, max_range_s=86400)


def test_limits_and_the_extra_line_that_detects_truncation() -> None:
    check_limit(1)
    check_limit(LOKI_MAX_ENTRIES)
    for bad in (0, LOKI_MAX_ENTRIES + 1):
        with pytest.raises(ToolInputError, match="between 1 and 5000"):
            check_limit(bad)
    assert fetch_limit(200) == 201
    assert fetch_limit(LOKI_MAX_ENTRIES) == LOKI_MAX_ENTRIES  # Loki refuses more than its per-query maximum


def test_label_names_are_checked() -> None:
    check_label_name("kubernetes_namespace_name")
    with pytest.raises(ToolInputError):
        check_label_name("name space")
