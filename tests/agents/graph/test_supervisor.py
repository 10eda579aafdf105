"""The supervisor graph with a scripted chat model over a real (small) MCP server: routing to one and to two
personas, the persona allow-list enforced at call time, the loop guard, and the answer's sources."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from agents.assistant import Assistant
from agents.events import AgentEvent
from agents.toolbox import Toolbox
from personas import PersonaCatalog, load_personas
from tests.agents.fakes import FakeToolServer, ScriptedChatModel, ask_tool, chain_of, connect, tool_call

# Each persona's prompt opens with "You are **<title>**" (the supervisor's prompt lists titles without it).
GPU = "You are **NVIDIA GPU specialist**"
PLATFORM = "You are **Kubernetes / OpenShift platform operator**"
CNF = "You are **CNF data-plane networking and timing specialist**"


@pytest.fixture(scope="module")
def personas() -> PersonaCatalog:
    return load_personas()


class Recorder:
    """An event sink keeping every event."""

    def __init__(self) -> None:
        self.events: list[AgentEvent] = []

    async def __call__(self, e: AgentEvent) -> None:
        self.events.append(e)

    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]

    def of(self, kind: str) -> list[dict[str, object]]:
        return [e.data for e in self.events if e.kind == kind]


@pytest.fixture
def server() -> FakeToolServer:
    return FakeToolServer()


async def assistant_for(
    server: FakeToolServer, model: ScriptedChatModel, personas: PersonaCatalog
) -> AsyncIterator[Assistant]:
    async with connect(server) as session:
        yield Assistant(toolbox=await Toolbox.load(session), models=chain_of(model), personas=personas)


async def test_a_gpu_question_goes_to_gpu_expert_which_calls_its_tool_and_cites_it(
    server: FakeToolServer, personas: PersonaCatalog
) -> None:
    model = ScriptedChatModel.keyed(
        {GPU: [tool_call("gpu_list_nodes", {"clusters": ["gpu-spoke"]}), AIMessage("GPU 3 of gpu-worker-0: 88 °C.")]},
        default=[tool_call("consult_gpu_expert", {"task": "Which GPUs run hot on gpu-spoke?"})],
    )
    events = Recorder()
    async for assistant in assistant_for(server, model, personas):
        answer = await assistant.ask("which GPUs are running hot?", sink=events)
    assert answer.personas == ["gpu-expert"] and answer.mode == "llm"
    assert answer.route["method"] == "llm"
    assert answer.text.startswith("GPU 3 of gpu-worker-0: 88 °C.")
    assert '`gpu_list_nodes(clusters=["gpu-spoke"])`' in answer.text  # the sources footer names the call
    assert [c.tool for c in answer.citations] == ["gpu_list_nodes"] and answer.citations[0].clusters == ["gpu-spoke"]
    assert server.calls == [("gpu_list_nodes", {"node": None, "clusters": ["gpu-spoke"]})]
    assert events.kinds()[:2] == ["message_start", "route"]
    assert events.kinds()[-1] == "message_complete"
    assert {"tool_use", "tool_result", "content_delta"} <= set(events.kinds())
    assert events.of("route")[0]["personas"] == ["gpu-expert"]
    # One persona: its text streamed word by word while the model wrote it, then the sources; nothing twice.
    deltas = [str(d["text"]) for d in events.of("content_delta")]
    assert "".join(deltas) == answer.text and len(deltas) > 5
    assert deltas[:3] == ["GPU", " ", "3"] and deltas[-1].lstrip().startswith("**Sources**")
    assert events.kinds().index("tool_result") < events.kinds().index("content_delta")
    assert events.of("message_complete")[0]["answer"] == answer.text
    # The supervisor was offered one handoff tool per persona; the persona only its allowed tools, never the agent.
    assert sorted(model.offered[0]) == sorted(f"consult_{p.name.replace('-', '_')}" for p in personas)
    assert sorted(model.offered[1]) == ["fleet_list_clusters", "gpu_list_nodes", "k8s_list_pods"]
    # The persona saw its own prompt and the task the supervisor wrote.
    persona_call = model.seen[1]
    assert isinstance(persona_call[0], SystemMessage) and GPU in persona_call[0].text
    assert isinstance(persona_call[-1], HumanMessage) and persona_call[-1].text == "Which GPUs run hot on gpu-spoke?"


async def test_a_two_domain_question_consults_two_personas_and_merges_their_findings(
    server: FakeToolServer, personas: PersonaCatalog
) -> None:
    model = ScriptedChatModel.keyed(
        {GPU: [AIMessage("GPU finding: XID 79 on GPU 1.")], PLATFORM: [AIMessage("Platform finding: node NotReady.")]},
        default=[
            ask_tool(("consult_gpu_expert", {"task": "GPU side"}), ("consult_platform_ops", {"task": "node side"})),
            AIMessage("GPU 1 fell off the bus (XID 79) and its node went NotReady."),
        ],
    )
    events = Recorder()
    async for assistant in assistant_for(server, model, personas):
        answer = await assistant.ask("gpu node NotReady and pods evicted, what happened?", sink=events)
    assert answer.personas == ["gpu-expert", "platform-ops"]
    # Two personas: their drafts are not streamed (they would interleave); the merged answer is sent once.
    assert "".join(str(d["text"]) for d in events.of("content_delta")) == answer.text
    assert answer.text == "GPU 1 fell off the bus (XID 79) and its node went NotReady."
    merge = model.seen[-1][-1].text
    assert "### gpu-expert\n\nGPU finding: XID 79 on GPU 1." in merge
    assert "### platform-ops\n\nPlatform finding: node NotReady." in merge
    assert server.calls == []


async def test_a_persona_cannot_call_a_tool_outside_its_list_even_if_the_model_asks(
    server: FakeToolServer, personas: PersonaCatalog
) -> None:
    model = ScriptedChatModel.keyed(
        {CNF: [ask_tool(("gpu_list_nodes", {}), ("aiops_ask", {"question": "loop"})), AIMessage("Could not check.")]}
    )
    async for assistant in assistant_for(server, model, personas):
        answer = await assistant.ask("is PTP locked?", persona="network-cnf")
    assert server.calls == []  # neither call reached the server
    refusals = [m for m in model.seen[-1] if m.type == "tool"]
    assert len(refusals) == 2 and all("Refused: tool" in m.text for m in refusals)
    assert "is not available to persona network-cnf" in refusals[0].text
    assert answer.route["method"] == "explicit"
    assert all(c.error is not None and "allow-list" in c.error for c in answer.citations)


async def test_the_loop_guard_stops_a_model_that_repeats_the_same_call(
    server: FakeToolServer, personas: PersonaCatalog
) -> None:
    same = [tool_call("gpu_list_nodes", {"node": "gpu-worker-0"}, f"call-{i}") for i in range(3)]
    model = ScriptedChatModel.keyed({GPU: [*same, AIMessage("Answer from the first result.")]})
    async for assistant in assistant_for(server, model, personas):
        answer = await assistant.ask("how hot is gpu-worker-0?", persona="gpu-expert")
    assert len(server.calls) == 1  # the repeats were not run
    last_call = model.seen[-1]
    assert "repeated 2 times" in last_call[-1].text and "Do not call tools" in last_call[-1].text
    assert len(model.offered) == 3  # the final call had no tools bound
    assert answer.text.startswith("Answer from the first result.")


async def test_the_round_limit_forces_an_answer(server: FakeToolServer, personas: PersonaCatalog) -> None:
    limit = personas.get("gpu-expert").max_tool_rounds
    calls = [tool_call("gpu_list_nodes", {"node": f"n{i}"}, f"c{i}") for i in range(limit)]
    model = ScriptedChatModel.keyed({GPU: [*calls, AIMessage("Enough data.")]})
    async for assistant in assistant_for(server, model, personas):
        answer = await assistant.ask("scan every GPU node", persona="gpu-expert")
    assert len(server.calls) == limit
    assert f"tool-round limit ({limit})" in model.seen[-1][-1].text
    assert answer.text.startswith("Enough data.")


async def test_a_supervisor_that_hands_off_to_nobody_leaves_the_choice_to_the_classifier(
    server: FakeToolServer, personas: PersonaCatalog
) -> None:
    model = ScriptedChatModel.keyed({GPU: [AIMessage("No GPU is hot.")]}, default=[AIMessage("I think GPUs.")])
    async for assistant in assistant_for(server, model, personas):
        answer = await assistant.ask("are any DCGM GPUs thermally throttling?")
    assert answer.route["method"] == "classifier" and answer.mode == "llm"
    assert answer.personas[0] == "gpu-expert"
    assert answer.text == "No GPU is hot."


async def test_tool_calls_stay_inside_the_users_cluster_context(
    server: FakeToolServer, personas: PersonaCatalog
) -> None:
    model = ScriptedChatModel.keyed(
        {
            GPU: [
                ask_tool(("gpu_list_nodes", {}), ("gpu_list_nodes", {"clusters": ["hub"], "node": "x"})),
                AIMessage("Scoped."),
            ]
        }
    )
    async for assistant in assistant_for(server, model, personas):
        answer = await assistant.ask("how hot are the GPUs?", persona="gpu-expert", clusters=["gpu-spoke"])
    assert server.calls == [("gpu_list_nodes", {"node": None, "clusters": ["gpu-spoke"]})]  # filled in
    refused = [m for m in model.seen[-1] if m.type == "tool" and "outside that scope" in m.text]
    assert len(refused) == 1  # the call naming another cluster was not run
    assert [c.arguments for c in answer.citations] == [{"clusters": ["gpu-spoke"]}, {"clusters": ["hub"], "node": "x"}]
