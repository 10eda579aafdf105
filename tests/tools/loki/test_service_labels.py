"""LogsService.labels and label_values: merged across clusters, presence per cluster, paging, no data."""

from __future__ import annotations

import pytest
import respx

from tests.tools.loki.builders import NS, T0_NS, json_response, success, target
from tests.tools.loki.conftest import ServiceFactory
from tools.errors import ToolInputError

C1, C2 = "http://c1.loki", "http://c2.loki"
VALUES = "/loki/api/v1/label/namespace/values"


async def test_label_values_are_merged_with_presence_and_counts(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    route = respx_mock.get(C1 + VALUES).mock(return_value=json_response(success(["payments", "billing"])))
    respx_mock.get(C2 + VALUES).mock(return_value=json_response(success(["payments", "gpu-operator"])))
    result = await make_service().label_values(
        [target("c1", C1), target("c2", C2)], "namespace", query='{app="api"}', start="now-6h"
    )
    assert result.values == ["billing", "gpu-operator", "payments"]
    assert result.present_only_in == {"billing": ["c1"], "gpu-operator": ["c2"]}
    assert result.per_cluster == {"c1": 2, "c2": 2}
    params = route.calls.last.request.url.params
    assert (params["start"], params["end"], params["query"]) == (str(T0_NS - 6 * 3600 * NS), str(T0_NS), '{app="api"}')


async def test_label_values_page_with_a_cursor(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    respx_mock.get(C1 + VALUES).mock(return_value=json_response(success(["a", "b", "c"])))
    service = make_service()
    first = await service.label_values([target("c1", C1)], "namespace", limit=2)
    assert (first.values, first.truncated, first.total) == (["a", "b"], True, 3)
    second = await service.label_values([target("c1", C1)], "namespace", limit=2, cursor=first.next_cursor)
    assert (second.values, second.truncated, second.next_cursor) == (["c"], False, None)


async def test_no_values_is_a_success_that_says_where(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    respx_mock.get(C1 + VALUES).mock(return_value=json_response(success(None)))
    result = await make_service().label_values([target("c1", C1)], "namespace", tenant="audit")
    assert result.values == []
    assert any("'namespace'" in n and "c1" in n and "tenant audit" in n for n in result.notes)


async def test_label_names_are_merged(respx_mock: respx.MockRouter, make_service: ServiceFactory) -> None:
    respx_mock.get(C1 + "/loki/api/v1/labels").mock(return_value=json_response(success(["namespace", "pod"])))
    respx_mock.get(C2 + "/loki/api/v1/labels").mock(
        return_value=json_response(success(["kubernetes_namespace_name", "namespace"]))
    )
    result = await make_service().labels([target("c1", C1), target("c2", C2)])
    assert result.names == ["kubernetes_namespace_name", "namespace", "pod"]
    assert result.present_only_in == {"kubernetes_namespace_name": ["c2"], "pod": ["c1"]}


async def test_a_blanket_scope_or_a_bad_label_is_refused_before_any_call(
    respx_mock: respx.MockRouter, make_service: ServiceFactory
) -> None:
    route = respx_mock.get(C1 + VALUES).mock(return_value=json_response(success([])))
    with pytest.raises(ToolInputError, match="every log stream"):
        await make_service().label_values([target("c1", C1)], "namespace", query="{}")
    with pytest.raises(ToolInputError, match="not a label name"):
        await make_service().label_values([target("c1", C1)], "name/../x")
    assert route.call_count == 0
