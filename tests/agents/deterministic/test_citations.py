"""Citations shared by both answer paths: built from a call and its structured result, rendered as a footer."""

from __future__ import annotations

from agents.citations import citation_for, format_citations, time_range_of
from tools.contract import to_payload
from tools.gpu.results import GpuNodesResult
from tools.loki.results import LogsQueryResult


def test_a_citation_carries_tool_arguments_answering_clusters_range_and_truncation() -> None:
    result = LogsQueryResult(
        query='{app="x"}', start="2026-01-01T00:00:00Z", end="2026-01-01T01:00:00Z", result_type="streams",
        answered=["hub"], truncated=True,
    )  # fmt: skip
    c = citation_for("logs_query", {"query": '{app="x"}'}, to_payload(result))
    assert (c.clusters, c.time_range, c.truncated) == (["hub"], "2026-01-01T00:00:00Z → 2026-01-01T01:00:00Z", True)
    footer = format_citations([c])
    assert footer.startswith("**Sources**")
    assert '`logs_query(query="{app=\\"x\\"}")` — answered: hub — 2026-01-01T00:00:00Z' in footer
    assert footer.endswith("truncated (more results exist)")


def test_a_window_result_is_cited_as_window_ending_at_time() -> None:
    result = GpuNodesResult(time="2026-01-01T01:00:00Z", window="5m", answered=["gpu-spoke"])
    assert time_range_of(to_payload(result), {}) == "5m ending 2026-01-01T01:00:00Z"


def test_a_failed_call_is_cited_as_failed_with_what_was_asked() -> None:
    c = citation_for("cnf_ptp_status", {"start": "now-2h"}, None, error="timeout")
    assert format_citations([c]) == '**Sources**\n- `cnf_ptp_status(start="now-2h")` — failed'
    assert c.error == "timeout"


def test_no_citation_gives_no_footer() -> None:
    assert format_citations([]) == ""
