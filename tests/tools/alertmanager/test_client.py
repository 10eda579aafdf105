"""AlertmanagerClient: the requests it sends, and every failure turned into an actionable BackendError."""

from __future__ import annotations

import httpx
import pytest
import respx

from tests.tools.alertmanager.builders import alert_group, gettable_alert, gettable_silence, target
from tools.alertmanager import AlertFlags, AlertmanagerClient
from tools.errors import BackendError, BackendTimeoutError
from tools.targets import BackendAuth, BackendTarget

ALL = AlertFlags()


async def test_filters_are_sent_as_repeated_filter_params_with_state_switches_and_token() -> None:
    async with httpx.AsyncClient() as http:
        with respx.mock() as mock:
            route = mock.get("http://hub.am/api/v2/alerts").respond(200, json=[gettable_alert("A")])
            alerts = await AlertmanagerClient(http, target("hub", token="tok-1")).alerts(
                AlertFlags(active=True, silenced=False, inhibited=False, unprocessed=False),
                ['severity="critical"', 'namespace=~"openshift-.*"'],
                receiver="pager.*",
            )
    assert [a["labels"]["alertname"] for a in alerts] == ["A"]
    request = route.calls.last.request
    assert request.url.params.get_list("filter") == ['severity="critical"', 'namespace=~"openshift-.*"']
    assert request.url.params["receiver"] == "pager.*"
    assert [request.url.params[k] for k in ("active", "silenced", "inhibited", "unprocessed")] == [
        "true",
        "false",
        "false",
        "false",
    ]
    assert request.headers["Authorization"] == "Bearer tok-1"


async def test_groups_endpoint_gets_no_unprocessed_switch_and_keeps_a_base_path() -> None:
    where = target("hub", url="https://am.apps.example/prefix")
    async with httpx.AsyncClient() as http:
        with respx.mock() as mock:
            route = mock.get("https://am.apps.example/prefix/api/v2/alerts/groups").respond(
                200, json=[alert_group({"alertname": "A"}, "default", [gettable_alert("A")])]
            )
            groups = await AlertmanagerClient(http, where).alert_groups(ALL)
    assert groups[0]["receiver"] == {"name": "default"}
    assert "unprocessed" not in route.calls.last.request.url.params


async def test_silences_forward_filters() -> None:
    async with httpx.AsyncClient() as http:
        with respx.mock() as mock:
            route = mock.get("http://hub.am/api/v2/silences").respond(200, json=[gettable_silence("s1", "active")])
            silences = await AlertmanagerClient(http, target("hub")).silences(['namespace="shop"'])
    assert silences[0]["id"] == "s1"
    assert route.calls.last.request.url.params.get_list("filter") == ['namespace="shop"']


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [
        (400, httpx.Response(400, json="bad matcher format: severity=").content, "bad matcher format: severity="),
        (400, b'{"code":400,"message":"bad matcher format"}', "bad matcher format"),
        (400, b"bad matcher format: plain text", "bad matcher format: plain text"),
        (
            422,
            b'{"code":602,"message":"active in query must be of type boolean: \\"x\\""}',
            'active in query must be of type boolean: "x"',
        ),
    ],
)
async def test_a_rejected_filter_comes_back_with_alertmanagers_words(status: int, body: bytes, said: str) -> None:
    async with httpx.AsyncClient() as http:
        with respx.mock() as mock:
            mock.get("http://hub.am/api/v2/alerts").respond(status, content=body)
            with pytest.raises(BackendError) as caught:
                await AlertmanagerClient(http, target("hub")).alerts(ALL, ["severity="])
    error = caught.value
    assert error.status == status
    assert error.body == said
    assert "severity=" in str(error)  # the filter that was sent
    assert "name=~" in (error.hint or "")


