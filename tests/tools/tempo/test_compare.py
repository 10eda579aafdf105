"""Slow-versus-baseline maths on hand-made traces, and the TraceQL the comparison sends."""

from __future__ import annotations

import pytest

from tests.tools.tempo.builders import hex_id, spans_of
from tests.tools.tempo.compare_fixtures import baseline_trace, slow_trace
from tools.tempo import build_tree
from tools.tempo.compare import (
    TraceProfile,
    anchor_span,
    base_filter,
    contributions,
    duration_literal,
    percentile,
    profile,
)


def profiles(kind: str, count: int) -> list[TraceProfile]:
    make = slow_trace if kind == "slow" else baseline_trace
    found = []
    for i in range(count):
        tree = build_tree(spans_of(make()))
        made = profile(tree, cluster="hub", trace_id=f"{kind}{i}", service="checkout", operation=None)
        assert made is not None
        found.append(made)
    return found


def test_profile_covers_the_subtree_under_the_services_span_only() -> None:
    (slow,) = profiles("slow", 1)
    assert slow.duration_ns == 300_000_000
    assert slow.self_ns == {("checkout", "POST /checkout"): 50_000_000, ("postgres", "SELECT"): 250_000_000}
    assert slow.calls == {("checkout", "POST /checkout"): 1, ("postgres", "SELECT"): 3}


def test_contributions_rank_the_extra_self_time_and_its_share_of_the_latency_gap() -> None:
    ranked, slow_mean, base_mean = contributions(profiles("slow", 2), profiles("baseline", 3))
    assert (slow_mean, base_mean) == (300_000_000, 100_000_000)
    top = ranked[0]
    assert (top.service, top.span_name) == ("postgres", "SELECT")
    assert (top.slow_self_ms, top.baseline_self_ms, top.delta_ms, top.share) == (250.0, 50.0, 200.0, 1.0)
    assert (top.slow_calls, top.baseline_calls) == (3.0, 1.0)
    checkout = ranked[1]
    assert (checkout.span_name, checkout.delta_ms, checkout.share) == ("POST /checkout", 0.0, 0.0)
    assert all(c.service != "frontend" for c in ranked)


def test_no_group_means_nothing_to_rank() -> None:
    ranked, slow_mean, base_mean = contributions(profiles("slow", 1), [])
    assert ranked == [] and slow_mean == 300_000_000 and base_mean is None


def test_the_anchor_prefers_the_matched_span_then_the_longest_span_of_the_service() -> None:
    tree = build_tree(spans_of(slow_trace()))
    assert anchor_span(tree, "checkout", None, matched=[hex_id(3)]) == hex_id(3)
    assert anchor_span(tree, "postgres", "SELECT") == hex_id(3)
    assert anchor_span(tree, "nobody", None) is None
    assert profile(tree, cluster="c", trace_id="t", service="nobody", operation=None) is None


def test_traceql_filters_quote_names_and_write_durations() -> None:
    assert base_filter("checkout", None) == 'resource.service.name = "checkout"'
    assert base_filter('we"ird', "GET /a") == 'resource.service.name = "we\\"ird" && name = "GET /a"'
    assert duration_literal(500) == "500ms"
    assert duration_literal(1.5) == "1500us"


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([10, 20, 30, 40, 50], 50) == 30
    assert percentile([10, 20, 30, 40, 50], 90) == pytest.approx(46)
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
