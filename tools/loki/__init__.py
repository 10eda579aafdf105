"""The Loki adapter and the logs service behind every logs tool.

:class:`LokiClient` speaks the Loki HTTP API of one endpoint (direct, or an OpenShift LokiStack gateway tenant
route); :class:`LogsService` fans LogQL out over the selected clusters, applies the guardrails (stream selectors
that name streams, a bounded window, line limits), merges and summarises under a byte cap, and mines log templates
with drain3 (:class:`PatternMiner`). Results are the pydantic models re-exported here.
"""

from tools.loki.client import TENANT_LABEL, LokiClient, LokiData, Tenancy, resolve_tenancy
from tools.loki.context import LokiLimits
from tools.loki.guardrails import LOKI_MAX_ENTRIES, Window, check_query, fetch_limit, plan_window, stream_selectors
from tools.loki.patterns import PatternMiner, TemplateCount, mask_line
from tools.loki.results import (
    Burst,
    LabelNamesResult,
    LabelValuesResult,
    LogLine,
    LogSeries,
    LogsQueryResult,
    LogStream,
    PatternGroup,
    PatternsResult,
    PatternTemplate,
)
from tools.loki.service import LogsService

__all__ = [
    "LOKI_MAX_ENTRIES",
    "TENANT_LABEL",
    "Burst",
    "LabelNamesResult",
    "LabelValuesResult",
    "LogLine",
    "LogSeries",
    "LogStream",
    "LogsQueryResult",
    "LogsService",
    "LokiClient",
    "LokiData",
    "LokiLimits",
    "PatternGroup",
    "PatternMiner",
    "PatternTemplate",
    "PatternsResult",
    "TemplateCount",
    "Tenancy",
    "Window",
    "check_query",
    "fetch_limit",
    "mask_line",
    "plan_window",
    "resolve_tenancy",
    "stream_selectors",
]
