"""What the agent adds around its tools, measured in process with a chat model that answers in zero time.

Setup: the simulated fleet (real Prometheus and Alertmanager per cluster, short history) registered in a temporary
registry (no probe); the agent built as the product builds it (``AgentRuntime.create`` + ``open_assistant``: an
in-memory MCP session on the composed server) with a scripted chat model that decides from the messages and never
waits: the supervisor hands the question to ``gpu-expert``, the persona calls ``metrics_query`` once, then answers.
So an ``ask`` is route → one tool call → answer, and everything but the tool call is the agent's own cost.

Measured: ``assistant.ask`` latency (p50/p90) interleaved with the same ``metrics_query`` called straight through
the MCP session (agent overhead = ask p50 - tool p50); the time from ``assistant.stream`` to its first event; the
deterministic mode (no LLM: the real GPU plan, informational); the no-LLM router's accuracy on
``evals/routing/questions.yaml``. Targets: ask p50 ≤ 100 ms, first event p50 ≤ 50 ms, routing accuracy ≥ 0.90.
``--profile`` runs the timed asks once more under cProfile and prints the top functions.

    .venv/bin/python -m benchmarks.agent_overhead [--runs 30] [--history-hours 1] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from mcp import ClientSession, types

from agents.assistant import AgentAnswer, Assistant
from agents.graph.persona import build_persona_graph
from agents.graph.routing import handoff_tool
from agents.llm import ModelChain, endpoint_from_values
from benchmarks._setup import bench_settings, isolate_environment, median, p90, print_table, run_benchmark, stderr_to
from evals.routing import RoutingReport, evaluate, load_questions
from prompts import render_prompt
from servers.assistant.runtime import AgentRuntime, open_assistant
from servers.mcp import ToolDeps, open_deps
from servers.sim.fleet import SimCluster, SimFleet
from tools.fleet import ClusterSpec, Credentials, Endpoints

__all__ = ["ZeroLatencyChatModel", "main", "parse_args", "run", "zero_chain"]

TARGET_ASK_P50_MS = 100.0
TARGET_FIRST_EVENT_P50_MS = 50.0
TARGET_ROUTING_ACCURACY = 0.90
QUESTION = "which GPUs are running hot?"
PERSONA = "gpu-expert"
TOOL = "metrics_query"
TOOL_ARGS: dict[str, Any] = {"query": "max by (Hostname, gpu) (DCGM_FI_DEV_GPU_TEMP)", "clusters": ["gpu-spoke"]}
_SUPERVISOR_MARK = "You are the supervisor"
WARMUP = 3


# -- the zero-latency model ----------------------------------------------------------------------------------------


class ZeroLatencyChatModel(BaseChatModel):
    """A chat model that decides from the messages at once: hand off (supervisor), call the tool, or answer.

    The supervisor's prompt gets one ``consult_gpu_expert`` handoff; a conversation ending in a tool result gets the
    final answer; any other (the persona's first turn) gets one ``metrics_query`` call. ``bind_tools`` is a no-op,
    so nothing but LangChain's own call machinery runs.
    """

    @property
    def _llm_type(self) -> str:
        return "zero-latency-scripted"

    def bind_tools(
        self, tools: Sequence[Any], *, tool_choice: str | None = None, **kwargs: Any
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Return the model itself: the script does not depend on the tools offered."""
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=reply_to(messages))])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        # Overridden so the default does not hop to a thread to run _generate.
        return ChatResult(generations=[ChatGeneration(message=reply_to(messages))])

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        """The reply as one chunk (a turn with one persona streams its model calls)."""
        reply = reply_to(messages)
        calls = [
            tool_call_chunk(name=c["name"], args=json.dumps(c["args"]), id=c["id"], index=i)
            for i, c in enumerate(reply.tool_calls)
        ]
        yield ChatGenerationChunk(message=AIMessageChunk(content=reply.text, id=reply.id, tool_call_chunks=calls))


