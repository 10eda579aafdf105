"""A scripted OpenAI-compatible server on `httpx2.MockTransport` (openai 3.x speaks httpx2), plus body builders."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import httpx2

__all__ = ["FakeOpenAI", "broken_stream", "completion", "sse", "stream_chunk", "tool_call"]

Reply = httpx2.Response | Callable[[httpx2.Request], httpx2.Response]


class FakeOpenAI:
    """Answers requests with `replies` in order (the last one repeats) and records every request.

    A reply is an `httpx2.Response` or a function of the request (which may raise a transport error such as
    `httpx2.ReadTimeout`). `bodies` holds the parsed JSON bodies sent, `requests` the raw requests.
    """

    def __init__(self, *replies: Reply) -> None:
        if not replies:
            raise ValueError("FakeOpenAI needs at least one reply")
        self._replies = list(replies)
        self.requests: list[httpx2.Request] = []
        self.bodies: list[dict[str, Any]] = []

    def _handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        self.bodies.append(json.loads(request.content) if request.content else {})
        reply = self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]
        return reply(request) if callable(reply) else reply

    def client(self) -> httpx2.AsyncClient:
        """An async client whose every request this fake answers; close it (`async with`) after the test."""
        return httpx2.AsyncClient(transport=httpx2.MockTransport(self._handle))


def tool_call(name: str, arguments: dict[str, Any], call_id: str = "call_1") -> dict[str, Any]:
    """One OpenAI tool call as it appears in a completion message."""
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}


def completion(
    content: str | None = "ok", tool_calls: list[dict[str, Any]] | None = None, model: str = "m"
) -> httpx2.Response:
    """A 200 chat completion with one assistant choice."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = tool_calls
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": model,
        "choices": [
            {"index": 0, "message": message, "finish_reason": "tool_calls" if tool_calls else "stop"},
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
    }
    return httpx2.Response(200, json=body)


def stream_chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    """One `chat.completion.chunk` carrying `delta`."""
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def _sse_bytes(chunks: Iterable[dict[str, Any]]) -> bytes:
    return b"".join(f"data: {json.dumps(c)}\n\n".encode() for c in chunks) + b"data: [DONE]\n\n"


def sse(chunks: Iterable[dict[str, Any]]) -> httpx2.Response:
    """A 200 server-sent-events stream of `chunks` followed by `[DONE]`."""
    return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=_sse_bytes(chunks))


class _BrokenStream(httpx2.AsyncByteStream):
    def __init__(self, first: dict[str, Any]) -> None:
        self._first = first

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield f"data: {json.dumps(self._first)}\n\n".encode()
        raise httpx2.ReadError("connection reset by peer")


def broken_stream(first: dict[str, Any]) -> httpx2.Response:
    """A stream that delivers one chunk and then loses the connection."""
    return httpx2.Response(200, headers={"content-type": "text/event-stream"}, stream=_BrokenStream(first))
