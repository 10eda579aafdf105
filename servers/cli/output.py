"""Rendering for the CLI: rich tables for people, ``--json`` for scripts, messages on stderr."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tools.fleet.models import Cluster, ClusterState
from tools.fleet.registry import enabled_capabilities

__all__ = ["cluster_detail", "clusters_table", "emit_json", "err_console", "out_console"]

out_console = Console()
err_console = Console(stderr=True)

STATE_STYLE = {
    ClusterState.ONLINE: "green",
    ClusterState.DEGRADED: "yellow",
    ClusterState.OFFLINE: "red",
    ClusterState.UNKNOWN: "dim",
}


def emit_json(value: BaseModel | Sequence[BaseModel] | dict[str, Any]) -> None:
    """Print ``value`` as JSON on stdout (plain, no colour, for scripts)."""
    if isinstance(value, BaseModel):
        data: Any = value.model_dump(mode="json")
    elif isinstance(value, dict):
        data = value
    else:
        data = [v.model_dump(mode="json") for v in value]
    print(json.dumps(data, indent=2, sort_keys=False))


def _capabilities(cluster: Cluster) -> str:
    names = enabled_capabilities(cluster.capabilities)
    return ", ".join(names) if names else ("none" if cluster.capabilities.detected_at else "not detected")


def clusters_table(clusters: list[Cluster]) -> Table:
    """One row per cluster: identity, state, last probe, capabilities."""
    table = Table(title=f"{len(clusters)} cluster(s)")
    for column in ("name", "type", "environment", "state", "last probe (UTC)"):
        table.add_column(column, no_wrap=True)
    table.add_column("capabilities")
    for c in clusters:
        style = STATE_STYLE.get(c.status.state, "")
        last = c.status.last_probe.strftime("%m-%d %H:%M:%S") if c.status.last_probe else "never"
        table.add_row(
            c.name,
            c.type,
            c.environment,
            f"[{style}]{c.status.state}[/]",
            last,
            _capabilities(c),
        )
    return table


def cluster_detail(cluster: Cluster) -> Table:
    """Endpoints with their last probe result, plus labels and credential kinds (never values)."""
    table = Table(title=f"{cluster.name} — {cluster.status.state}", show_lines=False)
    table.add_column("endpoint")
    table.add_column("url")
    table.add_column("healthy")
    table.add_column("latency ms")
    table.add_column("detail")
    for name, url in cluster.endpoints.configured().items():
        health = cluster.status.endpoints.get(name)
        if health is None:
            table.add_row(name, escape(url), "not probed", "-", "")
            continue
        ok = "[green]yes[/]" if health.healthy else "[red]no[/]"
        latency = f"{health.latency_ms:.1f}" if health.latency_ms is not None else "-"
        detail = health.error or (str(health.status_code) if health.status_code else "")
        table.add_row(name, escape(url), ok, latency, escape(detail))
    labels = ", ".join(f"{k}={v}" for k, v in sorted(cluster.labels.items())) or "-"
    table.caption = escape(
        f"type {cluster.type} · {cluster.platform} · {cluster.environment} · region {cluster.region or '-'} · "
        f"labels {labels} · credentials {', '.join(cluster.credential_kinds) or 'none'} · "
        f"capabilities {_capabilities(cluster)}"
    )
    return table
