"""AlertsService against a REAL Alertmanager (tests/fixtures/alertmanager.py, v0.25 on Debian).

Alerts are posted to ``/api/v2/alerts`` and a silence to ``/api/v2/silences`` by the test itself (product code stays
read-only); each test labels its alerts ``test=<its name>`` because the server is shared by the session. Alertmanager
computes silencing and inhibition when it is asked, but takes in new alerts asynchronously: checks poll with a
deadline.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
import pytest

from tools.alertmanager import AlertListResult, AlertsService
from tools.errors import BackendError
from tools.targets import BackendTarget, HttpClientPool

pytestmark = pytest.mark.integration

T = TypeVar("T")
DEADLINE_S = 15.0


async def eventually(probe: Callable[[], Awaitable[T | None]]) -> T:
    """Poll ``probe`` until it returns a value, for at most DEADLINE_S."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        value = await probe()
        if value is not None:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {DEADLINE_S}s")
        await asyncio.sleep(0.1)


def posted(name: str, severity: str, test: str, **labels: str) -> dict[str, Any]:
    return {
        "labels": {"alertname": name, "severity": severity, "test": test, **labels},
        "annotations": {"summary": f"{name} from the integration test"},
        "generatorURL": "http://prometheus.test/graph",
    }


@pytest.fixture
async def service() -> AsyncIterator[AlertsService]:
    pool = HttpClientPool(timeout=10.0)
    yield AlertsService(pool)
    await pool.aclose()


@pytest.fixture
def am(alertmanager_server: str) -> BackendTarget:
    return BackendTarget(cluster="real", backend="alertmanager", base_url=alertmanager_server)


async def seed(url: str, test: str) -> str:
    """Post a critical alert, a warning it inhibits, a pager alert, a silenced alert and a Watchdog."""
    now = datetime.now(UTC)
    async with httpx.AsyncClient(base_url=url, timeout=5.0) as http:
        alerts = [
            posted("DiskFull", "critical", test, namespace="shop"),
            posted("DiskFull", "warning", test, namespace="shop"),
            posted("PagerAlert", "warning", test, team="pager"),
            posted("Muted", "info", test),
            posted("Watchdog", "none", test, namespace="openshift-monitoring"),
        ]
        (await http.post("/api/v2/alerts", json=alerts)).raise_for_status()
        silence = {
            "matchers": [
                {"name": "alertname", "value": "Muted", "isRegex": False, "isEqual": True},
                {"name": "test", "value": test, "isRegex": False, "isEqual": True},
            ],
            "startsAt": now.isoformat(),
            "endsAt": (now + timedelta(hours=1)).isoformat(),
            "createdBy": "integration-test",
            "comment": "muted by the integration test",
        }
        response = await http.post("/api/v2/silences", json=silence)
        response.raise_for_status()
        return str(response.json()["silenceID"])


async def test_a_real_alertmanager_lists_states_silences_inhibitions_and_the_watchdog(
    service: AlertsService, am: BackendTarget, alertmanager_server: str
) -> None:
    silence_id = await seed(alertmanager_server, "states")
    mine = {"test": "states"}

    async def all_settled() -> AlertListResult | None:
        result = await service.list_alerts([am], state="any", label_matchers=mine)
        states = {(a.alertname, a.severity): a.state for a in result.alerts}
        settled = len(states) == 4 and "unprocessed" not in states.values()
        return result if settled and states[("DiskFull", "warning")] == "suppressed" else None

    everything = await eventually(all_settled)
    assert everything.watchdog == {"real": 1}
    by_key = {(a.alertname, a.severity): a for a in everything.alerts}
    critical, inhibited = by_key[("DiskFull", "critical")], by_key[("DiskFull", "warning")]
    assert (everything.alerts[0].alertname, everything.alerts[0].severity) == ("DiskFull", "critical")
    assert critical.labels == {"namespace": "shop", "test": "states"}
    assert critical.annotations == {"summary": "DiskFull from the integration test"}
    assert critical.state == "active" and critical.starts_at
    assert inhibited.inhibited_by == [critical.fingerprint]
    assert by_key[("Muted", "info")].silenced_by == [silence_id]
    assert by_key[("PagerAlert", "warning")].receivers == ["pager"]

    active = await service.list_alerts([am], label_matchers=mine)
    assert [(a.alertname, a.severity) for a in active.alerts] == [("DiskFull", "critical"), ("PagerAlert", "warning")]

    silenced_only = await service.list_alerts([am], state="suppressed", inhibited=False, label_matchers=mine)
    assert [a.alertname for a in silenced_only.alerts] == ["Muted"]

    paged = await service.list_alerts([am], state="any", receiver="pager", label_matchers=mine)
    assert [a.alertname for a in paged.alerts] == ["PagerAlert"]

    groups = await service.list_alerts([am], state="any", group_by="alertmanager", label_matchers=mine)
    assert {(g.receiver, g.key.get("alertname")) for g in groups.groups} >= {
        ("pager", "PagerAlert"),
        ("default", "DiskFull"),
    }

    silences = await service.list_silences([am], created_by="integration-test")
    listed = next(s for s in silences.silences if s.id == silence_id)
    assert listed.state == "active"
    assert listed.matchers == ['alertname="Muted"', 'test="states"']


async def test_a_real_alertmanager_rejects_a_bad_matcher_in_its_own_words(
    service: AlertsService, am: BackendTarget
) -> None:
    with pytest.raises(BackendError) as caught:
        await service.list_alerts([am], filters=["not a matcher"])
    assert caught.value.status == 400
    assert "bad matcher format" in str(caught.value)


async def test_nothing_matching_on_a_real_alertmanager_is_a_success(service: AlertsService, am: BackendTarget) -> None:
    result = await service.list_alerts([am], label_matchers={"test": "nothing-posted-here"})
    assert result.total == 0
    assert result.clusters[0].status == "ok"
    assert any("real" in n for n in result.notes)
