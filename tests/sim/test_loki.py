"""The simulated Loki: response shapes, limits and errors like Loki's, and logs that tell the incident story."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from servers.sim.model import ClusterModel
from tests.sim.conftest import ANCHOR, INC, Clock, one_signal

LOKI = "/clusters/hub/loki/loki/api/v1"
PAYMENTS = '{namespace="payments", app="payments-api"}'
ERROR_LINE = re.compile(
    r'^level=error msg="upstream timeout" route=/api/v1/charge latency_ms=(\d+) trace_id=([0-9a-f]{32})$'
)


async def query_range(api: httpx.AsyncClient, query: str, cluster: str = "hub", **params: Any) -> dict[str, Any]:
    resp = await api.get(f"/clusters/{cluster}/loki/loki/api/v1/query_range", params={"query": query, **params})
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    assert body["status"] == "success"
    data: dict[str, Any] = body["data"]
    return data


def entries(data: dict[str, Any]) -> list[tuple[int, str]]:
    assert data["resultType"] == "streams"
    return [(int(ns), line) for stream in data["result"] for ns, line in stream["values"]]


async def test_a_log_query_returns_streams_newest_first_with_the_default_limit(sim_api: httpx.AsyncClient) -> None:
    data = await query_range(sim_api, PAYMENTS)
    stream = data["result"][0]
    assert set(stream) == {"stream", "values"}
    assert stream["stream"]["namespace"] == "payments"
    assert {"pod", "container", "node", "app", "job", "service_name"} <= set(stream["stream"])
    assert all(isinstance(ns, str) and ns.isdigit() and len(ns) == 19 for ns, _ in stream["values"])
    lines = entries(data)
    assert len(lines) == 100  # Loki's default limit
    merged = sorted(ns for ns, _ in lines)
    assert merged[-1] <= (ANCHOR + 120) * 1e9
    for s in data["result"]:
        stamps = [int(ns) for ns, _ in s["values"]]
        assert stamps == sorted(stamps, reverse=True)
    assert data["stats"]["summary"]["totalEntriesReturned"] == 100
    assert data["stats"]["summary"]["totalLinesProcessed"] >= 100


async def test_limit_direction_and_the_half_open_range_are_honoured(sim_api: httpx.AsyncClient) -> None:
    start, end = int(ANCHOR - 600), int(ANCHOR - 300)
    data = await query_range(sim_api, PAYMENTS, start=start, end=end, limit=7, direction="forward")
    for stream in data["result"]:
        stamps = [int(ns) for ns, _ in stream["values"]]
        assert stamps == sorted(stamps)  # oldest first within each stream
    forward = entries(data)
    assert len(forward) == 7
    everything = entries(await query_range(sim_api, PAYMENTS, start=start, end=end, limit=5000))
    assert all(start * 10**9 <= ns < end * 10**9 for ns, _ in everything)
    oldest = sorted(ns for ns, _ in everything)[:7]
    assert sorted(ns for ns, _ in forward) == oldest
    ns_start = str(start * 10**9)  # nanosecond and second timestamps mean the same instant
    same = entries(await query_range(sim_api, PAYMENTS, start=ns_start, end=end, limit=5000))
    assert sorted(same) == sorted(everything)


async def test_the_error_burst_starts_when_the_cpu_saturates(
    sim_api: httpx.AsyncClient, models: dict[str, ClusterModel]
) -> None:
    cpu = one_signal(models["hub"], "container_cpu_usage_seconds_total", pod="payments-api-wdmsdwt78q-xc282")

    def cores(t: float) -> float:
        return (cpu(t + 60) - cpu(t)) / 60  # of a 1-core limit

    assert cores(INC.saturation_start) > 0.95 > 0.85 > cores(INC.saturation_start - 600)  # the metrics' saturation
    errors = f'{PAYMENTS} |= "upstream timeout"'
    before = await query_range(sim_api, errors, start=int(INC.cpu_ramp_start - 1800), end=int(INC.saturation_start))
    assert entries(before) == []
    calm = entries(
        await query_range(
            sim_api, PAYMENTS, start=int(INC.cpu_ramp_start - 600), end=int(INC.cpu_ramp_start), limit=5000
        )
    )
    assert len(calm) > 100
    assert all(line.startswith("level=info") for _, line in calm)
    first = entries(
        await query_range(
            sim_api,
            errors,
            start=int(INC.saturation_start - 600),
            end=int(INC.saturation_start + 600),
            limit=1,
            direction="forward",
        )
    )
    assert first
    assert 0 <= first[0][0] / 1e9 - INC.saturation_start < 10
    burst = entries(
        await query_range(
            sim_api, errors, start=int(INC.saturation_start), end=int(INC.saturation_start + 600), limit=5000
        )
    )
    assert len(burst) > 200  # ~45 requests a minute, 65% of them failing
    assert all(ERROR_LINE.match(line) for _, line in burst)
    assert all(800 <= int(ERROR_LINE.match(line)[1]) <= 2000 for _, line in burst)  # type: ignore[index]


async def test_a_metric_query_counts_the_burst_per_pod(sim_api: httpx.AsyncClient) -> None:
    query = f'sum by (pod) (count_over_time({PAYMENTS} |= "upstream timeout" [10m]))'
    data = await query_range(sim_api, query, start=int(INC.cpu_ramp_start), end=int(ANCHOR), step="600")
    assert data["resultType"] == "matrix"
    assert {tuple(r["metric"]) for r in data["result"]} == {("pod",)}
    assert len(data["result"]) == 3
    for series in data["result"]:
        times = [t for t, _ in series["values"]]
        assert all(isinstance(t, int) for t in times)
        assert min(times) > INC.saturation_start  # no error before the saturation: no sample at all
        assert all(int(v) > 0 for _, v in series["values"])


async def test_instant_metric_queries_return_a_vector_or_a_scalar(sim_api: httpx.AsyncClient) -> None:
    resp = await sim_api.get(f"{LOKI}/query", params={"query": f"sum(rate({PAYMENTS}[5m]))", "time": int(ANCHOR)})
    data = resp.json()["data"]
    assert data["resultType"] == "vector"
    [sample] = data["result"]
    assert sample["metric"] == {}
    assert sample["value"][0] == int(ANCHOR)
    assert 0.3 < float(sample["value"][1]) < 1.0  # three pods, one request every 4 s each, minus the down pod
    scalar = (await sim_api.get(f"{LOKI}/query", params={"query": "2 * 21"})).json()["data"]
    assert (scalar["resultType"], scalar["result"][1]) == ("scalar", "42")


async def test_logfmt_and_label_filters_extract_fields(sim_api: httpx.AsyncClient) -> None:
    data = await query_range(sim_api, f'{PAYMENTS} | logfmt | level="error" | latency_ms > 1900', limit=20)
    streams = data["result"]
    assert streams
    for stream in streams:
        assert stream["stream"]["level"] == "error"
        assert int(stream["stream"]["latency_ms"]) > 1900
        assert len(stream["stream"]["trace_id"]) == 32


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('{namespace="payments"', "parse error at line 1, col 22: syntax error: unexpected $end"),
        ('{app=~".*"}', "queries require at least one regexp or equality matcher"),
        ('{app="payments-api"} |= foo', "parse error at line 1, col 25: syntax error: unexpected IDENTIFIER"),
        ("sum(", "syntax error: unexpected $end"),
    ],
)
async def test_invalid_logql_is_a_plain_text_400_like_loki(
    sim_api: httpx.AsyncClient, query: str, message: str
) -> None:
    resp = await sim_api.get(f"{LOKI}/query_range", params={"query": query})
    assert resp.status_code == 400
    assert resp.headers["content-type"].startswith("text/plain")
    assert message in resp.text
    assert resp.text.startswith("parse error")


async def test_request_limits_are_enforced_like_loki(sim_api: httpx.AsyncClient) -> None:
    too_many = await sim_api.get(f"{LOKI}/query_range", params={"query": PAYMENTS, "limit": 6000})
    assert (too_many.status_code, too_many.text) == (
        400,
        "max entries limit per query exceeded, limit > max_entries_limit (6000 > 5000)",
    )
    instant = await sim_api.get(f"{LOKI}/query", params={"query": PAYMENTS})
    assert instant.status_code == 400
    assert "log queries are not supported as an instant query type" in instant.text
    backwards = await sim_api.get(
        f"{LOKI}/query_range", params={"query": PAYMENTS, "start": int(ANCHOR), "end": int(ANCHOR - 60)}
    )
    assert backwards.status_code == 400


async def test_labels_values_and_series_describe_the_streams(sim_api: httpx.AsyncClient) -> None:
    labels = (await sim_api.get(f"{LOKI}/labels")).json()
    assert labels["status"] == "success"
    assert {"namespace", "pod", "container", "app"} <= set(labels["data"])
    values = (await sim_api.get(f"{LOKI}/label/namespace/values")).json()["data"]
    assert "payments" in values
    assert values == sorted(values)
    series = (await sim_api.get(f"{LOKI}/series", params={"match[]": PAYMENTS})).json()["data"]
    assert len(series) == 3
    assert all(s["app"] == "payments-api" for s in series)
    missing = await sim_api.get(f"{LOKI}/series")
    assert (missing.status_code, missing.text) == (400, "at least one match[] argument required")


async def test_loki_answers_ready(sim_api: httpx.AsyncClient) -> None:
    resp = await sim_api.get("/clusters/telco-edge/loki/ready")
    assert (resp.status_code, resp.text.strip()) == (200, "ready")


async def test_ptp_daemon_lines_print_the_offsets_the_metrics_show(
    sim_api: httpx.AsyncClient, models: dict[str, ClusterModel]
) -> None:
    query = '{namespace="openshift-ptp", node="edge-du-1"} |= "master offset"'
    data = await query_range(sim_api, query, "telco-edge", start=int(ANCHOR - 900), end=int(ANCHOR - 600), limit=20)
    offset = one_signal(models["telco-edge"], "openshift_ptp_offset_ns", node="edge-du-1", process="ptp4l")
    lines = entries(data)
    assert len(lines) == 20
    for ns, line in lines:
        m = re.search(
            r"^ptp4l\[\d+\.\d{3}\]: \[ptp4l\.0\.config:5\] master offset +(-?\d+) s2 freq +[+-]\d+ path delay +\d+$",
            line,
        )
        assert m is not None, line
        assert int(m[1]) == int(offset(ns / 1e9))
    holdover = entries(
        await query_range(
            sim_api,
            '{namespace="openshift-ptp"} |= "HOLDOVER"',
            "telco-edge",
            start=int(ANCHOR - 3600),
            end=int(ANCHOR),
        )
    )
    # Newest first: the holdover times out into FREERUN, after the LOCKED -> HOLDOVER transition.
    assert len(holdover) == 2
    assert abs(holdover[0][0] / 1e9 - INC.ptp_freerun) < 1
    assert "HOLDOVER -> FREERUN" in holdover[0][1]
    assert abs(holdover[1][0] / 1e9 - INC.ptp_holdover) < 1
    assert "LOCKED -> HOLDOVER" in holdover[1][1]


async def test_the_training_job_warns_about_the_hot_gpu_only_once_it_throttles(sim_api: httpx.AsyncClient) -> None:
    query = '{namespace="ml-training"} |= "HW_THERMAL_SLOWDOWN"'
    before = await query_range(
        sim_api, query, "gpu-spoke", start=int(ANCHOR - 3 * 3600), end=int(INC.gpu_throttle_start)
    )
    after = await query_range(sim_api, query, "gpu-spoke", start=int(INC.gpu_throttle_start), end=int(ANCHOR))
    assert entries(before) == []
    assert entries(after)
    assert all("GPU 2 clocks throttled" in line for _, line in entries(after))


async def test_logs_are_deterministic_and_continue_live(sim_api: httpx.AsyncClient, sim_clock: Clock) -> None:
    first = await query_range(sim_api, PAYMENTS, start=int(ANCHOR - 300), end=int(ANCHOR), limit=50)
    second = await query_range(sim_api, PAYMENTS, start=int(ANCHOR - 300), end=int(ANCHOR), limit=50)
    assert first["result"] == second["result"]
    newest = max(ns for ns, _ in entries(await query_range(sim_api, PAYMENTS, limit=1)))
    sim_clock.t += 600
    later = max(ns for ns, _ in entries(await query_range(sim_api, PAYMENTS, limit=1)))
    assert later > newest + 500 * 10**9


async def test_metric_functions_aggregations_and_arithmetic(sim_api: httpx.AsyncClient) -> None:
    async def instant(query: str) -> list[dict[str, Any]]:
        resp = await sim_api.get(f"{LOKI}/query", params={"query": query, "time": int(ANCHOR)})
        assert resp.status_code == 200, resp.text
        result: list[dict[str, Any]] = resp.json()["data"]["result"]
        return result

    errors, everything = f'{PAYMENTS} |= "upstream timeout"', PAYMENTS
    [ratio] = await instant(f"sum(rate({errors}[10m])) / sum(rate({everything}[10m]))")
    assert 0.5 < float(ratio["value"][1]) < 0.8  # 65% of the requests fail during the incident
    p99 = await instant(f"quantile_over_time(0.99, {PAYMENTS} | logfmt | unwrap latency_ms [10m]) by (pod)")
    assert len(p99) == 3
    assert all(1800 < float(s["value"][1]) <= 2000 for s in p99)
    top = await instant(f"topk(1, sum by (pod) (count_over_time({errors}[10m])))")
    assert len(top) == 1
    assert set(top[0]["metric"]) == {"pod"}
    assert await instant(f"sum(count_over_time({errors}[10m])) > 100000") == []
    too_many = await sim_api.get(f"{LOKI}/query", params={"query": f"count_over_time({PAYMENTS} | logfmt [1h])"})
    assert (too_many.status_code, too_many.text) == (400, "maximum of series (500) reached for a single query")


async def test_json_lines_parse_with_the_json_stage(sim_api: httpx.AsyncClient) -> None:
    data = await query_range(sim_api, '{container="etcd"} | json | caller="mvcc/index.go:214"', limit=3)
    assert len(entries(data)) == 3
    for stream in data["result"]:
        assert (stream["stream"]["app"], stream["stream"]["level"]) == ("etcd", "info")
        assert stream["stream"]["revision"].isdigit()
