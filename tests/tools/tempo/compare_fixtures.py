"""Hand-made slow and baseline traces of ``checkout POST /checkout`` under a ``frontend`` root.

Slow: checkout [0,300] makes three postgres SELECTs [10,110] [110,210] [210,260] -> SELECT self 250 ms, 3 calls.
Baseline: checkout [0,100] makes one SELECT [10,60] -> 50 ms, 1 call. checkout's own self time is 50 ms in both.
The frontend root above checkout is slower in slow traces too but lies outside the compared subtree.
"""

from __future__ import annotations

from tests.tools.tempo.builders import S


def slow_trace(offset: int = 0) -> list[S]:
    return [
        S(1, None, "frontend", "GET /", 0, 400 + offset),
        S(2, 1, "checkout", "POST /checkout", 0, 300),
        S(3, 2, "postgres", "SELECT", 10, 110),
        S(4, 2, "postgres", "SELECT", 110, 210),
        S(5, 2, "postgres", "SELECT", 210, 260),
    ]


def baseline_trace() -> list[S]:
    return [
        S(1, None, "frontend", "GET /", 0, 120),
        S(2, 1, "checkout", "POST /checkout", 0, 100),
        S(3, 2, "postgres", "SELECT", 10, 60),
    ]
