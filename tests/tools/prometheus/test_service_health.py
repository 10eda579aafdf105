"""Alerts, rules and scrape-target health across clusters."""

from __future__ import annotations

import respx

from tests.tools.prometheus.builders import json_response, success, target
from tests.tools.prometheus.conftest import ServiceFactory
from tools.prometheus import to_json


def alert(name: str, state: str, severity: str | None, active_at: str, **labels: str) -> dict[str, object]:
    all_labels = {"alertname": name, **labels}
    if severity:
        all_labels["severity"] = severity
    return {
        "labels": all_labels,
        "annotations": {"summary": f"{name} summary", "description": "x" * 1000},
        "state": state,
        "activeAt": active_at,
        "value": "1e+00",
    }


async def test_alerts_sorted_firing_first_then_severity_then_age(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get("http://c1.prom/api/v1/alerts").mock(
        return_value=json_response(
            success(
                {
                    "alerts": [
                        alert("Pending", "pending", "critical", "2026-01-01T00:00:00Z"),
                        alert("Warn", "firing", "warning", "2026-01-01T00:00:00Z"),
                        alert("CritNew", "firing", "critical", "2026-01-02T00:00:00Z", namespace="shop"),
                    ]
                }
            )
        )
    )
    respx_mock.get("http://c2.prom/api/v1/alerts").mock(
        return_value=json_response(
            success({"alerts": [alert("CritOld", "firing", "critical", "2025-12-31T00:00:00Z")]})
        )
    )
    result = await make_service().alerts([target("c1"), target("c2")])
    assert [(a.alertname, a.cluster) for a in result.alerts] == [
        ("CritOld", "c2"),
        ("CritNew", "c1"),
        ("Warn", "c1"),
        ("Pending", "c1"),
    ]
    assert (result.firing, result.pending) == (3, 1)
    crit_new = result.alerts[1]
    assert (crit_new.severity, crit_new.labels, crit_new.value) == ("critical", {"namespace": "shop"}, "1e+00")
    assert len(crit_new.annotations["description"]) == 240
    firing_only = await make_service().alerts([target("c1"), target("c2")], state="firing")
    assert [a.state for a in firing_only.alerts] == ["firing"] * 3


async def test_many_alerts_fit_the_cap_by_dropping_annotations_then_paging(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    alerts = [alert(f"A{i:03d}", "firing", "warning", "2026-01-01T00:00:00Z") for i in range(200)]
    respx_mock.get("http://c1.prom/api/v1/alerts").mock(return_value=json_response(success({"alerts": alerts})))
    result = await make_service().alerts([target("c1")], limit=200)
    assert len(to_json(result).encode()) <= 12_000
    assert result.truncated and result.next_cursor
    assert result.alerts[-1].annotations == {}


async def test_rules_put_failing_and_firing_groups_first(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    groups = [
        {
            "name": "quiet",
            "file": "a.yml",
            "rules": [{"name": "r:sum", "type": "recording", "query": "sum(x)", "health": "ok"}],
        },
        {
            "name": "broken",
            "file": "b.yml",
            "rules": [
                {"name": "ok:rule", "type": "recording", "query": "sum(y)", "health": "ok"},
                {"name": "bad:rule", "type": "recording", "query": "sum(z)", "health": "err", "lastError": "boom"},
            ],
        },
        {
            "name": "alerting",
            "file": "c.yml",
            "rules": [
                {"name": "Hot", "type": "alerting", "query": "x > 1", "health": "ok", "state": "firing", "alerts": [{}]}
            ],
        },
    ]
    respx_mock.get("http://c1.prom/api/v1/rules").mock(return_value=json_response(success({"groups": groups})))
    result = await make_service().rules([target("c1")])
    assert [g.name for g in result.groups] == ["broken", "alerting", "quiet"]
    assert [r.name for r in result.groups[0].rules] == ["bad:rule", "ok:rule"]
    assert result.groups[0].rules[0].last_error == "boom"
    hot = result.groups[1].rules[0]
    assert (hot.state, hot.active_alerts, hot.health) == ("firing", 1, "ok")
    assert result.groups[2].rules[0].state is None
    assert result.unhealthy_rules == 1


async def test_targets_health_counts_and_lists_down_targets(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    def t(job: str, health: str, error: str = "") -> dict[str, object]:
        return {
            "labels": {"job": job, "instance": f"{job}:9100"},
            "scrapePool": job,
            "scrapeUrl": f"http://{job}:9100/metrics",
            "lastError": error,
            "lastScrape": "2026-01-01T00:00:00Z",
            "health": health,
        }

    respx_mock.get("http://c1.prom/api/v1/targets").mock(
        return_value=json_response(
            success({"activeTargets": [t("node", "up"), t("gpu", "down", "connection refused"), t("new", "unknown")]})
        )
    )
    respx_mock.get("http://c2.prom/api/v1/targets").mock(
        return_value=json_response(success({"activeTargets": [t("node", "up")], "droppedTargets": []}))
    )
    result = await make_service().targets_health([target("c1"), target("c2")])
    assert [(c.cluster, c.up, c.down, c.unknown) for c in result.per_cluster] == [("c1", 1, 1, 1), ("c2", 1, 0, 0)]
    [down] = result.down_targets
    assert (down.cluster, down.job, down.instance, down.last_error) == ("c1", "gpu", "gpu:9100", "connection refused")
