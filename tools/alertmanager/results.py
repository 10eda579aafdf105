"""Result models of the Alertmanager tools: alerts (listed or grouped) and silences."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tools.contract import ToolResult

__all__ = ["AlertGroupItem", "AlertItem", "AlertListResult", "SilenceItem", "SilenceListResult", "StateCounts"]


class AlertItem(BaseModel):
    """One alert as an Alertmanager holds it (after routing, silencing and inhibition)."""

    cluster: str = Field(description="Cluster whose Alertmanager holds the alert.")
    alertname: str = Field(description="The alertname label.")
    severity: str | None = Field(default=None, description="The severity label as set (null when absent).")
    state: str = Field(description="active, suppressed (silenced or inhibited) or unprocessed.")
    fingerprint: str = Field(description="Alertmanager's id of the alert's label set.")
    starts_at: str | None = Field(default=None, description="RFC3339 time the alert started firing.")
    labels: dict[str, str] = Field(default_factory=dict, description="Other labels (alertname, severity removed).")
    annotations: dict[str, str] = Field(default_factory=dict, description="Annotations, long values trimmed.")
    receivers: list[str] = Field(default_factory=list, description="Receivers the alert is routed to.")
    silenced_by: list[str] = Field(default_factory=list, description="Ids of the silences muting it.")
    inhibited_by: list[str] = Field(default_factory=list, description="Fingerprints of the alerts inhibiting it.")


class StateCounts(BaseModel):
    """How many of the matching alerts are in each state (before paging, Watchdog excluded unless listed)."""

    active: int = 0
    silenced: int = 0
    inhibited: int = 0
    unprocessed: int = 0


class AlertGroupItem(BaseModel):
    """A group of alerts sharing one key (alertname, namespace, severity, cluster, or Alertmanager's own group)."""

    key: dict[str, str] = Field(description='What the alerts share, e.g. {"namespace": "shop"}.')
    cluster: str | None = Field(default=None, description="Cluster of an Alertmanager group (group_by=alertmanager).")
    receiver: str | None = Field(default=None, description="Receiver of an Alertmanager group.")
    count: int = Field(description="Alerts in the group.")
    top_severity: str = Field(description="Most severe severity in the group (unknown when none is set).")
    severities: dict[str, int] = Field(default_factory=dict, description="Alerts per severity.")
    states: StateCounts = Field(default_factory=StateCounts, description="Alerts per state.")
    clusters: list[str] = Field(default_factory=list, description="Clusters with alerts in the group.")
    alertnames: list[str] = Field(default_factory=list, description="Alert names in the group (at most 10).")
    oldest_starts_at: str | None = Field(default=None, description="Start of the longest-firing alert.")
    examples: list[AlertItem] = Field(default_factory=list, description="The group's most severe, oldest alerts.")


class AlertListResult(ToolResult):
    """Alerts across clusters, most severe first then oldest; or their groups when ``view`` is ``groups``."""

    view: str = Field(description="alerts (one item per alert) or groups (one item per group).")
    group_by: str | None = Field(default=None, description="Grouping applied in the groups view.")
    filters: list[str] = Field(default_factory=list, description="Matchers sent to Alertmanager as filter=.")
    states: StateCounts = Field(default_factory=StateCounts, description="Matching alerts per state.")
    severities: dict[str, int] = Field(default_factory=dict, description="Matching alerts per severity.")
    watchdog: dict[str, int] = Field(
        default_factory=dict, description="Watchdog heartbeat alerts per cluster, counted here rather than listed."
    )
    alerts: list[AlertItem] = Field(default_factory=list, description="Alerts of this page (alerts view).")
    groups: list[AlertGroupItem] = Field(default_factory=list, description="Groups of this page (groups view).")


class SilenceItem(BaseModel):
    """One silence of one cluster's Alertmanager (read-only)."""

    cluster: str = Field(description="Cluster whose Alertmanager holds the silence.")
    id: str = Field(description="Silence id (what alerts list in silenced_by).")
    state: str = Field(description="active, pending (starts later) or expired.")
    matchers: list[str] = Field(default_factory=list, description='Matchers, e.g. namespace="shop", pod=~"web-.*".')
    created_by: str | None = Field(default=None, description="Author of the silence.")
    comment: str | None = Field(default=None, description="Why it was created (trimmed).")
    starts_at: str | None = Field(default=None, description="RFC3339 start.")
    ends_at: str | None = Field(default=None, description="RFC3339 end.")
    updated_at: str | None = Field(default=None, description="RFC3339 time of the last change.")


class SilenceListResult(ToolResult):
    """Silences across clusters, newest first."""

    state: str = Field(description="State filter applied: current (active and pending), active, pending, expired.")
    filters: list[str] = Field(default_factory=list, description="Matchers sent to Alertmanager as filter=.")
    states: dict[str, int] = Field(default_factory=dict, description="Silences per state (before the state filter).")
    silences: list[SilenceItem] = Field(default_factory=list, description="Silences of this page.")
