"""Pod logs: tail/previous/container pass-through, redaction of secret-looking values, byte cap, not found."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tools.kubernetes import shapes
from tests.tools.kubernetes.conftest import TOKEN, api, target
from tools.contract import to_json
from tools.errors import BackendError, ToolInputError
from tools.kubernetes import KubeLimits, KubernetesService, redact_line
from tools.targets import HttpClientPool

HUB, SPOKE = api("hub"), api("spoke")
LOG_PATH = "/api/v1/namespaces/ml/pods/trainer-0/log"


@pytest.mark.parametrize(
    ("line", "hidden", "kept"),
    [
        ("connecting with password=hunter2 to db", "hunter2", "password=***"),
        ('{"db_password": "s3cr3t!", "user": "app"}', "s3cr3t!", '"user": "app"'),
        ("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig", "eyJhbGciOiJSUzI1NiJ9", "Bearer ***"),
        ("token: abcdef123456", "abcdef123456", "token: ***"),
        ("ACCESS_TOKEN=xyz789 next=1", "xyz789", "next=1"),
        ("X-Api-Key: k-12345", "k-12345", "X-Api-Key: ***"),
        ("fetch https://admin:pa55w0rd@registry.example/v2", "pa55w0rd", "admin:***@registry.example"),
        ("Authorization: Basic YWRtaW46aHVudGVyMg==", "YWRtaW46aHVudGVyMg", "Basic ***"),
    ],
)
def test_secret_looking_values_are_redacted(line: str, hidden: str, kept: str) -> None:
    redacted, count = redact_line(line)
    assert hidden not in redacted
    assert kept in redacted
    assert count >= 1


def test_ordinary_lines_are_left_alone() -> None:
    line = "2026-11-20T10:00:00Z INFO epoch 3 loss=0.214 step=1200 gpu=0"
    assert redact_line(line) == (line, 0)


def test_the_clusters_own_token_is_scrubbed_even_without_a_keyword() -> None:
    redacted, count = redact_line(f"echo {TOKEN}", [TOKEN])
    assert TOKEN not in redacted
    assert count == 1


async def test_previous_log_of_a_crashed_container_is_read_redacted(router: Any, service: KubernetesService) -> None:
    text = "starting\nloading model\nDB password=hunter2\nKilled\n"
    route = router.get(f"{HUB}{LOG_PATH}").respond(200, text=text)
    result = await service.pod_logs(
        [target("hub")], namespace="ml", pod="trainer-0", container="trainer", tail_lines=50, previous=True
    )
    params = route.calls.last.request.url.params
    assert (params["tailLines"], params["previous"], params["container"]) == ("50", "true", "trainer")
    assert "limitBytes" in params
    log = result.logs[0]
    assert log.lines == ["starting", "loading model", "DB password=***", "Killed"]
    assert (log.previous, log.container, log.line_count, log.truncated, log.redactions) == (
        True,
        "trainer",
        4,
        False,
        1,
    )
    assert "hunter2" not in to_json(result)
    assert any("replaced by ***" in n for n in result.notes)


async def test_a_long_log_keeps_the_newest_lines_under_the_cap(router: Any, pool: HttpClientPool) -> None:
    service = KubernetesService(pool, KubeLimits(response_max_bytes=3_000, cluster_timeout_s=2.0))
    router.get(f"{HUB}{LOG_PATH}").respond(200, text="\n".join(f"line {i:04d} " + "x" * 60 for i in range(2000)))
    result = await service.pod_logs([target("hub")], namespace="ml", pod="trainer-0", tail_lines=2000)
    assert len(to_json(result).encode()) <= 3_000
    log = result.logs[0]
    assert log.truncated and result.truncated
    assert log.lines[-1].startswith("line 1999")
    assert log.line_count == 2000
    assert any("most recent lines are kept" in n for n in result.notes)


async def test_the_pod_is_looked_for_on_every_selected_cluster(router: Any, service: KubernetesService) -> None:
    router.get(f"{HUB}{LOG_PATH}").respond(404, json=shapes.not_found("pods", "trainer-0"))
    router.get(f"{SPOKE}{LOG_PATH}").respond(200, text="ready\n")
    result = await service.pod_logs([target("hub"), target("spoke")], namespace="ml", pod="trainer-0")
    assert [log.cluster for log in result.logs] == ["spoke"]
    assert any("not found on: hub" in n for n in result.notes)


async def test_no_previous_container_is_the_apis_own_message(router: Any, service: KubernetesService) -> None:
    message = 'previous terminated container "trainer" in pod "trainer-0" not found'
    router.get(f"{HUB}{LOG_PATH}").respond(400, json=shapes.status(400, "BadRequest", message))
    with pytest.raises(BackendError, match=message):
        await service.pod_logs([target("hub")], namespace="ml", pod="trainer-0", previous=True)


async def test_an_empty_log_says_so(router: Any, service: KubernetesService) -> None:
    router.get(f"{HUB}{LOG_PATH}").respond(200, text="")
    result = await service.pod_logs([target("hub")], namespace="ml", pod="trainer-0")
    assert result.logs[0].lines == []
    assert any("is empty" in n for n in result.notes)


@pytest.mark.parametrize("tail", [0, 2001])
async def test_tail_lines_outside_the_limit_are_refused(service: KubernetesService, tail: int) -> None:
    with pytest.raises(ToolInputError, match="tail_lines"):
        await service.pod_logs([target("hub")], namespace="ml", pod="trainer-0", tail_lines=tail)
