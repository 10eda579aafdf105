"""Fixtures for the LLM-layer tests."""

from __future__ import annotations

import anyio
import pytest

__all__ = ["retry_sleeps"]


@pytest.fixture(autouse=True)
def retry_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The back-off delays the openai client asked for, recorded instead of slept.

    The openai client sleeps with `anyio.sleep` between retries (0.5 s and up, or the server's Retry-After); tests
    check those delays without waiting for them.
    """
    delays: list[float] = []
    real_sleep = anyio.sleep

    async def record(delay: float) -> None:
        delays.append(delay)
        await real_sleep(0)

    monkeypatch.setattr(anyio, "sleep", record)
    return delays
