"""The Prometheus/Thanos adapter and the metrics service behind every metrics tool.

:class:`PrometheusClient` speaks the HTTP API of one endpoint; :class:`MetricsService` fans queries out over
the selected clusters (or one global-view querier), applies the guardrails, summarises series into a small
token budget and pages. Results are the pydantic models re-exported here; serialise them with :func:`to_json`
/ :func:`to_payload` (``null`` fields omitted).
"""

from tools.contract import to_json, to_payload
from tools.prometheus.client import PrometheusAPIError, PrometheusClient, QueryData
from tools.prometheus.context import MetricsLimits
from tools.prometheus.guardrails import RangePlan, auto_step, plan_instant, plan_range
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
from tools.prometheus.range_query import RANGE_RESOURCE_PREFIX, RangeResourceRef, parse_range_resource
from tools.prometheus.results import (
    DeviatingPoint,
    InstantQueryResult,
    LabelNamesResult,
    LabelValuesResult,
    MetadataResult,
    MetricMetadata,
    RangeQueryResult,
    RankBy,
    Sample,
    SeriesLabels,
    SeriesListResult,
    SeriesSummary,
)
from tools.prometheus.selectors import check_not_blanket, find_blanket_selector
from tools.prometheus.service import MetricsService
from tools.timespec import format_rfc3339, parse_duration, parse_step, parse_time

__all__ = [
    "RANGE_RESOURCE_PREFIX",
    "AlertItem",
    "AlertsResult",
    "DeviatingPoint",
    "DownTarget",
    "InstantQueryResult",
    "LabelNamesResult",
    "LabelValuesResult",
    "MetadataResult",
    "MetricMetadata",
    "MetricsLimits",
    "MetricsService",
    "PrometheusAPIError",
    "PrometheusClient",
    "QueryData",
    "RangePlan",
    "RangeQueryResult",
    "RangeResourceRef",
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
    "auto_step",
    "check_not_blanket",
    "find_blanket_selector",
    "format_rfc3339",
    "parse_duration",
    "parse_range_resource",
    "parse_step",
    "parse_time",
    "plan_instant",
    "plan_range",
    "to_json",
    "to_payload",
]
