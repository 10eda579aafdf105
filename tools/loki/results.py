"""Result models of the logs tools. Every model subclasses :class:`tools.contract.ToolResult`.

Every stream, series, label value and pattern group carries the ``cluster`` it came from. Serialise with
:func:`tools.contract.to_json` / :func:`tools.contract.to_payload` (``null`` fields omitted).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tools.contract import ToolResult

__all__ = [
    "Burst",
    "LabelNamesResult",
    "LabelValuesResult",
    "LogLine",
    "LogSeries",
    "LogStream",
    "LogsQueryResult",
    "PatternGroup",
    "PatternTemplate",
    "PatternsResult",
]


class LogLine(BaseModel):
    """One log line."""

    time: str = Field(description="RFC3339 timestamp of the line.")
    line: str = Field(description="The log line (shortened with '…[+N chars]' when very long).")


class LogStream(BaseModel):
    """The returned lines of one stream, newest first."""

    cluster: str = Field(description="Cluster the stream came from.")
    labels: dict[str, str] = Field(description="Stream labels (namespace, pod, container, level...).")
    lines: list[LogLine] = Field(description="Lines, newest first.")


class LogSeries(BaseModel):
    """Summary of one series of a metric LogQL query (e.g. count_over_time per level), instead of raw points."""

    cluster: str
    labels: dict[str, str]
    points: int = Field(description="Samples in the range (1 for an instant query).")
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    last: float | None = Field(default=None, description="Latest value.")
    max_time: str | None = Field(default=None, description="RFC3339 time of the maximum (peak).")
    last_time: str | None = Field(default=None, description="RFC3339 time of the latest value.")


class LogsQueryResult(ToolResult):
    """Log lines grouped per stream (log queries), or per-series summaries (metric queries).

    For log queries ``total`` counts the lines Loki returned and ``returned`` the lines in this answer; ``truncated``
    says that more lines matched than were returned (``next_cursor`` fetches older ones).
    """

    query: str
    start: str = Field(description="RFC3339 start of the window actually queried.")
    end: str = Field(description="RFC3339 end of the window actually queried.")
    tenant: str | None = Field(default=None, description="Loki tenant asked, when one was set.")
    result_type: Literal["streams", "matrix", "vector"] = Field(description="streams = log lines; else metric query.")
    step: str | None = Field(default=None, description="Step of a metric range query.")
    streams: list[LogStream] = Field(default_factory=list)
    series: list[LogSeries] = Field(default_factory=list)


class LabelNamesResult(ToolResult):
    """Label names across clusters."""

    start: str
    end: str
    names: list[str] = Field(default_factory=list)
    present_only_in: dict[str, list[str]] | None = Field(
        default=None, description="Names not present on every answering cluster -> the clusters that have them."
    )


class LabelValuesResult(ToolResult):
    """Values of one label across clusters."""

    label: str
    start: str
    end: str
    values: list[str] = Field(default_factory=list)
    present_only_in: dict[str, list[str]] | None = Field(
        default=None, description="Values not present on every answering cluster -> the clusters that have them."
    )
    per_cluster: dict[str, int] = Field(default_factory=dict, description="Number of values per cluster.")


class PatternTemplate(BaseModel):
    """One log template (variable parts masked as <NUM>, <IP>, <UUID>, <HEX>, <TS> or <*>)."""

    template: str
    count: int = Field(description="Sampled lines of the window matching the template.")
    share: float = Field(description="Percent of the group's sampled window lines.")
    baseline_count: int | None = Field(default=None, description="Sampled lines in the baseline window.")
    first_seen: str | None = Field(default=None, description="RFC3339 time of the first line in the window.")
    last_seen: str | None = Field(default=None, description="RFC3339 time of the last line in the window.")
    example: str = Field(description="One raw line of the template.")


class PatternGroup(BaseModel):
    """Templates of one group: a cluster's namespace, or one stream."""

    cluster: str
    namespace: str | None = None
    labels: dict[str, str] | None = Field(default=None, description="Stream labels (group_by='stream').")
    lines: int = Field(description="Sampled window lines of this group.")
    baseline_lines: int | None = None
    templates: list[PatternTemplate] = Field(default_factory=list, description="Most frequent first.")
    more_templates: int | None = Field(default=None, description="Templates found but not listed.")


class Burst(BaseModel):
    """A template whose rate in the window jumped against the baseline window (or that is new and frequent)."""

    cluster: str
    namespace: str | None = None
    labels: dict[str, str] | None = None
    template: str
    count: int = Field(description="Sampled lines in the window.")
    baseline_count: int = Field(description="Sampled lines in the baseline window.")
    rate_per_min: float = Field(description="Window rate (lines/min over the sampled span).")
    baseline_rate_per_min: float
    ratio: float | None = Field(default=None, description="rate / baseline rate; null for a new template.")
    new: bool = Field(default=False, description="True when the template did not occur in the baseline.")
    example: str


class PatternsResult(ToolResult):
    """Top log templates per group and the templates that burst against the baseline window.

    ``total``/``returned`` count groups; ``truncated`` is also set when a group lists only its top templates.
    """

    query: str
    start: str
    end: str
    baseline_start: str | None = None
    baseline_end: str | None = None
    tenant: str | None = None
    lines_sampled: int = Field(default=0, description="Window lines mined, all clusters.")
    bursts: list[Burst] = Field(default_factory=list, description="Largest jumps first; new templates by count.")
    groups: list[PatternGroup] = Field(default_factory=list)
