"""One argument name per concept across every tool, and the renamed arguments reaching their backends."""

from __future__ import annotations

import respx

from servers.mcp import ToolDeps
from tests.servers.mcp.helpers import mcp_client, register
from tools.fleet.models import ClusterSpec, Credentials, Endpoints

# Names retired so each concept has one: TraceQL `q` is `query` like PromQL and LogQL, `top` is `top_k`, the
# sample-size arguments are `sample_size`, and the metric-name filter is no longer `match` (series selectors).
RETIRED = {"q", "top", "sample", "sample_limit", "sample_traces"}


async def test_each_concept_has_one_argument_name_across_all_tools(deps: ToolDeps) -> None:
    async with mcp_client(deps) as client:
        tools = {t.name: t.inputSchema["properties"] for t in (await client.list_tools()).tools}
    assert [(tool, arg) for tool, args in tools.items() for arg in args if arg in RETIRED] == []
    assert {tool for tool, args in tools.items() if "cluster" in args} == {
        "fleet_get_cluster",
        "fleet_probe_cluster",
        "traces_get",
    }
    assert {tool for tool, args in tools.items() if "name" in args} == {"k8s_get_workload"}
    assert {tool for tool, args in tools.items() if "sample_size" in args} == {
        "logs_patterns",
        "traces_compare",
        "traces_service_graph",
    }
    assert all(args["match"]["type"] == "array" for args in tools.values() if "match" in args)
    assert {"traces_search", "traces_tag_values", "logs_query", "metrics_query"} <= {
        tool for tool, args in tools.items() if "query" in args
    }


async def test_traces_tag_values_sends_its_traceql_query_to_tempo(deps: ToolDeps) -> None:
    await deps.registry.add(ClusterSpec(name="hub", endpoints=Endpoints(tempo="http://hub-tempo.test")), Credentials())
    with respx.mock() as mock:
        route = mock.get("http://hub-tempo.test/api/v2/search/tag/span.http.route/values").respond(
            200, json={"tagValues": [{"type": "string", "value": "/cart"}]}
        )
        async with mcp_client(deps) as client:
            result = await client.call_tool(
                "traces_tag_values", {"tag": "span.http.route", "query": "{ status = error }"}
            )
    assert not result.isError, result.content
    assert route.calls.last.request.url.params["q"] == "{ status = error }"


async def test_metrics_list_names_filters_by_name_regex(deps: ToolDeps) -> None:
    await register(deps, "hub", prometheus="http://hub.test")
    names = {"status": "success", "data": ["DCGM_FI_DEV_GPU_TEMP", "up", "openshift_ptp_offset_ns"]}
    with respx.mock() as mock:
        mock.get("http://hub.test/api/v1/label/__name__/values").respond(200, json=names)
        async with mcp_client(deps) as client:
            result = await client.call_tool("metrics_list_names", {"name_regex": "dcgm_|ptp"})
    assert not result.isError, result.content
    assert result.structuredContent is not None
    assert result.structuredContent["values"] == ["DCGM_FI_DEV_GPU_TEMP", "openshift_ptp_offset_ns"]
