"""The Tempo adapter and the traces service behind every trace tool.

:class:`TempoClient` speaks the HTTP API of one Tempo query-frontend; :mod:`tools.tempo.otlp` reads its OTLP JSON;
:mod:`tools.tempo.spantree` computes self times and the critical path; :class:`TracesService` fans out over the
selected clusters, summarises and pages. Results are the pydantic models re-exported here.
"""

from tools.tempo.client import SearchHit, TagValue, TempoClient
from tools.tempo.context import TracesLimits
from tools.tempo.otlp import Span, normalise_id, parse_trace
from tools.tempo.results import (
    CompareResult,
    Contributor,
    ErrorSpan,
    PathSpan,
    ServiceEdge,
    ServiceGraphResult,
    ServiceStat,
    SlowSpan,
    SpanRow,
    TagValueItem,
    TagValuesResult,
    TraceResult,
    TracesSearchResult,
    TraceSummary,
)
from tools.tempo.service import TracesService
from tools.tempo.spantree import Segment, SpanTree, build_tree, critical_path, critical_times
from tools.tempo.summary import SummaryLimits
from tools.tempo.trace_get import TRACE_RESOURCE_PREFIX, trace_resource_uri

__all__ = [
    "TRACE_RESOURCE_PREFIX",
    "CompareResult",
    "Contributor",
    "ErrorSpan",
    "PathSpan",
    "SearchHit",
    "Segment",
    "ServiceEdge",
    "ServiceGraphResult",
    "ServiceStat",
    "SlowSpan",
    "Span",
    "SpanRow",
    "SpanTree",
    "SummaryLimits",
    "TagValue",
    "TagValueItem",
    "TagValuesResult",
    "TempoClient",
    "TraceResult",
    "TraceSummary",
    "TracesLimits",
    "TracesSearchResult",
    "TracesService",
    "build_tree",
    "critical_path",
    "critical_times",
    "normalise_id",
    "parse_trace",
    "trace_resource_uri",
]
