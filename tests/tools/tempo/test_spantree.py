"""Span-tree maths on hand-made traces: self times and the critical path, exact to the nanosecond."""

from __future__ import annotations

from tests.tools.tempo.builders import HAND_MADE, T0_NS, S, hex_id, spans_of
from tools.tempo import build_tree, critical_path, critical_times
from tools.tempo.spantree import union_ns

MS = 1_000_000


def test_self_time_is_duration_minus_the_union_of_children() -> None:
    tree = build_tree(spans_of(HAND_MADE))
    self_ms = {sid: ns / MS for sid, ns in tree.self_ns.items()}
    # A: 100 - |[10,40] u [20,30] u [50,90]| = 30; C: 40 - |[55,70] u [60,85]| = 10.
    assert self_ms == {
        hex_id(1): 30,
        hex_id(2): 10,
        hex_id(5): 20,
        hex_id(7): 10,
        hex_id(3): 10,
        hex_id(4): 15,
        hex_id(6): 25,
    }


def test_critical_path_walks_back_from_the_end_through_the_last_finishing_children() -> None:
    tree = build_tree(spans_of(HAND_MADE))
    segments = [(int(s.span_id, 16), (s.start_ns - T0_NS) / MS, (s.end_ns - T0_NS) / MS) for s in critical_path(tree)]
    assert segments == [
        (1, 0, 10),
        (2, 10, 15),
        (5, 15, 35),
        (2, 35, 40),
        (1, 40, 50),
        (3, 50, 60),
        (6, 60, 85),
        (3, 85, 90),
        (1, 90, 100),
    ]


def test_critical_times_add_up_to_the_root_duration_and_skip_overlapped_spans() -> None:
    tree = build_tree(spans_of(HAND_MADE))
    times = {int(k, 16): v / MS for k, v in critical_times(critical_path(tree)).items()}
    assert times == {1: 30, 2: 10, 5: 20, 3: 15, 6: 25}
    assert sum(times.values()) == 100
    assert 4 not in times and 7 not in times  # D overlapped by F, G finished before B


def test_sequential_children_that_touch_are_both_on_the_path() -> None:
    spans = [S(1, None, "a", "root", 0, 30), S(2, 1, "b", "first", 0, 10), S(3, 1, "c", "second", 10, 30)]
    times = {int(k, 16): v / MS for k, v in critical_times(critical_path(build_tree(spans_of(spans)))).items()}
    assert times == {2: 10, 3: 20}


def test_a_child_outliving_its_parent_is_clipped_for_the_path_but_keeps_its_own_self_time() -> None:
    spans = [S(1, None, "a", "root", 0, 50), S(2, 1, "b", "async", 40, 80)]
    tree = build_tree(spans_of(spans))
    times = {int(k, 16): v / MS for k, v in critical_times(critical_path(tree)).items()}
    assert times == {1: 40, 2: 10}
    assert tree.self_ns[hex_id(1)] == 40 * MS
    assert tree.self_ns[hex_id(2)] == 40 * MS


def test_a_child_starting_after_its_parent_ended_is_not_on_the_path() -> None:
    spans = [S(1, None, "a", "root", 0, 50), S(2, 1, "b", "late", 60, 90)]
    times = critical_times(critical_path(build_tree(spans_of(spans))))
    assert list(times) == [hex_id(1)]


def test_orphans_become_extra_roots_and_the_longest_true_root_is_the_trace_root() -> None:
    spans = [S(1, None, "a", "root", 0, 100), S(2, 99, "b", "orphan", 10, 200), S(3, 1, "c", "child", 10, 20)]
    tree = build_tree(spans_of(spans))
    assert tree.root == hex_id(1)
    assert tree.orphans == 1
    assert tree.roots == [hex_id(1), hex_id(2)]
    assert tree.depth[hex_id(3)] == 1


def test_a_parent_cycle_is_broken_instead_of_looping() -> None:
    spans = [S(1, None, "a", "root", 0, 100), S(2, 3, "b", "x", 10, 20), S(3, 2, "c", "y", 12, 18)]
    tree = build_tree(spans_of(spans))
    assert set(tree.depth) == {hex_id(1), hex_id(2), hex_id(3)}
    assert len(tree.order) == 3


def test_subtree_lists_a_span_and_everything_below_it() -> None:
    tree = build_tree(spans_of(HAND_MADE))
    assert [int(i, 16) for i in tree.subtree(hex_id(3))] == [3, 4, 6]


def test_union_merges_overlapping_and_touching_intervals() -> None:
    assert union_ns([(0, 10), (5, 15), (15, 20), (30, 40)]) == 30
    assert union_ns([]) == 0