def reply_to(messages: Sequence[BaseMessage]) -> AIMessage:
    """The scripted step for ``messages`` (unique message and call ids: add_messages dedupes by id)."""
    ident = uuid.uuid4().hex
    system = next((m.text for m in messages if isinstance(m, SystemMessage)), "")
    if _SUPERVISOR_MARK in system:
        question = messages[-1].text
        call = {"name": "consult_gpu_expert", "args": {"task": question}, "id": f"call-h-{ident}"}
        return AIMessage("", tool_calls=[call], id=f"zero-{ident}")
    if messages and isinstance(messages[-1], ToolMessage):
        return AIMessage("final answer from the zero-latency scripted model", id=f"zero-{ident}")
    call = {"name": TOOL, "args": dict(TOOL_ARGS), "id": f"call-t-{ident}"}
    return AIMessage("", tool_calls=[call], id=f"zero-{ident}")


def zero_chain() -> ModelChain:
    """A one-link model chain over the zero-latency model, as the product builds one over a real endpoint."""
    endpoint = endpoint_from_values("http://zero.invalid/v1", "zero", None, name="zero")
    return ModelChain([endpoint], [ZeroLatencyChatModel()])


# -- measuring -----------------------------------------------------------------------------------------------------


async def register_fleet(deps: ToolDeps, clusters: Sequence[SimCluster]) -> None:
    """Register the simulated clusters directly (no probe, no credentials)."""
    for sim in clusters:
        spec = ClusterSpec.model_validate(
            {
                "name": sim.name,
                "type": sim.type,
                "platform": sim.platform,
                "environment": sim.environment,
                "region": sim.region,
                "labels": dict(sim.labels),
                "endpoints": Endpoints(**sim.endpoints),
            }
        )
        await deps.registry.add(spec, Credentials())


def check_llm_answer(answer: AgentAnswer) -> None:
    """Fail loudly unless the answer took the scripted path: LLM mode, gpu-expert, a cited metrics_query."""
    tools = [c.tool for c in answer.citations]
    errors = [c.error for c in answer.citations if c.error]
    if answer.mode != "llm" or answer.personas != [PERSONA] or TOOL not in tools or errors:
        raise RuntimeError(
            f"unexpected answer: mode={answer.mode!r} personas={answer.personas} cited={tools} errors={errors} "
            f"route={answer.route}\n{answer.text[:2000]}"
        )


async def timed(call: Callable[[], Awaitable[Any]]) -> float:
    """Milliseconds one awaited call took."""
    started = time.perf_counter()
    await call()
    return (time.perf_counter() - started) * 1000


async def stream_ms(assistant: Assistant, question: str) -> tuple[float, float]:
    """Milliseconds from calling ``assistant.stream`` to its first event and to its ``route`` event (the whole
    stream is consumed)."""
    started = time.perf_counter()
    events = assistant.stream(question)
    first = await anext(events)
    first_ms = (time.perf_counter() - started) * 1000
    kinds, route_ms, last = [first.kind], 0.0, first
    async for last in events:
        kinds.append(last.kind)
        if last.kind == "route":
            route_ms = (time.perf_counter() - started) * 1000
    if first.kind != "message_start" or "route" not in kinds or last.kind != "message_complete":
        raise RuntimeError(f"unexpected event sequence: {kinds}; last event {last.to_dict()}")
    return first_ms, route_ms


