"""The Alertmanager adapter (API v2, read-only) and the alerts service behind the ``alerts_*`` tools.

:class:`AlertmanagerClient` speaks to one Alertmanager; :class:`AlertsService` fans out over the selected clusters,
orders alerts by severity (critical > warning > info > none > unknown) then age, groups them, counts the OpenShift
``Watchdog`` heartbeat instead of listing it, lists silences, pages and size-caps. Results are the pydantic models
re-exported here.
"""

from tools.alertmanager.alert_list import GroupBy
from tools.alertmanager.client import AlertFlags, AlertmanagerClient
from tools.alertmanager.context import AlertsLimits
from tools.alertmanager.filters import AlertQuery, AlertState, SilenceState, equality_matcher
from tools.alertmanager.items import WATCHDOG, severity_rank
from tools.alertmanager.results import (
    AlertGroupItem,
    AlertItem,
    AlertListResult,
    SilenceItem,
    SilenceListResult,
    StateCounts,
)
from tools.alertmanager.service import AlertsService

__all__ = [
    "WATCHDOG",
    "AlertFlags",
    "AlertGroupItem",
    "AlertItem",
    "AlertListResult",
    "AlertQuery",
    "AlertState",
    "AlertmanagerClient",
    "AlertsLimits",
    "AlertsService",
    "GroupBy",
    "SilenceItem",
    "SilenceListResult",
    "SilenceState",
    "StateCounts",
    "equality_matcher",
    "severity_rank",
]
