"""collect(): per-cluster outcomes, partial answers, and the error when nobody answered."""

from __future__ import annotations

import pytest

from tools.errors import BackendError, ToolInputError
from tools.gather import collect
from tools.targets import BackendTarget

TARGETS = [BackendTarget(c, "loki", f"http://{c}.test") for c in ("a", "b", "c")]


async def test_partial_failures_are_labelled_and_the_answers_kept() -> None:
    async def call(target: BackendTarget) -> int:
        if target.cluster == "b":
            raise BackendError("boom", backend="loki", cluster="b", status=503, body="unavailable")
        return ord(target.cluster)

    collected = await collect(TARGETS, call, backend="loki", timeout=1.0)
    assert collected.values == [("a", 97), ("c", 99)]
    assert collected.answered == ["a", "c"]
    statuses = {o.cluster: o.status for o in collected.outcomes}
    assert statuses == {"a": "ok", "b": "error", "c": "ok"}
    assert "503" in (collected.outcomes[1].message or "")
    assert any("failed: b" in n for n in collected.notes)


async def test_a_bad_request_everywhere_raises_the_backends_own_error() -> None:
    async def call(target: BackendTarget) -> int:
        raise BackendError("Loki rejected the query", backend="loki", status=400, body="parse error at line 1")

    with pytest.raises(BackendError, match="parse error at line 1"):
        await collect(TARGETS, call, backend="loki", timeout=1.0)


async def test_nobody_answering_names_every_cluster() -> None:
    async def call(target: BackendTarget) -> int:
        raise BackendError("down", backend="loki", status=502)

    with pytest.raises(BackendError) as caught:
        await collect(TARGETS, call, backend="loki", timeout=1.0)
    assert all(f"{c}: error" in str(caught.value) for c in ("a", "b", "c"))


async def test_no_target_is_an_input_error() -> None:
    async def call(target: BackendTarget) -> int:
        return 1

    with pytest.raises(ToolInputError):
        await collect([], call, backend="loki", timeout=1.0)
