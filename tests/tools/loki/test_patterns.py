"""Template mining: masking, drain3 clustering, exact counts, window/baseline counts, first/last seen, examples."""

from __future__ import annotations

import pytest

from tools.loki.patterns import MAX_MINED_LINE_CHARS, PatternMiner, mask_line, mine


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("user 42 logged in", "user <NUM> logged in"),
        ("from 10.1.2.3:8080 and 192.168.0.1", "from <IP> and <IP>"),
        ("id 123e4567-e89b-12d3-a456-426614174000 done", "id <UUID> done"),
        ("trace 3f2a9c1e8b7d6a5f sent", "trace <HEX> sent"),
        ("addr 0xdeadbeef", "addr <HEX>"),
        ("took 1.5ms, 12 rows", "took <NUM>ms, <NUM> rows"),
        ("at 2026-11-03T10:00:00.123Z ok", "at <TS> ok"),
        ("bytes 12345678", "bytes <NUM>"),  # a long run of digits is a number, not a hex id
        ("no variables here", "no variables here"),
    ],
)
def test_masking_replaces_variable_parts(line: str, masked: str) -> None:
    assert mask_line(line) == masked


def known_lines() -> list[tuple[int, str]]:
    lines = [(100 + i, f"user {i} logged in from 10.0.0.{i}") for i in range(5)]
    lines += [
        (200, "payment 123e4567-e89b-12d3-a456-426614174000 declined reason=insufficient_funds"),
        (201, "payment 00000000-0000-4000-8000-000000000001 declined reason=insufficient_funds"),
        (202, "payment 123e4567-e89b-12d3-a456-4266141740ff declined reason=insufficient_funds"),
        (300, "GC pause 12.5ms heap 512MB"),
        (301, "GC pause 3ms heap 1024MB"),
        (400, "connection to db-primary refused"),
        (401, "connection to db-replica refused"),
    ]
    return lines


def test_known_lines_give_exact_templates_and_counts() -> None:
    found = {t.template: t.count for t in mine(known_lines())}
    assert found == {
        "user <NUM> logged in from <IP>": 5,
        "payment <UUID> declined reason=insufficient_funds": 3,
        "GC pause <NUM>ms heap <NUM>MB": 2,
        "connection to <*> refused": 2,  # drain3 generalises the differing word
    }


def test_templates_come_most_frequent_first_with_first_and_last_seen_and_an_example() -> None:
    templates = mine(known_lines())
    assert [t.count for t in templates] == [5, 3, 2, 2]
    user = templates[0]
    assert (user.first_ns, user.last_ns) == (100, 104)
    assert user.example == "user 0 logged in from 10.0.0.0"


def test_window_and_baseline_are_counted_separately() -> None:
    miner = PatternMiner()
    miner.add(["disk full on /var", "disk full on /var", "retrying 3"], [10, 11, 12])
    miner.add(["retrying 1", "retrying 2", "retrying 5", "cache warm"], [1, 2, 3, 4], baseline=True)
    by_template = {t.template: t for t in miner.templates()}
    assert {k: (t.count, t.baseline_count) for k, t in by_template.items()} == {
        "disk full on /var": (2, 0),
        "retrying <NUM>": (1, 3),
        "cache warm": (0, 1),
    }
    assert (by_template["retrying <NUM>"].first_ns, by_template["retrying <NUM>"].example) == (12, "retrying 3")
    assert by_template["cache warm"].first_ns is None  # never seen in the window
    assert miner.lines == 7


def test_identical_masked_lines_reach_drain_once() -> None:
    miner = PatternMiner()
    miner.add([f"request {i} ok" for i in range(1000)], list(range(1000)))
    assert miner.distinct_masked == 1
    assert [(t.template, t.count) for t in miner.templates()] == [("request <NUM> ok", 1000)]


def test_very_long_lines_are_mined_on_their_first_part() -> None:
    long_line = "stack " + "x" * (MAX_MINED_LINE_CHARS * 2)
    [template] = mine([(1, long_line), (2, long_line + "tail differs")])
    assert template.count == 2
    assert len(template.template) == MAX_MINED_LINE_CHARS
    assert template.example == long_line  # the example is the raw line
