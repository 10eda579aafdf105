"""fan_out: per-cluster status mapping, order, concurrency cap and deadline."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tools.errors import BackendError, BackendTimeoutError
from tools.fanout import FanoutResult, LatencyHints, fan_out


async def test_each_failure_kind_maps_to_its_status() -> None:
    never = asyncio.Event()

    async def call(key: str) -> str:
        if key == "backend":
            raise BackendError("nope", backend="prometheus", status=500)
        if key == "backend-timeout":
            raise BackendTimeoutError("slow", backend="prometheus")
        if key == "httpx-timeout":
            raise httpx.ReadTimeout("read timed out")
        if key == "connect":
            raise httpx.ConnectError("refused")
        if key == "deadline":
            await never.wait()
        return key.upper()

    keys = ["ok", "backend", "backend-timeout", "httpx-timeout", "connect", "deadline"]
    results = await fan_out(keys, call, cluster_of=lambda k: k, timeout=0.05)
    assert [(r.cluster, r.status) for r in results] == [
        ("ok", "ok"),
        ("backend", "error"),
        ("backend-timeout", "timeout"),
        ("httpx-timeout", "timeout"),
        ("connect", "error"),
        ("deadline", "timeout"),
    ]
    assert results[0].value == "OK"
    assert results[5].message == "no answer within 0.05s"
    assert "ConnectError: refused" in (results[4].message or "")
    assert results[1].outcome().status == "error"


async def test_a_single_cluster_keeps_the_deadline_and_the_status_mapping() -> None:
    never = asyncio.Event()

    async def call(key: str) -> str:
        if key == "connect":
            raise httpx.ConnectError("refused")
        await never.wait()
        return key

    [slow] = await fan_out(["deadline"], call, cluster_of=lambda k: k, timeout=0.05)
    [refused] = await fan_out(["connect"], call, cluster_of=lambda k: k, timeout=0.05)
    assert (slow.status, slow.message) == ("timeout", "no answer within 0.05s")
    assert slow.latency_ms >= 50
    assert (refused.status, refused.message) == ("error", "ConnectError: refused")


async def test_bugs_are_not_swallowed() -> None:
    async def call(key: str) -> str:
        raise KeyError(key)

    with pytest.raises(KeyError):
        await fan_out(["a"], call, cluster_of=lambda k: k, timeout=1)


async def test_concurrency_is_capped() -> None:
    running = 0
    peak = 0

    async def call(key: int) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0)  # yield so other calls could start if the cap allowed it
        running -= 1
        return key

    results = await fan_out(list(range(10)), call, cluster_of=str, timeout=1, concurrency=3)
    assert [r.value for r in results] == list(range(10))
    assert peak == 3


async def test_concurrency_must_be_positive() -> None:
    async def call(key: int) -> int:
        return key

    with pytest.raises(ValueError, match="at least 1"):
        await fan_out([1], call, cluster_of=str, timeout=1, concurrency=0)


async def test_with_hints_the_slowest_expected_cluster_starts_first_and_order_is_kept() -> None:
    hints = LatencyHints()
    started: list[str] = []

    async def call(name: str) -> str:
        started.append(name)
        await asyncio.sleep(0)
        return name

    hints.record([FanoutResult("c", "c", "timeout", latency_ms=1000.0), FanoutResult("a", "a", "ok", latency_ms=5.0)])
    results = await fan_out(["a", "b", "c"], call, cluster_of=str, timeout=1.0, concurrency=1, hints=hints)
    assert started == ["c", "a", "b"]  # expected 1 s, then 5 ms, then unknown
    assert [r.key for r in results] == ["a", "b", "c"]
    assert [r.value for r in results] == ["a", "b", "c"]
    assert hints.expected("b") > 0.0
