"""Time parsing, steps, range limits and blanket-selector refusal."""

from __future__ import annotations

import pytest

from tools.errors import ToolInputError
from tools.prometheus.guardrails import auto_step, plan_instant, plan_range
from tools.prometheus.selectors import add_matcher, check_not_blanket, find_blanket_selector, regex_any_of
from tools.timespec import format_duration, format_rfc3339, parse_duration, parse_step, parse_time

NOW = 1_700_000_000.0
WEEK = 7 * 24 * 3600


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("NOW", NOW),
        ("now-1h", NOW - 3600),
        ("now - 30m", NOW - 1800),
        ("now+5m", NOW + 300),
        ("1h", NOW - 3600),
        ("30m", NOW - 1800),
        ("7d", NOW - 7 * 86400),
        ("1h30m", NOW - 5400),
        ("1699990000", 1_699_990_000.0),
        ("1699990000.5", 1_699_990_000.5),
        (1_699_990_000, 1_699_990_000.0),
        ("2023-11-14T22:13:20Z", NOW),
        ("2023-11-14T23:13:20+01:00", NOW),
        ("2023-11-14T22:13:20", NOW),
        ("2023-11-14T22:13:20.250Z", NOW + 0.25),
    ],
)
def test_times_are_parsed_in_every_supported_form(text: str | int, expected: float) -> None:
    assert parse_time(text, now=NOW) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["yesterday", "now-1x", "10 minutes ago", "2023-13-45", "-5m", "1699990000000"])
def test_unreadable_times_raise_with_a_hint(text: str) -> None:
    with pytest.raises(ToolInputError) as info:
        parse_time(text, now=NOW, name="start")
    assert info.value.hint
    assert "start" in str(info.value)


def test_milliseconds_are_called_out() -> None:
    with pytest.raises(ToolInputError, match="milliseconds"):
        parse_time(1_700_000_000_000, now=NOW)