async def measure_llm(
    runtime: AgentRuntime, runs: int, *, breakdown: bool, profile: cProfile.Profile | None
) -> dict[str, list[float]]:
    """ask and the direct tool call interleaved (order alternating), then first-event latency; optionally the
    breakdown of an ask's parts and a profile of more asks."""
    async with open_assistant(runtime) as assistant:
        session: ClientSession = assistant.toolbox.session

        async def ask() -> None:
            check_llm_answer(await assistant.ask(QUESTION))

        async def direct() -> None:
            result = await session.call_tool(TOOL, TOOL_ARGS)
            if result.isError or result.structuredContent is None:
                raise RuntimeError(f"{TOOL} failed: {result.content}")

        for _ in range(WARMUP):
            await ask()
            await direct()
        out: dict[str, list[float]] = {"ask": [], "tool": [], "first_event": [], "route_event": []}
        for i in range(runs):
            pair = [("ask", ask), ("tool", direct)]
            for name, call in pair if i % 2 == 0 else reversed(pair):
                out[name].append(await timed(call))
        for _ in range(WARMUP):
            await stream_ms(assistant, QUESTION)
        for _ in range(runs):
            first_ms, route_ms = await stream_ms(assistant, QUESTION)
            out["first_event"].append(first_ms)
            out["route_event"].append(route_ms)
        if breakdown:
            out.update(await measure_parts(runtime, assistant, runs))
        if profile is not None:
            profile.enable()
            for _ in range(runs):
                await ask()
            profile.disable()
    return out


PARTS = {
    "part_tool_no_client_check": f"{TOOL} via send_request (no SDK output-schema check)",
    "part_schema_check": "SDK output-schema check of that result (jsonschema)",
    "part_model_call": "one ModelChain.ainvoke of the zero model (LangChain call path)",
    "part_prompt_supervisor": "render_prompt('supervisor') (cached jinja environment)",
    "part_prompt_persona": "render_prompt('gpu-expert')",
    "part_persona_graph": "build_persona_graph() (compiled once per assistant)",
}


async def measure_parts(runtime: AgentRuntime, assistant: Assistant, runs: int) -> dict[str, list[float]]:
    """Time the per-ask pieces of the agent path one by one (each also happens inside every ask)."""
    session = assistant.toolbox.session
    persona = runtime.personas.get(PERSONA)
    personas = list(runtime.personas)
    tools_allowed = persona.allowed_tools(assistant.toolbox.names)
    request = types.ClientRequest(
        types.CallToolRequest(params=types.CallToolRequestParams(name=TOOL, arguments=TOOL_ARGS))
    )
    result = await session.send_request(request, types.CallToolResult)
    supervisor = render_prompt("supervisor", personas=personas, clusters=[], now="2026-01-01T00:00:00+00:00")
    handoffs = [handoff_tool(p) for p in personas]
    messages: list[BaseMessage] = [SystemMessage(supervisor), HumanMessage(QUESTION)]

    async def tool_no_check() -> None:
        await session.send_request(request, types.CallToolResult)

    async def schema_check() -> None:
        await session._validate_tool_result(TOOL, result)  # the SDK's own step in call_tool

    async def model_call() -> None:
        await runtime.models.ainvoke(messages, tools=handoffs, temperature=0.0)

    async def prompt_supervisor() -> None:
        render_prompt("supervisor", personas=personas, clusters=[], now="2026-01-01T00:00:00+00:00")

    async def prompt_persona() -> None:
        render_prompt(
            persona.prompt, persona=persona, clusters=[], now="2026-01-01T00:00:00+00:00", tools=tools_allowed
        )

    async def persona_graph() -> None:
        build_persona_graph()

    calls = {
        "part_tool_no_client_check": tool_no_check,
        "part_schema_check": schema_check,
        "part_model_call": model_call,
        "part_prompt_supervisor": prompt_supervisor,
        "part_prompt_persona": prompt_persona,
        "part_persona_graph": persona_graph,
    }
    out: dict[str, list[float]] = {name: [] for name in calls}
    for name, call in calls.items():
        await call()
        for _ in range(runs):
            out[name].append(await timed(call))
    return out


async def measure_deterministic(runtime: AgentRuntime, runs: int) -> tuple[list[float], AgentAnswer]:
    """The same question without an LLM (the deterministic GPU plan), after one warm-up ask."""
    async with open_assistant(runtime) as assistant:
        answer = await assistant.ask(QUESTION)
        if answer.mode != "deterministic" or PERSONA not in answer.personas:
            raise RuntimeError(f"unexpected deterministic answer: mode={answer.mode!r} personas={answer.personas}")
        return [await timed(lambda: assistant.ask(QUESTION)) for _ in range(runs)], answer


