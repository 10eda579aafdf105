"""AlertsService.list_silences: state filter, newest first, matchers as Alertmanager writes them, paging."""

from __future__ import annotations

import pytest
import respx

from tests.tools.alertmanager.builders import gettable_silence, matcher, target
from tests.tools.alertmanager.conftest import ServiceFactory
from tools.errors import BackendError, ToolInputError

HUB = "http://hub.am/api/v2/silences"
SPOKE = "http://spoke.am/api/v2/silences"


def mixed() -> list[dict[str, object]]:
    return [
        gettable_silence("old", "expired", starts_at="2025-12-01T00:00:00Z", created_by="bob"),
        gettable_silence("now", "active", starts_at="2026-01-02T00:00:00Z", created_by="Alice@example.com"),
        gettable_silence("later", "pending", starts_at="2026-01-05T00:00:00Z", created_by="carol"),
        gettable_silence("earlier", "active", starts_at="2026-01-01T00:00:00.5Z", created_by="carol"),
    ]


async def test_current_silences_are_active_and_pending_newest_first_across_clusters(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(HUB).respond(200, json=mixed())
    respx_mock.get(SPOKE).respond(200, json=[gettable_silence("spoke-1", "active", starts_at="2026-01-03T00:00:00Z")])
    result = await make_service().list_silences([target("hub"), target("spoke")])
    assert [(s.cluster, s.id) for s in result.silences] == [
        ("hub", "later"),
        ("spoke", "spoke-1"),
        ("hub", "now"),
        ("hub", "earlier"),
    ]
    assert result.states == {"active": 3, "expired": 1, "pending": 1}
    assert result.total == 4


@pytest.mark.parametrize(("state", "ids"), [("expired", ["old"]), ("pending", ["later"]), ("any", 4)])
async def test_state_filter_selects_silences(
    respx_mock: respx.MockRouter, make_service: ServiceFactory, state: str, ids: list[str] | int
) -> None:
    respx_mock.get(HUB).respond(200, json=mixed())
    result = await make_service().list_silences([target("hub")], state=state)  # type: ignore[arg-type]
    found = [s.id for s in result.silences]
    assert found == ids if isinstance(ids, list) else len(found) == ids


async def test_matchers_read_as_alertmanager_writes_them_and_filters_are_forwarded(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    route = respx_mock.get(HUB).respond(
        200,
        json=[
            gettable_silence(
                "s1",
                "active",
                matchers=[
                    matcher("namespace", "shop"),
                    matcher("pod", "web-.*", regex=True),
                    matcher("severity", "info", equal=False),
                    matcher("job", "kube-.*", regex=True, equal=False),
                    matcher("alertname", "Legacy", equal=None),
                ],
                comment="c" * 1000,
            )
        ],
    )
    result = await make_service().list_silences(
        [target("hub")], label_matchers={"namespace": "shop"}, filters=['pod=~"web-.*"']
    )
    silence = result.silences[0]
    assert silence.matchers == [
        'namespace="shop"',
        'pod=~"web-.*"',
        'severity!="info"',
        'job!~"kube-.*"',
        'alertname="Legacy"',
    ]
    assert silence.created_by == "alice"
    assert silence.comment is not None and len(silence.comment) == 300
    assert (silence.starts_at, silence.ends_at) == ("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")
    assert route.calls.last.request.url.params.get_list("filter") == ['namespace="shop"', 'pod=~"web-.*"']
    assert result.filters == ['namespace="shop"', 'pod=~"web-.*"']


async def test_created_by_matches_part_of_the_author_ignoring_case(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(HUB).respond(200, json=mixed())
    result = await make_service().list_silences([target("hub")], state="any", created_by="alice")
    assert [s.id for s in result.silences] == ["now"]


async def test_no_silences_is_a_success_that_says_what_and_where(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(HUB).respond(200, json=[])
    result = await make_service().list_silences([target("hub")], label_matchers={"team": "x"})
    assert result.total == 0
    assert 'No current silences matching team="x" in the Alertmanager of hub.' in result.notes


async def test_silence_pages_do_not_overlap(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    respx_mock.get(HUB).respond(
        200,
        json=[gettable_silence(f"s{i:02d}", "active", starts_at=f"2026-01-01T00:{i:02d}:00Z") for i in range(7)],
    )
    service = make_service()
    first = await service.list_silences([target("hub")], limit=4)
    second = await service.list_silences([target("hub")], limit=4, cursor=first.next_cursor)
    assert [s.id for s in first.silences + second.silences] == [f"s{i:02d}" for i in reversed(range(7))]
    assert second.next_cursor is None
    with pytest.raises(ToolInputError):
        await service.list_silences([target("hub")], state="any", limit=4, cursor=first.next_cursor)


async def test_a_bad_silence_filter_comes_back_verbatim(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(HUB).respond(400, json="bad matcher format: team")
    with pytest.raises(BackendError, match="bad matcher format: team"):
        await make_service().list_silences([target("hub")], filters=["team"])