@pytest.mark.parametrize(
    ("text", "seconds"), [("15s", 15), ("1m", 60), ("1h30m", 5400), ("500ms", 0.5), ("2w", 1_209_600)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("value", "seconds"), [("15s", 15), ("1m", 60), (30, 30), ("60", 60), (2.5, 2.5), (None, None)]
)
def test_steps(value: str | float | None, seconds: float | None) -> None:
    assert parse_step(value) == seconds


@pytest.mark.parametrize("value", ["0", 0, -15, "fast", "15 s"])
def test_bad_steps_raise(value: str | float) -> None:
    with pytest.raises(ToolInputError):
        parse_step(value)


def test_formatting() -> None:
    assert format_rfc3339(NOW) == "2023-11-14T22:13:20Z"
    assert format_rfc3339(NOW + 0.5) == "2023-11-14T22:13:20.500Z"
    assert format_duration(5400) == "1h30m"
    assert format_duration(WEEK) == "7d"


@pytest.mark.parametrize(
    ("range_s", "step"),
    [
        (300, 15),
        (3600, 15),
        (3 * 3600, 60),
        (6 * 3600, 120),
        (24 * 3600, 600),
        (WEEK, 3600),
        (30 * 86400, 10800),
        (365 * 86400, 2 * 86400),
    ],
)
def test_auto_step_is_range_over_240_rounded_up_to_a_nice_value(range_s: float, step: float) -> None:
    assert auto_step(range_s) == step
    assert range_s / auto_step(range_s) <= 240


def test_plan_range_resolves_relative_bounds_against_one_now() -> None:
    plan = plan_range("now-1h", "now", None, now=NOW, max_range_s=WEEK, max_points_per_series=11_000)
    assert (plan.start, plan.end, plan.step, plan.notes) == (NOW - 3600, NOW, 15.0, ())


def test_explicit_step_is_raised_to_respect_the_point_limit_and_the_change_is_noted() -> None:
    plan = plan_range("now-7d", "now", "1s", now=NOW, max_range_s=WEEK, max_points_per_series=11_000)
    assert plan.step == 55  # ceil(604800 / 10999)
    assert (plan.end - plan.start) / plan.step + 1 <= 11_000
    assert len(plan.notes) == 1
    assert "raised from 1s to 55s" in plan.notes[0]
    assert "11000" in plan.notes[0]


def test_explicit_step_within_limits_is_kept() -> None:
    plan = plan_range("now-1h", "now", "5s", now=NOW, max_range_s=WEEK, max_points_per_series=11_000)
    assert plan.step == 5
    assert plan.notes == ()


def test_auto_step_also_respects_a_small_point_limit() -> None:
    plan = plan_range("now-1h", "now", None, now=NOW, max_range_s=WEEK, max_points_per_series=11)
    assert plan.step == 360
    assert (plan.end - plan.start) / plan.step + 1 <= 11


def test_too_long_range_is_refused_naming_the_maximum_and_suggesting_alternatives() -> None:
    with pytest.raises(ToolInputError) as info:
        plan_range("now-8d", "now", None, now=NOW, max_range_s=WEEK, max_points_per_series=11_000)
    message = str(info.value)
    assert "8d" in message
    assert "maximum of 7d" in message
    assert "larger step" in message
    assert "recording rule" in message


@pytest.mark.parametrize(("start", "end"), [("now", "now-1h"), ("now", "now")])
def test_end_must_be_after_start(start: str, end: str) -> None:
    with pytest.raises(ToolInputError, match="must be after start"):
        plan_range(start, end, None, now=NOW, max_range_s=WEEK, max_points_per_series=11_000)


def test_instant_time_defaults_to_now() -> None:
    assert plan_instant(None, now=NOW) == NOW
    assert plan_instant("now-5m", now=NOW) == NOW - 300


@pytest.mark.parametrize(
    "promql",
    [
        '{__name__=~".+"}',
        '{__name__=~".*"}',
        '{job=~".*"}',
        '{__name__!=""}',
        '{job=~".+", namespace!=""}',
        '{__name__=~"^.*$"}',
        "{__name__=~'.+'}",
        "{__name__=~`.+`}",
        "{}",
        'count({__name__=~".+"})',
        'sum by (job) (rate({job=~".+"}[5m]))',
        'up and {__name__=~".+"}',
        'up offset 5m or {__name__!~""}',
    ],
)
def test_blanket_selectors_are_refused_with_why_and_what_instead(promql: str) -> None:
    with pytest.raises(ToolInputError) as info:
        check_not_blanket(promql)
    message = str(info.value)
    assert "every series" in message
    assert "Name a metric" in message


@pytest.mark.parametrize(
    "promql",
    [
        "up",
        "rate(x[5m])",
        'sum by (namespace) (rate(container_cpu_usage_seconds_total{namespace=~"shop|cart"}[5m]))',
        '{__name__=~"DCGM_.*"}',
        'x{a=~".+"}',
        'node_cpu_seconds_total{mode!=""}',
        'topk(5, sum by (pod) (rate(http_requests_total{code=~"5.."}[5m])))',
        "max_over_time(rate(x[5m])[1h:5m])",
        "rate(x[5m] offset 1d)",
        'x{a="}{__name__=~\\".+\\"}"}',
        '{__name__=~".+", job="api"}',
        '{"my.dotted.metric"}',
        'histogram_quantile(0.99, sum by (le) (rate(h_bucket{job="api"}[5m]))) # {__name__=~".+"} in a comment',
        "vector(1) + on() group_left sum(up)",
        "time() - process_start_time_seconds",
        "x @ 1700000000",
    ],
)
def test_normal_promql_is_allowed(promql: str) -> None:
    check_not_blanket(promql)
    assert find_blanket_selector(promql) is None


def test_empty_query_is_refused() -> None:
    with pytest.raises(ToolInputError, match="empty"):
        check_not_blanket("  ")


@pytest.mark.parametrize("promql", ['up{job="api}', "rate(x[5m)"])
def test_unterminated_strings_and_ranges_are_reported(promql: str) -> None:
    with pytest.raises(ToolInputError, match="position"):
        check_not_blanket(promql)


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("up", 'up{cluster=~"a|b"}'),
        ('up{job="x"}', 'up{cluster=~"a|b",job="x"}'),
        ("up{}", 'up{cluster=~"a|b"}'),
        ('{__name__=~"DCGM_.*"}', '{cluster=~"a|b",__name__=~"DCGM_.*"}'),
    ],
)
def test_add_matcher_narrows_a_series_selector(selector: str, expected: str) -> None:
    assert add_matcher(selector, "cluster", "a|b") == expected


def test_regex_any_of_escapes_metacharacters() -> None:
    assert regex_any_of(["a.b", "c"]) == "a\\.b|c"
