"""Result models of the metrics tools that return time-series data, labels, series and metadata.

Every model subclasses :class:`tools.contract.ToolResult`; every series or sample carries the ``cluster`` it came
from. Serialise with :func:`to_json` / :func:`to_payload`: they omit ``null`` fields, which keeps responses compact
without cryptic field names. The alert, rule and target results live in :mod:`tools.prometheus.health_results` and
are re-exported here, so agents import every metrics result type from this one module.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tools.contract import ToolResult
from tools.prometheus.health_results import (
    AlertItem,
    AlertsResult,
    DownTarget,
    RuleGroupItem,
    RuleItem,
    RulesResult,
    TargetCounts,
    TargetsResult,
)

__all__ = [
    "AlertItem",
    "AlertsResult",
    "DeviatingPoint",
    "DownTarget",
    "InstantQueryResult",
    "LabelNamesResult",
    "LabelValuesResult",
    "MetadataResult",
    "MetricMetadata",
    "RangeQueryResult",
    "RankBy",
    "RuleGroupItem",
    "RuleItem",
    "RulesResult",
    "Sample",
    "SeriesLabels",
    "SeriesListResult",
    "SeriesSummary",
    "TargetCounts",
    "TargetsResult",
    "Trend",
]

RankBy = Literal["max", "mean", "last", "p95", "deviation", "min"]
Trend = Literal["rising", "falling", "flat"]
SampleValue = float | str


class DeviatingPoint(BaseModel):
    """A sample far from its series' mean."""

    time: str = Field(description="RFC3339 timestamp of the sample.")
    value: float = Field(description="Sample value (4 significant digits).")
    z: float = Field(description="Z-score: (value - mean) / standard deviation of the series.")


class SeriesSummary(BaseModel):
    """Statistics of one series over the queried range, instead of its raw points."""

    cluster: str = Field(description="Cluster the series came from.")
    labels: dict[str, str] = Field(
        description="Labels that distinguish this series; labels shared by every series are in common_labels."
    )
    points: int = Field(description="Number of samples in the range.")
    first_time: str | None = Field(
        default=None, description="RFC3339 time of the first sample; omitted when it is the range's start."
    )
    last_time: str | None = Field(
        default=None, description="RFC3339 time of the last sample; omitted when it is the range's last step."
    )
    min: float | None = Field(default=None, description="Smallest finite value.")
    max: float | None = Field(default=None, description="Largest finite value.")
    mean: float | None = Field(default=None, description="Mean of the finite values.")
    last: float | None = Field(default=None, description="Last finite value.")
    p95: float | None = Field(default=None, description="95th percentile (linear interpolation).")
    trend: Trend | None = Field(
        default=None,
        description="rising/falling when the least-squares change over the range is >= 25% of (max - min).",
    )
    slope_per_hour: float | None = Field(default=None, description="Least-squares slope, value units per hour.")
    deviations: list[DeviatingPoint] | None = Field(
        default=None,
        description="Up to 3 samples with the largest |z-score| (only |z| >= 2), most deviating first.",
    )
    non_finite: int | None = Field(default=None, description="NaN/±Inf samples left out of the statistics.")


class RangeQueryResult(ToolResult):
    """Per-series statistics of a PromQL range query, top-k series ranked by ``rank_by``."""

    query: str = Field(description="The PromQL that was run.")
    start: str = Field(description="RFC3339 start of the range actually queried.")
    end: str = Field(description="RFC3339 end of the range actually queried.")
    step_s: float = Field(description="Resolution in seconds (may have been raised; see notes).")
    clusters_asked: int = Field(description="Number of clusters the query was sent for.")
    rank_by: RankBy = Field(
        description="Ranking criterion: series with the highest value of it first ('min': lowest minimum "
        "first; 'deviation': largest |z-score| first)."
    )
    top_k: int = Field(description="Maximum number of series per page.")
    common_labels: dict[str, str] = Field(default_factory=dict, description="Labels shared by every returned series.")
    series: list[SeriesSummary] = Field(default_factory=list, description="Summaries of the returned series.")
    warnings: list[str] = Field(default_factory=list, description="Warnings from Prometheus, verbatim.")