async def measure(
    data_dir: Path, clusters: Sequence[SimCluster], args: argparse.Namespace, profile: cProfile.Profile | None
) -> tuple[dict[str, list[float]], AgentAnswer, RoutingReport]:
    """Every latency measurement over one set of tool dependencies, and the router's accuracy on the routing set."""
    settings = bench_settings(data_dir)
    async with open_deps(settings) as deps:
        await register_fleet(deps, clusters)
        runtime = AgentRuntime.create(settings, deps, models=zero_chain())
        report = evaluate(runtime.personas, load_questions(), classifier=runtime.router)
        timings = await measure_llm(runtime, args.runs, breakdown=not args.no_breakdown, profile=profile)
        det_ms, det_answer = await measure_deterministic(
            AgentRuntime.create(settings, deps, models=ModelChain.empty()), args.deterministic_runs
        )
    timings["deterministic"] = det_ms
    return timings, det_answer, report


# -- main ----------------------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.agent_overhead",
        description="Agent overhead with a zero-latency scripted chat model, in process, on the simulated fleet. "
        f"Targets: ask p50 <= {TARGET_ASK_P50_MS:g} ms, first event p50 <= {TARGET_FIRST_EVENT_P50_MS:g} ms, "
        f"routing accuracy >= {TARGET_ROUTING_ACCURACY}.",
    )
    parser.add_argument("--runs", type=int, default=30, help="timed asks, tool calls and streams (default 30)")
    parser.add_argument(
        "--deterministic-runs", type=int, default=None, help="timed asks without an LLM (default: --runs)"
    )
    parser.add_argument(
        "--history-hours", type=float, default=1.0, help="simulated fleet history backfilled (default 1)"
    )
    parser.add_argument("--no-breakdown", action="store_true", help="skip timing the parts of an ask one by one")
    parser.add_argument("--profile", action="store_true", help="profile --runs more asks and print the top functions")
    parser.add_argument("--profile-top", type=int, default=30, help="functions listed per profile table")
    args = parser.parse_args(argv)
    if args.deterministic_runs is None:
        args.deterministic_runs = args.runs
    return args


