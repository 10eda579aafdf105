"""fit_to_cap: the byte cap holds even when the envelope itself (many clusters, long notes) is the problem."""

from __future__ import annotations

import pytest

from tools.contract import ClusterOutcome
from tools.prometheus.results import InstantQueryResult, RangeQueryResult, Sample, SeriesSummary
from tools.sizecap import CapPlan, fit_to_cap, json_size


def big_result(clusters: int, series: int, note_len: int) -> RangeQueryResult:
    return RangeQueryResult(
        clusters=[
            ClusterOutcome(
                cluster=f"cluster-{i:04d}",
                status="ok" if i % 3 else "error",
                message=None if i % 3 else "HTTP 500; " + "e" * 400,
                latency_ms=12.3,
            )
            for i in range(clusters)
        ],
        answered=[f"cluster-{i:04d}" for i in range(clusters) if i % 3],
        notes=["n" * note_len for _ in range(8)],
        resource_uri="metrics://range/" + "t" * 500,
        query="sum(rate(x[5m])) " * 40,
        start="2026-01-01T00:00:00Z",
        end="2026-01-01T01:00:00Z",
        step_s=15,
        clusters_asked=clusters,
        rank_by="max",
        top_k=series,
        series=[
            SeriesSummary(cluster=f"cluster-{i:04d}", labels={"pod": f"p{i}"}, points=240, min=1, max=2)
            for i in range(series)
        ],
        total=series,
        returned=series,
        warnings=["w" * 300] * 10,
    )


@pytest.mark.parametrize(("clusters", "series", "note_len"), [(1, 0, 10), (50, 10, 300), (500, 100, 2000)])
@pytest.mark.parametrize("cap", [1_200, 4_000, 12_000])
def test_cap_holds_for_huge_envelopes(clusters: int, series: int, note_len: int, cap: int) -> None:
    result = big_result(clusters, series, note_len)
    fit_to_cap(result, cap, CapPlan("series", resume=lambda n: f"cursor-{n}"))
    assert json_size(result) <= cap
    assert result.returned == len(result.series)
    if len(result.series) < series:
        assert result.truncated
        assert result.next_cursor == f"cursor-{max(len(result.series), 1)}"


def test_a_result_already_under_the_cap_is_untouched() -> None:
    result = big_result(1, 2, 10)
    before = result.model_copy(deep=True)
    fit_to_cap(result, 100_000, CapPlan("series"))
    assert result == before


def test_an_impossibly_small_cap_is_a_configuration_error() -> None:
    with pytest.raises(RuntimeError, match="too small"):
        fit_to_cap(big_result(1, 1, 10), 50, CapPlan("series"))


def test_a_wide_fan_out_envelope_does_not_crowd_out_the_data() -> None:
    # 200 clusters all answering ok: their status lines alone exceed the cap. The data must still come back.
    result = InstantQueryResult(
        clusters=[ClusterOutcome(cluster=f"bench-{i:03d}", status="ok", latency_ms=51.2) for i in range(200)],
        answered=[f"bench-{i:03d}" for i in range(200)],
        query="up",
        time="2026-01-01T00:00:00Z",
        result_type="vector",
        top_k=20,
        samples=[Sample(cluster=f"bench-{i:03d}", labels={"job": "j"}, value=float(i)) for i in range(20)],
        total=190,
        returned=20,
        truncated=True,
        next_cursor="cursor-20",
    )
    fit_to_cap(result, 12_000, CapPlan("samples", resume=lambda n: f"cursor-{n}"))
    assert json_size(result) <= 12_000
    assert len(result.samples) == 20
    assert result.returned == 20
    assert result.next_cursor == "cursor-20"
    assert any("200 clusters answered ok" in note for note in result.notes)