class Sample(BaseModel):
    """One value of an instant query."""

    cluster: str = Field(description="Cluster the sample came from.")
    labels: dict[str, str] = Field(description="Distinguishing labels (shared ones are in common_labels).")
    value: SampleValue = Field(description="Sample value; 'NaN', '+Inf' or '-Inf' as strings when not finite.")


class InstantQueryResult(ToolResult):
    """The value of a PromQL expression at one instant: top-k samples by value (highest first)."""

    query: str = Field(description="The PromQL that was run.")
    time: str = Field(description="RFC3339 evaluation time.")
    result_type: str = Field(description="Prometheus result type: vector, matrix, scalar or string.")
    top_k: int = Field(description="Maximum number of samples per page.")
    common_labels: dict[str, str] = Field(default_factory=dict, description="Labels shared by every sample.")
    samples: list[Sample] = Field(default_factory=list, description="Samples, highest value first.")
    scalar: SampleValue | None = Field(
        default=None, description="The value when the result is a scalar or string (first answering cluster)."
    )
    warnings: list[str] = Field(default_factory=list, description="Warnings from Prometheus, verbatim.")


class SeriesLabels(BaseModel):
    """The label set of one series."""

    cluster: str = Field(description="Cluster the series exists on.")
    labels: dict[str, str] = Field(description="Distinguishing labels (shared ones are in common_labels).")


class SeriesListResult(ToolResult):
    """Series (label sets) matching selectors, without their values."""

    match: list[str] = Field(description="The series selectors searched for.")
    start: str | None = Field(default=None, description="RFC3339 start of the searched window.")
    end: str | None = Field(default=None, description="RFC3339 end of the searched window.")
    common_labels: dict[str, str] = Field(default_factory=dict, description="Labels shared by every listed series.")
    series: list[SeriesLabels] = Field(default_factory=list, description="Matching series.")


class LabelValuesResult(ToolResult):
    """Distinct values of one label (``__name__``: metric names), merged across clusters and sorted."""

    label: str = Field(description="The label whose values are listed (__name__ = metric names).")
    match: list[str] | None = Field(default=None, description="Series selectors or name filter applied.")
    values: list[str] = Field(default_factory=list, description="Distinct values, sorted, merged over clusters.")
    present_only_in: dict[str, list[str]] | None = Field(
        default=None,
        description="Values (of this page) missing on some answering clusters -> clusters that have them.",
    )
    per_cluster: dict[str, int] = Field(default_factory=dict, description="Number of distinct values per cluster.")


class LabelNamesResult(ToolResult):
    """Label names present on matching series, merged across clusters and sorted."""

    match: list[str] | None = Field(default=None, description="Series selectors applied.")
    names: list[str] = Field(default_factory=list, description="Label names, sorted, merged over clusters.")
    present_only_in: dict[str, list[str]] | None = Field(
        default=None,
        description="Names (of this page) missing on some answering clusters -> clusters that have them.",
    )
    per_cluster: dict[str, int] = Field(default_factory=dict, description="Number of label names per cluster.")


class MetricMetadata(BaseModel):
    """What a metric is: its type, help text and unit as exposed by its exporter."""

    metric: str = Field(description="Metric name.")
    type: str = Field(description="counter, gauge, histogram, summary, info, stateset or unknown.")
    help: str = Field(description="Help text (trimmed).")
    unit: str | None = Field(default=None, description="Unit, when the exporter declares one.")
    clusters: list[str] | None = Field(
        default=None,
        description="Clusters exposing this metadata; omitted when every answering cluster does.",
    )


class MetadataResult(ToolResult):
    """Metric metadata merged across clusters, sorted by metric name."""

    metric: str | None = Field(default=None, description="The metric asked for (all metrics when omitted).")
    metrics: list[MetricMetadata] = Field(default_factory=list, description="Metadata entries.")
