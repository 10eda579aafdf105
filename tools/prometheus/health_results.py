"""Result models of the metrics tools about the monitoring stack itself: alerts, rules and scrape targets."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tools.contract import ToolResult

__all__ = [
    "AlertItem",
    "AlertsResult",
    "DownTarget",
    "RuleGroupItem",
    "RuleItem",
    "RulesResult",
    "TargetCounts",
    "TargetsResult",
]


class AlertItem(BaseModel):
    """One active alert as Prometheus evaluates it."""

    cluster: str = Field(description="Cluster whose Prometheus raised the alert.")
    alertname: str = Field(description="Alert name.")
    state: str = Field(description="firing or pending.")
    severity: str | None = Field(default=None, description="The severity label, when set.")
    labels: dict[str, str] = Field(description="Other labels of the alert (alertname and severity removed).")
    annotations: dict[str, str] = Field(default_factory=dict, description="Annotations, long values trimmed.")
    active_at: str | None = Field(default=None, description="RFC3339 time the alert became active.")
    value: str | None = Field(default=None, description="Value of the alert expression when last evaluated.")


class AlertsResult(ToolResult):
    """Active alerts across clusters, firing first, then by severity and age."""

    state: str = Field(description="State filter applied: firing, pending or any.")
    firing: int = Field(default=0, description="Firing alerts across answering clusters (before paging).")
    pending: int = Field(default=0, description="Pending alerts across answering clusters (before paging).")
    alerts: list[AlertItem] = Field(default_factory=list, description="Alerts of this page.")


class RuleItem(BaseModel):
    """One alerting or recording rule."""

    name: str = Field(description="Alert name or recorded metric name.")
    type: str = Field(description="alerting or recording.")
    query: str = Field(description="The rule's PromQL (trimmed when very long).")
    health: str | None = Field(default=None, description="ok, err or unknown.")
    last_error: str | None = Field(default=None, description="Last evaluation error, when any.")
    state: str | None = Field(default=None, description="Alerting rules: inactive, pending or firing.")
    active_alerts: int | None = Field(default=None, description="Alerting rules: number of active alerts.")


class RuleGroupItem(BaseModel):
    """A rule group of one cluster."""

    cluster: str = Field(description="Cluster the group is loaded on.")
    name: str = Field(description="Group name.")
    file: str | None = Field(default=None, description="Rule file (or PrometheusRule) the group comes from.")
    rules: list[RuleItem] = Field(default_factory=list, description="Rules of the group, unhealthy/firing first.")


class RulesResult(ToolResult):
    """Rule groups across clusters; groups with unhealthy or firing rules first."""

    rule_type: str | None = Field(default=None, description="Filter applied: alert, record or none.")
    unhealthy_rules: int = Field(default=0, description="Rules whose last evaluation failed (before paging).")
    groups: list[RuleGroupItem] = Field(default_factory=list, description="Rule groups of this page.")


class TargetCounts(BaseModel):
    """Scrape-target health counts of one cluster."""

    cluster: str = Field(description="Cluster.")
    up: int = Field(default=0, description="Targets whose last scrape succeeded.")
    down: int = Field(default=0, description="Targets whose last scrape failed.")
    unknown: int = Field(default=0, description="Targets not scraped yet.")


class DownTarget(BaseModel):
    """A scrape target whose last scrape failed."""

    cluster: str = Field(description="Cluster.")
    job: str | None = Field(default=None, description="job label.")
    instance: str | None = Field(default=None, description="instance label.")
    scrape_pool: str | None = Field(default=None, description="Scrape pool (ServiceMonitor/PodMonitor) name.")
    scrape_url: str | None = Field(default=None, description="URL that was scraped.")
    last_error: str | None = Field(default=None, description="Error of the last scrape.")
    last_scrape: str | None = Field(default=None, description="Time of the last scrape attempt.")


class TargetsResult(ToolResult):
    """Scrape health per cluster and the targets that are down."""

    per_cluster: list[TargetCounts] = Field(default_factory=list, description="Counts by health, per cluster.")
    down_targets: list[DownTarget] = Field(default_factory=list, description="Down targets of this page.")