async def test_a_server_error_is_a_backend_error_with_status_and_body() -> None:
    async with httpx.AsyncClient() as http:
        with respx.mock() as mock:
            mock.get("http://hub.am/api/v2/alerts").respond(503, text="upstream connect error")
            with pytest.raises(BackendError) as caught:
                await AlertmanagerClient(http, target("hub")).alerts(ALL)
    assert not isinstance(caught.value, BackendTimeoutError)
    assert caught.value.status == 503
    assert "upstream connect error" in str(caught.value)
    assert "retry" in (caught.value.hint or "")


async def test_a_timeout_is_a_backend_timeout_naming_the_url() -> None:
    async with httpx.AsyncClient() as http:
        with respx.mock() as mock:
            mock.get("http://hub.am/api/v2/alerts").mock(side_effect=httpx.ReadTimeout("slow"))
            with pytest.raises(BackendTimeoutError) as caught:
                await AlertmanagerClient(http, target("hub"), timeout=2.0).alerts(ALL)
    assert "http://hub.am" in str(caught.value)
    assert "2s" in str(caught.value)


@pytest.mark.parametrize("status", [401, 403])
async def test_refused_credentials_name_the_kind_sent_and_the_openshift_role(status: int) -> None:
    async with httpx.AsyncClient() as http:
        with respx.mock() as mock:
            mock.get("http://hub.am/api/v2/alerts").respond(status, text="Forbidden")
            with pytest.raises(BackendError) as caught:
                await AlertmanagerClient(http, target("hub", token="sekret-token")).alerts(ALL)
    text = str(caught.value)
    assert f"HTTP {status}" in text
    assert "bearer token" in text
    assert "monitoring" in text
    assert "sekret-token" not in text


async def test_a_redirect_to_a_login_page_is_explained() -> None:
    async with httpx.AsyncClient() as http:
        with respx.mock() as mock:
            mock.get("http://hub.am/api/v2/alerts").respond(302, headers={"location": "https://oauth.example/login"})
            with pytest.raises(BackendError) as caught:
                await AlertmanagerClient(http, target("hub")).alerts(ALL)
    assert "oauth.example/login" in str(caught.value)
    assert "bearer token" in (caught.value.hint or "")


async def test_a_body_that_is_not_a_list_of_objects_is_a_shape_error() -> None:
    async with httpx.AsyncClient() as http:
        with respx.mock() as mock:
            mock.get("http://hub.am/api/v2/alerts").respond(200, json={"status": "success", "data": []})
            mock.get("http://hub.am/api/v2/silences").respond(200, text="<html>console</html>")
            client = AlertmanagerClient(http, target("hub"))
            with pytest.raises(BackendError, match="where a list of objects was expected"):
                await client.alerts(ALL)
            with pytest.raises(BackendError, match="not JSON"):
                await client.silences()


async def test_a_body_quoting_the_token_is_redacted() -> None:
    async with httpx.AsyncClient() as http:
        with respx.mock() as mock:
            mock.get("http://hub.am/api/v2/alerts").respond(500, text="proxy failed for Bearer tok-secret-9")
            with pytest.raises(BackendError) as caught:
                await AlertmanagerClient(http, target("hub", token="tok-secret-9")).alerts(ALL)
    assert "tok-secret-9" not in str(caught.value)
    assert "proxy failed" in str(caught.value)


async def test_url_userinfo_never_appears_in_a_connection_error() -> None:
    where = BackendTarget(
        "hub", "alertmanager", "http://viewer:url-pw-123@hub.am", auth=BackendAuth(basic_user="viewer")
    )
    async with httpx.AsyncClient() as http:
        with respx.mock() as mock:
            mock.get(host="hub.am").mock(side_effect=httpx.ConnectError("refused"))
            with pytest.raises(BackendError) as caught:
                await AlertmanagerClient(http, where).alerts(ALL)
    assert "url-pw-123" not in str(caught.value)
    assert "http://hub.am" in str(caught.value)
    assert "reachability" in (caught.value.hint or "")
