"""AlertQuery: exact values quoted for Alertmanager, raw matchers kept verbatim, state switches checked."""

from __future__ import annotations

import pytest

from tools.alertmanager import AlertFlags, AlertQuery, equality_matcher
from tools.errors import ToolInputError


def test_exact_values_are_quoted_and_escaped_so_they_match_literally() -> None:
    assert equality_matcher("team", "x") == 'team="x"'
    assert equality_matcher("summary", 'say "hi"\\now\n') == 'summary="say \\"hi\\"\\\\now\\n"'


def test_a_label_name_that_alertmanager_cannot_parse_is_refused_locally() -> None:
    with pytest.raises(ToolInputError, match="not a label name"):
        equality_matcher("bad name", "x")


def test_named_filters_come_first_then_free_matchers_then_raw_ones() -> None:
    query = AlertQuery.build(
        severity="critical",
        namespace="shop",
        label_matchers={"team": "storage"},
        filters=[' pod=~"web-.*" ', ""],
    )
    assert query.matchers == ['severity="critical"', 'namespace="shop"', 'team="storage"', 'pod=~"web-.*"']
    assert query.narrowed


@pytest.mark.parametrize(
    ("state", "silenced", "inhibited", "expected"),
    [
        ("active", None, None, AlertFlags(True, False, False, False)),
        ("suppressed", None, None, AlertFlags(False, True, True, False)),
        ("suppressed", None, False, AlertFlags(False, True, False, False)),
        ("unprocessed", None, None, AlertFlags(False, False, False, True)),
        ("any", False, None, AlertFlags(True, False, True, True)),
        ("active", True, None, AlertFlags(True, True, False, False)),
    ],
)
def test_state_sets_alertmanagers_switches_and_the_flags_override_them(
    state: str, silenced: bool | None, inhibited: bool | None, expected: AlertFlags
) -> None:
    query = AlertQuery.build(state=state, silenced=silenced, inhibited=inhibited)  # type: ignore[arg-type]
    assert query.flags == expected


def test_switches_that_exclude_every_alert_are_refused() -> None:
    with pytest.raises(ToolInputError, match="excludes every alert"):
        AlertQuery.build(state="suppressed", silenced=False, inhibited=False)


def test_an_unfiltered_active_query_is_not_narrowed_but_naming_watchdog_is_recognised() -> None:
    assert not AlertQuery.build(state="active").narrowed
    assert AlertQuery.build(alertname="Watchdog").names_alertname("Watchdog")
    assert not AlertQuery.build(filters=['alertname=~"Watch.*"']).names_alertname("Watchdog")
