"""AlertsService.list_alerts: ordering, Watchdog, unknown severities, grouping, paging, size cap and failures."""

from __future__ import annotations

import httpx
import pytest
import respx

from tests.tools.alertmanager.builders import alert_group, gettable_alert, target, watchdog
from tests.tools.alertmanager.conftest import ServiceFactory
from tools.alertmanager import AlertListResult
from tools.contract import to_json
from tools.errors import BackendError, BackendTimeoutError, ToolInputError

HUB = "http://hub.am/api/v2/alerts"
SPOKE = "http://spoke.am/api/v2/alerts"


def names(result: AlertListResult) -> list[str]:
    return [a.alertname for a in result.alerts]


async def test_alerts_are_ordered_by_severity_then_start_time(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(HUB).respond(
        200,
        json=[
            gettable_alert("NoSeverity", None, starts_at="2025-01-01T00:00:00Z"),
            gettable_alert("Custom", "P1", starts_at="2025-01-01T00:00:00Z"),
            gettable_alert("Info", "info"),
            gettable_alert("NoneSev", "none"),
            gettable_alert("WarnLater", "warning", starts_at="2026-01-01T00:00:00.9Z"),
            # More fraction digits but earlier: compared as instants, not as strings.
            gettable_alert("WarnEarlier", "warning", starts_at="2026-01-01T00:00:00.123456789Z"),
            gettable_alert("CritNew", "CRITICAL", starts_at="2026-02-01T00:00:00+01:00"),
        ],
    )
    result = await make_service().list_alerts([target("hub")], state="any")
    assert names(result) == ["CritNew", "WarnEarlier", "WarnLater", "Info", "NoneSev", "Custom", "NoSeverity"]
    assert result.severities == {"CRITICAL": 1, "warning": 2, "info": 1, "none": 1, "P1": 1, "unknown": 1}
    assert result.alerts[-1].severity is None
    assert result.total == 7


async def test_each_alert_carries_cluster_state_fingerprint_labels_and_why_it_is_muted(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(HUB).respond(
        200,
        json=[
            gettable_alert(
                "KubePodCrashLooping",
                "warning",
                state="suppressed",
                silenced_by=["sil-1"],
                fingerprint="abc123",
                receivers=("default", "team-shop"),
                annotations={"description": "d" * 1000, "summary": "Pod is crash looping."},
                namespace="shop",
                pod="web-0",
            ),
            gettable_alert("TargetDown", "warning", state="suppressed", inhibited_by=["fp-crit"], job="x"),
            gettable_alert("Fresh", "warning", state="unprocessed", receivers=()),
        ],
    )
    result = await make_service().list_alerts([target("hub")], state="any")
    assert names(result) == ["Fresh", "KubePodCrashLooping", "TargetDown"]  # same severity and start: by name
    crash = result.alerts[1]
    assert crash.cluster == "hub"
    assert crash.fingerprint == "abc123"
    assert crash.state == "suppressed"
    assert crash.silenced_by == ["sil-1"]
    assert crash.receivers == ["default", "team-shop"]
    assert crash.labels == {"namespace": "shop", "pod": "web-0"}
    assert crash.starts_at == "2026-01-01T00:00:00Z"
    assert len(crash.annotations["description"]) == 240
    assert crash.annotations["summary"] == "Pod is crash looping."
    assert result.alerts[2].inhibited_by == ["fp-crit"]
    assert result.alerts[0].receivers == []
    counts = result.states
    assert (counts.active, counts.silenced, counts.inhibited, counts.unprocessed) == (0, 1, 1, 1)


async def test_the_watchdog_is_counted_and_noted_not_listed(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(HUB).respond(200, json=[watchdog(), gettable_alert("Real", "critical")])
    respx_mock.get(SPOKE).respond(200, json=[watchdog("fp-wd-2")])
    result = await make_service().list_alerts([target("hub"), target("spoke")])
    assert names(result) == ["Real"]
    assert result.watchdog == {"hub": 1, "spoke": 1}
    assert result.total == 1
    assert result.severities == {"critical": 1}
    assert any("Watchdog heartbeat firing on hub, spoke" in n and "include_watchdog" in n for n in result.notes)


async def test_only_a_watchdog_means_no_problem_and_says_where_it_looked(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(HUB).respond(200, json=[watchdog()])
    result = await make_service().list_alerts([target("hub")])
    assert result.alerts == []
    assert result.total == 0
    assert "No active alerts other than the Watchdog in the Alertmanager of hub." in result.notes


async def test_the_watchdog_is_listed_on_request_or_when_asked_for_by_name(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(HUB).respond(200, json=[watchdog(), gettable_alert("Real", "info")])
    service = make_service()
    included = await service.list_alerts([target("hub")], include_watchdog=True)
    by_name = await service.list_alerts([target("hub")], alertname="Watchdog")
    assert names(included) == ["Real", "Watchdog"]  # severity none ranks after info
    assert included.alerts[1].severity == "none"
    assert "Watchdog" in names(by_name)
    assert not any("include_watchdog" in n for n in included.notes)


async def test_a_cluster_missing_the_watchdog_is_named_when_others_have_it(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(HUB).respond(200, json=[watchdog()])
    respx_mock.get(SPOKE).respond(200, json=[])
    service = make_service()
    unfiltered = await service.list_alerts([target("hub"), target("spoke")])
    filtered = await service.list_alerts([target("hub"), target("spoke")], severity="critical")
    assert any(n.startswith("No Watchdog alert from spoke") for n in unfiltered.notes)
    assert not any("No Watchdog" in n for n in filtered.notes)


async def test_no_alerts_anywhere_is_a_success_naming_filters_and_clusters(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    route = respx_mock.get(HUB).respond(200, json=[])
    result = await make_service().list_alerts([target("hub")], severity="critical", label_matchers={"team": "x"})
    assert result.total == 0
    assert result.clusters[0].status == "ok"
    assert result.filters == ['severity="critical"', 'team="x"']
    assert route.calls.last.request.url.params.get_list("filter") == ['severity="critical"', 'team="x"']
    assert any('severity="critical", team="x"' in n and "hub" in n for n in result.notes)


async def test_one_failing_cluster_leaves_a_labelled_partial_answer(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(HUB).respond(200, json=[gettable_alert("A", "warning")])
    respx_mock.get(SPOKE).respond(502, text="bad gateway")
    respx_mock.get("http://edge.am/api/v2/alerts").mock(side_effect=httpx.ReadTimeout("slow"))
    result = await make_service().list_alerts([target("hub"), target("spoke"), target("edge")])
    assert {c.cluster: c.status for c in result.clusters} == {"hub": "ok", "spoke": "error", "edge": "timeout"}
    assert result.answered == ["hub"]
    assert "502" in (result.clusters[1].message or "")
    assert any("1 of 3 clusters answered" in n for n in result.notes)


async def test_a_bad_matcher_everywhere_raises_alertmanagers_message_verbatim(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(HUB).respond(400, json="bad matcher format: severity")
    respx_mock.get(SPOKE).respond(400, json="bad matcher format: severity")
    with pytest.raises(BackendError) as caught:
        await make_service().list_alerts([target("hub"), target("spoke")], filters=["severity"])
    assert caught.value.status == 400
    assert "alertmanager said: bad matcher format: severity" in str(caught.value)


async def test_every_cluster_down_raises_one_line_per_cluster(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(HUB).respond(500, text="internal")
    respx_mock.get(SPOKE).mock(side_effect=httpx.ConnectTimeout("no route"))
    with pytest.raises(BackendError) as caught:
        await make_service().list_alerts([target("hub"), target("spoke")])
    assert not isinstance(caught.value, BackendTimeoutError)
    text = str(caught.value)
    assert "hub: error" in text
    assert "spoke: timeout" in text


async def test_grouping_by_namespace_counts_and_orders_groups_by_severity_then_size(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(HUB).respond(
        200,
        json=[
            gettable_alert("A", "warning", namespace="shop"),
            gettable_alert("B", "warning", namespace="shop", pod="p"),
            gettable_alert("C", "critical", namespace="db", starts_at="2025-06-01T00:00:00Z"),
            gettable_alert("D", "info"),
            watchdog(),
        ],
    )
    respx_mock.get(SPOKE).respond(200, json=[gettable_alert("A", "warning", namespace="shop", pod="q")])
    result = await make_service().list_alerts([target("hub"), target("spoke")], group_by="namespace")
    assert result.view == "groups"
    assert result.alerts == []
    assert [g.key for g in result.groups] == [{"namespace": "db"}, {"namespace": "shop"}, {"namespace": "(none)"}]
    shop = result.groups[1]
    assert (shop.count, shop.top_severity, shop.clusters) == (3, "warning", ["hub", "spoke"])
    assert shop.alertnames == ["A", "B"]
    assert shop.severities == {"warning": 3}
    assert len(shop.examples) == 3
    assert result.groups[0].oldest_starts_at == "2025-06-01T00:00:00Z"
    assert result.total == 3
    assert result.watchdog == {"hub": 1}


@pytest.mark.parametrize("group_by", ["alertname", "severity", "cluster"])
async def test_every_grouping_key_puts_the_critical_group_first(
    respx_mock: respx.MockRouter, make_service: ServiceFactory, group_by: str
) -> None:
    respx_mock.get(HUB).respond(200, json=[gettable_alert("W", "warning"), gettable_alert("W", "warning", x="1")])
    respx_mock.get(SPOKE).respond(200, json=[gettable_alert("Crit", "critical")])
    result = await make_service().list_alerts([target("hub"), target("spoke")], group_by=group_by)  # type: ignore[arg-type]
    assert result.groups[0].top_severity == "critical"
    assert result.groups[0].count == 1
    assert result.groups[-1].count == 2


async def test_alertmanagers_own_groups_keep_receiver_and_cluster_and_count_each_alert_once(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    shared = gettable_alert("KubeNodeNotReady", "critical", receivers=("default", "pager"), node="n1")
    route = respx_mock.get(HUB + "/groups").respond(
        200,
        json=[
            alert_group({"namespace": "openshift-monitoring"}, "Watchdog", [watchdog()]),
            alert_group({"alertname": "KubeNodeNotReady"}, "default", [shared]),
            alert_group({"alertname": "KubeNodeNotReady"}, "pager", [shared]),
            alert_group({"alertname": "Minor"}, "default", [gettable_alert("Minor", "info")]),
        ],
    )
    result = await make_service().list_alerts([target("hub")], state="any", group_by="alertmanager")
    assert "unprocessed" not in route.calls.last.request.url.params
    assert [(g.receiver, g.cluster, g.key) for g in result.groups] == [
        ("default", "hub", {"alertname": "KubeNodeNotReady"}),
        ("pager", "hub", {"alertname": "KubeNodeNotReady"}),
        ("default", "hub", {"alertname": "Minor"}),
    ]
    assert result.states.active == 2  # the alert routed to two receivers counts once
    assert result.watchdog == {"hub": 1}


async def test_alertmanager_groups_cannot_show_unprocessed_alerts(make_service: ServiceFactory) -> None:
    with pytest.raises(ToolInputError, match="unprocessed"):
        await make_service().list_alerts([target("hub")], state="unprocessed", group_by="alertmanager")


async def test_pages_follow_the_cursor_without_overlap_and_refuse_other_arguments(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(HUB).respond(
        200, json=[gettable_alert(f"A{i:02d}", "warning", starts_at=f"2026-01-01T00:{i:02d}:00Z") for i in range(25)]
    )
    service = make_service()
    first = await service.list_alerts([target("hub")], limit=10)
    assert first.next_cursor is not None and first.truncated
    second = await service.list_alerts([target("hub")], limit=10, cursor=first.next_cursor)
    third = await service.list_alerts([target("hub")], limit=10, cursor=second.next_cursor)
    assert names(first) + names(second) + names(third) == [f"A{i:02d}" for i in range(25)]
    assert third.next_cursor is None and not third.truncated
    assert (first.total, first.returned, third.returned) == (25, 10, 5)
    with pytest.raises(ToolInputError, match="different arguments"):
        await service.list_alerts([target("hub")], severity="warning", limit=10, cursor=first.next_cursor)


async def test_a_huge_listing_stays_under_the_byte_cap_and_offers_the_rest(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(HUB).respond(
        200,
        json=[
            gettable_alert(f"Alert{i:03d}", "warning", annotations={"description": "x" * 500}, pod=f"pod-{i}")
            for i in range(200)
        ],
    )
    service = make_service(response_max_bytes=6_000)
    result = await service.list_alerts([target("hub")], limit=200)
    assert len(to_json(result).encode()) <= 6_000
    assert result.truncated and result.next_cursor is not None
    assert 0 < result.returned < 200
    rest = await service.list_alerts([target("hub")], limit=200, cursor=result.next_cursor)
    assert rest.alerts[0].alertname == f"Alert{result.returned:03d}"


async def test_a_limit_outside_the_range_is_refused(make_service: ServiceFactory) -> None:
    with pytest.raises(ToolInputError, match="limit"):
        await make_service().list_alerts([target("hub")], limit=0)
