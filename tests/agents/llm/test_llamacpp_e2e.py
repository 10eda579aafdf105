"""Opt-in end-to-end plumbing test against a real llama.cpp server (llama-cpp-python) on a tiny model.

Runs only when AIOPS_TEST_LLAMACPP_MODEL points at a GGUF file (`scripts/llamacpp` installs the server and prints
the path of SmolLM2-135M). A 135M model cannot reason: these tests check the wire path (tools bound, tool_choice,
the `content: null` quirk, no streaming with tools), never the quality of an answer.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import tool

from agents.llm import LlmEndpoint, ModelChain, check_endpoint

MODEL_ENV = "AIOPS_TEST_LLAMACPP_MODEL"
MODEL_PATH = os.environ.get(MODEL_ENV, "")
READY_TIMEOUT_S = 90.0
TOOL_QUESTION = [SystemMessage("You can query metrics."), HumanMessage("Is the API server up? Check `up`.")]

pytestmark = [
    pytest.mark.skipif(
        not MODEL_PATH, reason=f"{MODEL_ENV} is not set (run `export {MODEL_ENV}=$(scripts/llamacpp)` to opt in)"
    ),
    pytest.mark.integration,
    pytest.mark.slow,
]


@tool
def metrics_query(promql: str) -> str:
    """Run a PromQL query against the fleet's Prometheus and return the result."""
    return f"{promql} = 1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Poll `url` until it answers 200; fail early if the server exits, and after READY_TIMEOUT_S at most."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        try:
            # Waiting on the process doubles as the poll interval and notices a crashed server at once.
            code = process.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"llama.cpp server exited with {code}:\n{log.read_text()[-2000:]}")
    pytest.fail(f"llama.cpp server not ready at {url} after {READY_TIMEOUT_S:g}s:\n{log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def llamacpp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlmEndpoint]:
    """A llama.cpp server on a free loopback port, killed after the module; yields its endpoint."""
    if not Path(MODEL_PATH).is_file():
        pytest.fail(f"{MODEL_ENV}={MODEL_PATH} is not a file")
    port = _free_port()
    log = tmp_path_factory.mktemp("llamacpp") / "server.log"
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        MODEL_PATH,
        "--chat_format",
        "chatml-function-calling",
        # With tool_choice "auto", llama-cpp-python ignores max_tokens; a small context bounds a runaway answer.
        "--n_ctx",
        "512",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        base_url = f"http://127.0.0.1:{port}/v1"
        _wait_until_ready(process, f"{base_url}/models", log)
        yield LlmEndpoint(
            name="llamacpp",
            base_url=base_url,
            model="smollm2",
            provider="llamacpp",
            max_retries=0,
            max_tokens=48,
            timeout_s=120,
        )
    finally:
        process.kill()
        process.wait(timeout=30)


async def test_the_llamacpp_server_passes_the_availability_check(llamacpp: LlmEndpoint) -> None:
    status = await check_endpoint(llamacpp)
    assert status.ok, status.error
    assert status.models


async def test_a_plain_chat_gets_an_answer(llamacpp: LlmEndpoint) -> None:
    async with ModelChain.from_endpoints([llamacpp]) as chain:
        reply = await chain.ainvoke([HumanMessage("Say hello.")])
    assert isinstance(reply, AIMessage)
    assert isinstance(reply.content, str)
    assert reply.response_metadata.get("finish_reason") in ("stop", "length")


async def test_a_call_with_a_tool_bound_returns_a_message(llamacpp: LlmEndpoint) -> None:
    async with ModelChain.from_endpoints([llamacpp]) as chain:
        reply = await chain.ainvoke(TOOL_QUESTION, tools=[metrics_query])
    assert isinstance(reply, AIMessage)
    # Either outcome is plumbing-correct; a tool call, if any, must name the bound tool.
    assert all(call["name"] == "metrics_query" for call in reply.tool_calls)


async def test_a_follow_up_after_a_tool_call_is_accepted(llamacpp: LlmEndpoint) -> None:
    messages = [
        HumanMessage("Is the API server up?"),
        AIMessage("", tool_calls=[{"name": "metrics_query", "args": {"promql": "up"}, "id": "call_1"}]),
        ToolMessage("up = 1", tool_call_id="call_1"),
    ]
    async with ModelChain.from_endpoints([llamacpp]) as chain:
        reply = await chain.ainvoke(messages, tools=[metrics_query])
    assert isinstance(reply, AIMessage)


async def test_streaming_with_a_tool_bound_yields_a_single_chunk(llamacpp: LlmEndpoint) -> None:
    async with ModelChain.from_endpoints([llamacpp]) as chain:
        chunks = [c async for c in chain.astream(TOOL_QUESTION, tools=[metrics_query])]
    assert len(chunks) == 1
    assert isinstance(chunks[0], AIMessageChunk)
