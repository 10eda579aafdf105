"""The simulated Tempo: search and trace shapes like Tempo's, slow payments traces during the incident."""

from __future__ import annotations

import base64
import re
from typing import Any

import httpx
import pytest

from servers.sim.exporter import create_app
from servers.sim.traceql import TraceQLError, parse_traceql
from tests.sim.conftest import ANCHOR, INC, Clock, models_for

TEMPO = "/clusters/hub/tempo"
PAYMENTS = '{ resource.service.name = "payments-api" }'


async def search(api: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    resp = await api.get(f"{TEMPO}/api/search", params=params)
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


def hexid(b64: str) -> str:
    return base64.b64decode(b64).hex()


async def test_search_returns_tempos_shape_newest_first_with_the_default_limit(sim_api: httpx.AsyncClient) -> None:
    body = await search(sim_api, q=PAYMENTS)
    assert set(body) == {"traces", "metrics"}
    traces = body["traces"]
    assert len(traces) == 20  # Tempo's default limit
    first = traces[0]
    assert {"traceID", "rootServiceName", "rootTraceName", "startTimeUnixNano", "durationMs", "spanSets"} <= set(first)
    assert (first["rootServiceName"], first["rootTraceName"]) == ("payments-api", "POST /charge")
    assert re.fullmatch(r"[0-9a-f]{1,32}", first["traceID"])
    assert isinstance(first["durationMs"], int)
    starts = [int(t["startTimeUnixNano"]) for t in traces]
    assert starts == sorted(starts, reverse=True)
    assert starts[0] <= (ANCHOR + 120) * 1e9
    spanset = first["spanSets"][0]
    assert spanset["matched"] == 3  # every span of the trace carries the resource attribute
    assert len(spanset["spans"]) == 3  # spss defaults to 3
    span = spanset["spans"][0]
    assert {"spanID", "startTimeUnixNano", "durationNanos", "attributes"} <= set(span)
    assert {"key": "service.name", "value": {"stringValue": "payments-api"}} in span["attributes"]
    assert int(body["metrics"]["inspectedTraces"]) >= 20


async def test_limit_spss_and_time_range_are_honoured(sim_api: httpx.AsyncClient) -> None:
    start, end = int(ANCHOR - 7200), int(ANCHOR - 7000)
    body = await search(sim_api, q=PAYMENTS, limit=5, spss=1, start=start, end=end)
    assert len(body["traces"]) == 5
    assert all(len(t["spanSets"][0]["spans"]) == 1 for t in body["traces"])
    everything = await search(sim_api, q=PAYMENTS, limit=1000, start=start, end=end)
    assert all(start * 1e9 <= int(t["startTimeUnixNano"]) < end * 1e9 for t in everything["traces"])
    assert 100 < len(everything["traces"]) < 200  # 3 pods, one request every 4 s, 200 s


async def test_payments_traces_are_fast_before_and_slow_during_the_incident(sim_api: httpx.AsyncClient) -> None:
    calm = await search(
        sim_api, q=PAYMENTS, limit=200, start=int(INC.cpu_ramp_start - 600), end=int(INC.cpu_ramp_start)
    )
    assert len(calm["traces"]) > 100
    assert all(40 <= t["durationMs"] <= 81 for t in calm["traces"])
    slow = await search(
        sim_api, q=PAYMENTS, limit=200, start=int(INC.saturation_start), end=int(INC.saturation_start + 600)
    )
    assert len(slow["traces"]) > 100
    assert all(800 <= t["durationMs"] <= 2001 for t in slow["traces"])
    query = '{ resource.service.name = "payments-api" && duration > 800ms }'
    none_before = await search(sim_api, q=query, start=int(INC.cpu_ramp_start - 3600), end=int(INC.cpu_ramp_start))
    assert none_before["traces"] == []


async def test_a_failed_charge_spends_its_time_in_the_fraud_check_call(sim_api: httpx.AsyncClient) -> None:
    body = await search(sim_api, q="{ status = error && kind = server }", limit=1)
    [hit] = body["traces"]
    resp = await sim_api.get(f"{TEMPO}/api/traces/{hit['traceID']}")
    assert resp.status_code == 200
    [batch] = resp.json()["batches"]
    resource = {a["key"]: a["value"]["stringValue"] for a in batch["resource"]["attributes"]}
    assert (resource["service.name"], resource["k8s.namespace.name"]) == ("payments-api", "payments")
    [scope] = batch["scopeSpans"]
    spans = {s["name"]: s for s in scope["spans"]}
    assert set(spans) == {"POST /charge", "db.query", "fraud-check"}
    root, db, fraud = spans["POST /charge"], spans["db.query"], spans["fraud-check"]
    assert hexid(root["traceId"]).lstrip("0") == hit["traceID"]
    assert "parentSpanId" not in root
    assert hexid(db["parentSpanId"]) == hexid(root["spanId"]) == hexid(fraud["parentSpanId"])
    assert (root["kind"], fraud["kind"]) == ("SPAN_KIND_SERVER", "SPAN_KIND_CLIENT")
    assert root["status"] == {"code": "STATUS_CODE_ERROR", "message": "upstream timeout"}
    assert fraud["status"]["code"] == "STATUS_CODE_ERROR"

    def ms(span: dict[str, Any]) -> float:
        return (int(span["endTimeUnixNano"]) - int(span["startTimeUnixNano"])) / 1e6

    assert 800 <= ms(root) <= 2001
    assert ms(fraud) == pytest.approx(750, abs=1)  # FRAUD_CHECK_TIMEOUT of payments-api-config
    assert ms(db) < 100
    status = {a["key"]: a["value"] for a in root["attributes"]}["http.response.status_code"]
    assert status == {"intValue": "504"}


async def test_error_log_lines_and_traces_share_trace_ids(sim_api: httpx.AsyncClient) -> None:
    query = '{app="payments-api"} |= "upstream timeout"'
    logs = await sim_api.get("/clusters/hub/loki/loki/api/v1/query_range", params={"query": query, "limit": 5})
    lines = [line for s in logs.json()["data"]["result"] for _, line in s["values"]]
    assert len(lines) == 5
    for line in lines:
        m = re.search(r"latency_ms=(\d+) trace_id=([0-9a-f]{32})$", line)
        assert m is not None
        trace = (await sim_api.get(f"{TEMPO}/api/traces/{m[2]}")).json()
        root = next(s for s in trace["batches"][0]["scopeSpans"][0]["spans"] if "parentSpanId" not in s)
        assert root["name"] == "POST /charge"
        duration_ms = (int(root["endTimeUnixNano"]) - int(root["startTimeUnixNano"])) / 1e6
        assert abs(duration_ms - int(m[1])) <= 1


async def test_v2_trace_by_id_uses_resource_spans(sim_api: httpx.AsyncClient) -> None:
    [hit] = (await search(sim_api, q=PAYMENTS, limit=1))["traces"]
    body = (await sim_api.get(f"{TEMPO}/api/v2/traces/{hit['traceID']}")).json()
    assert len(body["trace"]["resourceSpans"][0]["scopeSpans"][0]["spans"]) == 3


async def test_unknown_trace_ids_and_bad_traceql_fail_like_tempo(sim_api: httpx.AsyncClient) -> None:
    missing = await sim_api.get(f"{TEMPO}/api/traces/{'ab' * 16}")
    assert (missing.status_code, missing.text.strip()) == (404, "trace not found")
    bad = await sim_api.get(f"{TEMPO}/api/search", params={"q": '{ .foo = "bar" '})
    assert bad.status_code == 400
    assert bad.text.startswith("invalid TraceQL query: parse error at line 1, col 16: syntax error: unexpected $end")
    assert (await sim_api.get(f"{TEMPO}/api/traces/not-hex")).status_code == 400


async def test_tags_based_search_with_min_duration(sim_api: httpx.AsyncClient) -> None:
    body = await search(sim_api, tags="service.name=payments-api", minDuration="1500ms", limit=10)
    assert len(body["traces"]) == 10
    assert all(t["durationMs"] >= 1500 for t in body["traces"])


async def test_tag_names_and_values(sim_api: httpx.AsyncClient) -> None:
    v1 = (await sim_api.get(f"{TEMPO}/api/search/tags")).json()
    assert {"service.name", "http.route", "k8s.pod.name"} <= set(v1["tagNames"])
    v2 = (await sim_api.get(f"{TEMPO}/api/v2/search/tags")).json()
    scopes = {s["name"]: s["tags"] for s in v2["scopes"]}
    assert set(scopes) == {"resource", "span", "intrinsic"}
    assert "service.name" in scopes["resource"]
    assert "http.response.status_code" in scopes["span"]
    assert "duration" in scopes["intrinsic"]
    services = (await sim_api.get(f"{TEMPO}/api/v2/search/tag/resource.service.name/values")).json()
    assert {"type": "string", "value": "payments-api"} in services["tagValues"]
    codes = (await sim_api.get(f"{TEMPO}/api/search/tag/http.response.status_code/values")).json()
    assert {"200", "504"} <= set(codes["tagValues"])


async def test_echo_and_ready(sim_api: httpx.AsyncClient) -> None:
    assert (await sim_api.get(f"{TEMPO}/api/echo")).text == "echo"
    ready = await sim_api.get("/clusters/gpu-spoke/tempo/ready")
    assert (ready.status_code, ready.text.strip()) == (200, "ready")


async def test_clusters_without_instrumented_services_have_no_traces(sim_api: httpx.AsyncClient) -> None:
    resp = await sim_api.get("/clusters/telco-edge/tempo/api/search")
    assert resp.json()["traces"] == []
    vllm = await sim_api.get("/clusters/gpu-spoke/tempo/api/search", params={"limit": 3})
    assert {t["rootServiceName"] for t in vllm.json()["traces"]} == {"vllm-granite"}


@pytest.mark.parametrize(
    "query",
    [
        "{}",
        '{ resource.service.name = "a" && (span.http.route =~ "/x.*" || duration >= 1.5s) }',
        "{ status = error } && { kind = client }",
        "{ span:duration > 100ms && trace:rootService != nil }",
    ],
)
def test_traceql_subset_parses(query: str) -> None:
    parse_traceql(query)


@pytest.mark.parametrize("query", ['{ .a = "b"', "{ foo = 1 }", "{ .a = }", "{ .a == 1 }"])
def test_traceql_errors_name_the_column(query: str) -> None:
    with pytest.raises(TraceQLError, match=r"^invalid TraceQL query: parse error at line 1, col \d+: syntax error"):
        parse_traceql(query)


async def test_trace_ids_depend_on_the_seed_but_identities_do_not() -> None:
    async def newest(seed: int) -> dict[str, Any]:
        transport = httpx.ASGITransport(app=create_app(models_for(seed=seed), clock=Clock(ANCHOR)))
        async with httpx.AsyncClient(transport=transport, base_url="http://sim") as api:
            [hit] = (await search(api, q=PAYMENTS, limit=1, start=int(ANCHOR - 60), end=int(ANCHOR)))["traces"]
            trace = (await api.get(f"{TEMPO}/api/traces/{hit['traceID']}")).json()
            return {"id": hit["traceID"], "resource": trace["batches"][0]["resource"]}

    seven, seven_again, eight = await newest(7), await newest(7), await newest(8)
    assert seven == seven_again
    assert seven["id"] != eight["id"]
    pods = {a["value"]["stringValue"] for a in seven["resource"]["attributes"] if a["key"] == "k8s.pod.name"}
    assert len(pods) == 1
    assert pods <= {"payments-api-wdmsdwt78q-v48sq", "payments-api-wdmsdwt78q-l84mw", "payments-api-wdmsdwt78q-xc282"}
