"""What traces_get shows of a span tree: critical path, failed spans, slowest spans, services."""

from __future__ import annotations

from tests.tools.tempo.builders import HAND_MADE, S, hex_id, spans_of
from tools.tempo import SummaryLimits, build_tree
from tools.tempo.summary import ms, span_rows, summarise


def test_summary_names_the_critical_path_in_time_order_with_self_and_critical_time() -> None:
    result, notes = summarise(build_tree(spans_of(HAND_MADE)), cluster="hub", trace_id="abc")
    path = [(p.service, p.name, p.depth, p.self_ms, p.critical_ms) for p in result.critical_path]
    assert path == [
        ("frontend", "GET /checkout", 0, 30.0, 30.0),
        ("cart", "GetCart", 1, 10.0, 10.0),
        ("redis", "GET", 2, 20.0, 20.0),
        ("checkout", "PlaceOrder", 1, 10.0, 15.0),
        ("payments", "Charge", 2, 25.0, 25.0),
    ]
    assert result.critical_path_spans == 5
    assert result.duration_ms == 100.0
    assert (result.root_service, result.root_name, result.span_count, result.max_depth) == (
        "frontend",
        "GET /checkout",
        7,
        2,
    )
    assert notes == []


def test_failed_spans_list_likely_origins_first_with_their_message() -> None:
    result, _ = summarise(build_tree(spans_of(HAND_MADE)), cluster="hub", trace_id="abc")
    assert [(e.name, e.origin, e.message) for e in result.errors] == [
        ("Charge", True, "card expired"),
        ("PlaceOrder", False, "payment declined"),
    ]
    assert result.error_count == 2
    assert result.critical_path[-1].error is True


def test_slowest_spans_rank_by_self_time_and_services_sum_it() -> None:
    result, _ = summarise(build_tree(spans_of(HAND_MADE)), cluster="hub", trace_id="abc")
    assert [(s.name, s.self_ms) for s in result.slowest_spans[:3]] == [
        ("GET /checkout", 30.0),
        ("Charge", 25.0),
        ("GET", 20.0),
    ]
    services = {s.service: (s.spans, s.errors, s.self_ms) for s in result.services}
    assert services["frontend"] == (2, 0, 40.0)
    assert services["checkout"] == (1, 1, 10.0)
    assert result.services[0].service == "frontend"
    ops = [(o.service, o.name, o.critical_ms) for o in result.critical_by_operation]
    assert ops[0] == ("frontend", "GET /checkout", 30.0)
    assert sum(o.critical_ms for o in result.critical_by_operation) == 100.0


def test_a_long_critical_path_keeps_the_most_critical_spans_with_their_ancestors_and_says_so() -> None:
    # A chain n1 -> n2 -> ... -> n10, each child covering its parent but the last 5 ms; n10 has 55 ms critical.
    chain = [S(1, None, "svc", "n1", 0, 100)] + [
        S(i, i - 1, "svc", f"n{i}", 0, 100 - 5 * (i - 1)) for i in range(2, 11)
    ]
    result, notes = summarise(build_tree(spans_of(chain)), cluster="c", trace_id="t", limits=SummaryLimits(path=4))
    assert len(result.critical_path) == 4
    shown = [p.span_id for p in result.critical_path]
    # The two most critical (n10, then n1 of the 5 ms ties), then the shallowest ancestors of n10 on the path.
    assert shown == [hex_id(1), hex_id(2), hex_id(3), hex_id(10)]
    assert [p.depth for p in result.critical_path] == [0, 1, 2, 9]
    assert result.critical_path_spans == 10
    assert any("critical path has 10 spans" in n for n in notes)


def test_orphans_are_noted() -> None:
    spans = [S(1, None, "a", "root", 0, 10), S(2, 42, "b", "lost", 0, 5)]
    _, notes = summarise(build_tree(spans_of(spans)), cluster="c", trace_id="t")
    assert any("1 spans name a parent missing" in n for n in notes)


def test_span_rows_are_depth_first_with_offsets() -> None:
    rows = span_rows(build_tree(spans_of(HAND_MADE)))
    assert [int(r.span_id, 16) for r in rows] == [1, 2, 5, 7, 3, 4, 6]
    assert rows[1].start_ms == 10.0 and rows[1].parent_id == hex_id(1)
    assert rows[-1].error is True and rows[0].error is None


def test_milliseconds_keep_sub_millisecond_precision() -> None:
    assert ms(1_234_567) == 1.2
    assert ms(123_456) == 0.123
