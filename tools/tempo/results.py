"""Result models of the trace tools; every one subclasses :class:`tools.contract.ToolResult`.

Durations are milliseconds (``*_ms``), times RFC3339. Serialise with :func:`tools.contract.to_json` /
:func:`tools.contract.to_payload`, which omit ``null`` fields.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tools.contract import ToolResult

GraphSource = Literal["metrics", "traces", "mixed", "none"]

__all__ = [
    "CompareResult",
    "Contributor",
    "ErrorSpan",
    "GraphSource",
    "PathOperation",
    "PathSpan",
    "ServiceEdge",
    "ServiceGraphResult",
    "ServiceStat",
    "SlowSpan",
    "SpanRow",
    "TagValueItem",
    "TagValuesResult",
    "TraceResult",
    "TraceSummary",
    "TracesSearchResult",
]


class TraceSummary(BaseModel):
    """One trace found by a search."""

    cluster: str = Field(description="Cluster whose Tempo holds the trace.")
    trace_id: str = Field(description="Trace id (hex); pass it to traces_get with this cluster.")
    root_service: str | None = Field(default=None, description="Service of the root span.")
    root_name: str | None = Field(default=None, description="Name of the root span (operation).")
    start: str = Field(description="RFC3339 start of the trace.")
    duration_ms: float = Field(description="End-to-end duration of the trace.")
    span_count: int | None = Field(default=None, description="Spans in the trace (omitted when Tempo does not say).")
    error: bool | None = Field(
        default=None, description="True when a span failed; omitted when unknown (add '&& status = error' to know)."
    )


class TracesSearchResult(ToolResult):
    """Traces matching a TraceQL query across clusters, slowest first."""

    query: str = Field(description="The TraceQL query that was run.")
    start: str = Field(description="RFC3339 start of the searched window.")
    end: str = Field(description="RFC3339 end of the searched window.")
    traces: list[TraceSummary] = Field(default_factory=list, description="Matching traces, slowest first.")


class PathSpan(BaseModel):
    """A span on the critical path."""

    service: str
    name: str
    span_id: str
    depth: int = Field(description="Nesting level below the root (root = 0).")
    start_ms: float = Field(description="Start, as an offset from the trace start.")
    duration_ms: float
    self_ms: float = Field(description="Duration minus the time covered by its children.")
    critical_ms: float = Field(description="Share of the end-to-end latency attributed to this span on the path.")
    error: bool | None = Field(default=None, description="True when this span failed.")


class PathOperation(BaseModel):
    """The critical time of one (service, span name) summed over its spans on the critical path."""

    service: str
    name: str
    spans: int = Field(description="Its spans on the critical path.")
    critical_ms: float = Field(description="Their summed share of the end-to-end latency.")


class ErrorSpan(BaseModel):
    """A failed span."""

    service: str
    name: str
    span_id: str
    message: str | None = Field(default=None, description="Status message, exception or status-code attributes.")
    duration_ms: float
    origin: bool = Field(description="True when no span below it failed: a likely origin of the error.")


class SlowSpan(BaseModel):
    """A span with much self time."""

    service: str
    name: str
    span_id: str
    duration_ms: float
    self_ms: float


class ServiceStat(BaseModel):
    """Totals of one service within the trace."""

    service: str
    spans: int
    errors: int
    self_ms: float = Field(description="Sum of the self times of its spans.")


class SpanRow(BaseModel):
    """One span of the full span list (depth-first order)."""

    span_id: str
    parent_id: str | None = None
    depth: int
    service: str
    name: str
    kind: str
    start_ms: float = Field(description="Offset from the trace start.")
    duration_ms: float
    self_ms: float
    error: bool | None = None
    message: str | None = None


class TraceResult(ToolResult):
    """A summarised span tree of one trace (not the raw OTLP); the paged items are ``spans`` (empty by default)."""

    cluster: str
    trace_id: str
    found: bool = Field(description="False when the cluster's Tempo has no trace with this id.")
    root_service: str | None = None
    root_name: str | None = None
    start: str | None = Field(default=None, description="RFC3339 start of the trace.")
    duration_ms: float | None = Field(default=None, description="Duration of the root span.")
    span_count: int | None = None
    service_count: int | None = None
    error_count: int | None = None
    max_depth: int | None = None
    critical_path_spans: int | None = Field(default=None, description="Number of spans on the critical path in total.")
    critical_path: list[PathSpan] = Field(
        default_factory=list,
        description="Spans on the critical path in time order (those with the most critical time when long).",
    )
    critical_by_operation: list[PathOperation] = Field(
        default_factory=list, description="Critical time per (service, span name) over the whole path, largest first."
    )
    errors: list[ErrorSpan] = Field(default_factory=list, description="Failed spans, likely origins first.")
    slowest_spans: list[SlowSpan] = Field(default_factory=list, description="Spans with the most self time.")
    services: list[ServiceStat] = Field(default_factory=list, description="Per service, most self time first.")
    spans: list[SpanRow] = Field(default_factory=list, description="A page of the full span list (cursor calls).")


class Contributor(BaseModel):
    """How much one (service, span name) adds to the latency of slow traces compared with baseline ones."""

    service: str
    span_name: str
    slow_self_ms: float = Field(description="Mean self time per slow trace.")
    baseline_self_ms: float = Field(description="Mean self time per baseline trace.")
    delta_ms: float = Field(description="slow_self_ms - baseline_self_ms.")
    share: float | None = Field(default=None, description="delta_ms / latency_delta_ms (can exceed 1 or be < 0).")
    slow_calls: float = Field(description="Mean number of such spans per slow trace.")
    baseline_calls: float = Field(description="Mean number of such spans per baseline trace.")


class CompareResult(ToolResult):
    """Which services and span names account for the latency difference between slow and baseline traces."""

    service: str
    operation: str | None = None
    slow_query: str = Field(description="TraceQL that sampled the slow traces (or the common sample).")
    baseline_query: str = Field(description="TraceQL that sampled the baseline traces (or the common sample).")
    start: str
    end: str
    threshold_ms: dict[str, float] = Field(default_factory=dict, description="Slow threshold per cluster.")
    slow_traces: int = 0
    baseline_traces: int = 0
    slow_mean_ms: float | None = Field(default=None, description="Mean duration of the service's span, slow group.")
    baseline_mean_ms: float | None = Field(default=None, description="Mean duration, baseline group.")
    latency_delta_ms: float | None = None
    contributors: list[Contributor] = Field(default_factory=list, description="Ranked by delta_ms, largest first.")
    example_slow_traces: list[str] = Field(default_factory=list, description="'cluster/trace_id' of slow traces.")


class ServiceEdge(BaseModel):
    """Calls from one service to another."""

    cluster: str
    client: str
    server: str
    request_rate: float | None = Field(default=None, description="Requests per second (metrics source).")
    error_rate: float | None = Field(default=None, description="Failed requests per second (metrics source).")
    error_ratio: float | None = Field(default=None, description="Failed / all requests.")
    p95_ms: float | None = Field(default=None, description="95th percentile server-side latency.")
    requests: int | None = Field(default=None, description="Calls seen in the sampled traces (traces source).")
    errors: int | None = Field(default=None, description="Failed calls in the sampled traces (traces source).")
    mean_ms: float | None = Field(default=None, description="Mean server span duration (traces source).")


class ServiceGraphResult(ToolResult):
    """Service-to-service edges with request/error rates and latency."""

    source: GraphSource = Field(
        description="metrics: Tempo metrics-generator series in Prometheus; traces: derived from sampled traces."
    )
    sources: dict[str, str] = Field(default_factory=dict, description="Source used per cluster.")
    window: str = Field(description="Window of the rates, or of the trace sample.")
    service: str | None = Field(default=None, description="Only edges touching this service.")
    edges: list[ServiceEdge] = Field(default_factory=list, description="Edges, busiest first.")


class TagValueItem(BaseModel):
    """One value of a tag."""

    value: str
    type: str = Field(description="string, int, float, bool, duration, status or kind (v1 API: string).")
    clusters: list[str] | None = Field(default=None, description="Clusters having it; omitted when all do.")


class TagValuesResult(ToolResult):
    """Distinct values of one tag, merged across clusters and sorted."""

    tag: str
    query: str | None = Field(default=None, description="TraceQL filter applied (v2 API only).")
    start: str
    end: str
    api: dict[str, str] = Field(default_factory=dict, description="Tag-values API answered per cluster: v2 or v1.")
    values: list[TagValueItem] = Field(default_factory=list)