def row(name: str, ms: Sequence[float]) -> list[object]:
    """A table row: name, n, p50, p90, min."""
    return [name, len(ms), f"{median(ms):.1f}", f"{p90(ms):.1f}", f"{min(ms):.1f}"]


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Start the fleet, measure, print the table; returns the JSON result."""
    isolate_environment()
    profile = cProfile.Profile() if args.profile else None
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aiops-bench-agent-")))
        stack.enter_context(stderr_to(tmp / "benchmark-stderr.log"))
        fleet = SimFleet(tmp / "sim", history_hours=args.history_hours)
        started = time.perf_counter()
        try:
            clusters = fleet.start()
            fleet_s = time.perf_counter() - started
            timings, det_answer, report = asyncio.run(measure(tmp / "aiops", clusters, args, profile))
        finally:
            fleet.stop()
    ask_p50, tool_p50, first_p50 = (median(timings[k]) for k in ("ask", "tool", "first_event"))
    overhead = ask_p50 - tool_p50
    checks = {
        "ask_p50": ask_p50 <= TARGET_ASK_P50_MS,
        "first_event_p50": first_p50 <= TARGET_FIRST_EVENT_P50_MS,
        "routing_accuracy": report.primary_accuracy >= TARGET_ROUTING_ACCURACY,
    }
    print(f"\nFleet: {len(clusters)} simulated clusters, {args.history_hours:g} h history, started in {fleet_s:.1f} s.")
    print(f'Question: "{QUESTION}"; the tool call: {TOOL} {TOOL_ARGS}')
    print_table(
        "Latency, ms",
        ["measurement", "n", "p50", "p90", "min"],
        [
            row("ask, zero-latency LLM (route -> 1 tool call -> answer)", timings["ask"]),
            row(f"{TOOL} straight through the MCP session", timings["tool"]),
            row("stream: first event (message_start)", timings["first_event"]),
            row("stream: route event (supervisor decided)", timings["route_event"]),
            row("ask, deterministic mode (no LLM, GPU plan)", timings["deterministic"]),
        ],
    )
    print(f"\nagent overhead (ask p50 - tool p50): {overhead:.1f} ms")
    parts = [k for k in PARTS if k in timings]
    if parts:
        print_table(
            "Parts of one ask, timed alone, ms (an ask has 1 tool call, 3 model calls, 2 prompts, 1 persona graph)",
            ["part", "n", "p50", "p90", "min"],
            [row(PARTS[k], timings[k]) for k in parts],
        )
    print(
        f"deterministic answer cites {len(det_answer.citations)} tool calls: "
        + ", ".join(sorted({c.tool for c in det_answer.citations}))
    )
    print(
        f"routing ({report.total} questions): primary accuracy {report.primary_accuracy:.3f}, exact-set accuracy "
        f"{report.exact_accuracy:.3f}"
    )
    print_table(
        "Targets",
        ["target", "measured", "met?"],
        [
            [f"ask p50 <= {TARGET_ASK_P50_MS:g} ms", f"{ask_p50:.1f} ms", "yes" if checks["ask_p50"] else "no"],
            [
                f"first event p50 <= {TARGET_FIRST_EVENT_P50_MS:g} ms",
                f"{first_p50:.1f} ms",
                "yes" if checks["first_event_p50"] else "no",
            ],
            [
                f"routing primary accuracy >= {TARGET_ROUTING_ACCURACY}",
                f"{report.primary_accuracy:.3f}",
                "yes" if checks["routing_accuracy"] else "no",
            ],
        ],
    )
    if profile is not None:
        print_profile(profile, args.profile_top)
    return {
        "benchmark": "agent_overhead",
        "target": {
            "ask_p50_ms": TARGET_ASK_P50_MS,
            "first_event_p50_ms": TARGET_FIRST_EVENT_P50_MS,
            "routing_accuracy": TARGET_ROUTING_ACCURACY,
        },
        "measured": {
            "ask_p50_ms": round(ask_p50, 2),
            "first_event_p50_ms": round(first_p50, 2),
            "routing_accuracy": round(report.primary_accuracy, 4),
        },
        "pass": all(checks.values()),
        "checks": checks,
        "ask_p90_ms": round(p90(timings["ask"]), 2),
        "tool_p50_ms": round(tool_p50, 2),
        "tool_p90_ms": round(p90(timings["tool"]), 2),
        "overhead_ms": round(overhead, 2),
        "first_event_p90_ms": round(p90(timings["first_event"]), 2),
        "route_event_p50_ms": round(median(timings["route_event"]), 2),
        "deterministic_p50_ms": round(median(timings["deterministic"]), 2),
        "deterministic_p90_ms": round(p90(timings["deterministic"]), 2),
        "routing_exact_accuracy": round(report.exact_accuracy, 4),
        "routing_questions": report.total,
        "runs": args.runs,
        "deterministic_runs": args.deterministic_runs,
        "history_hours": args.history_hours,
        "fleet_start_s": round(fleet_s, 2),
        "breakdown_p50_ms": {k: round(median(timings[k]), 3) for k in parts},
    }


def print_profile(profile: cProfile.Profile, top: int) -> None:
    """The profiled asks' top functions by own time and by cumulative time."""
    for key, title in (("tottime", "own time"), ("cumulative", "cumulative time")):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(key).print_stats(top)
        print(f"\ncProfile of the extra asks, top {top} by {title} (times inflated by the profiler):")
        print(out.getvalue())


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark from the command line."""
    run_benchmark(parse_args, run, argv)


if __name__ == "__main__":
    main()
