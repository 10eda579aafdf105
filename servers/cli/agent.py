"""``aiops route``, ``aiops ask`` and ``aiops chat``: the agent from the terminal, over the local registry.

The agent runs in-process over the composed MCP server (the same tools ``aiops mcp`` serves). With no LLM
configured (AIOPS_LLM_BASE_URL) it answers deterministically and says so.
"""

from __future__ import annotations

import asyncio
import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markdown import Markdown
from rich.markup import escape
from rich.table import Table

from servers.cli.output import err_console, out_console
from servers.cli.runtime import build_settings, cli_errors, deps_for
from servers.settings import Settings

if TYPE_CHECKING:
    from agents.assistant import AgentAnswer, Assistant
    from agents.events import AgentEvent

__all__ = ["register_agent_commands"]

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Data directory (default: AIOPS_DATA_DIR)")]
PersonaOpt = Annotated[str | None, typer.Option("--persona", "-p", help="Force a persona (default: routed)")]
ClusterOpt = Annotated[list[str] | None, typer.Option("--cluster", "-c", help="Only this cluster (repeatable)")]


@contextmanager
def agent_errors() -> Iterator[None]:
    """Operator-fixable agent errors (unknown persona, bad persona file, expired session) as one red line."""
    from agents.sessions import SessionError
    from personas import PersonaError, UnknownPersonaError

    with cli_errors():
        try:
            yield
        except (UnknownPersonaError, PersonaError, SessionError) as exc:
            err_console.print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(1) from exc
        except ExceptionGroup as group:
            # Raised inside the in-process MCP session's task group: report the one error that matters.
            known = _leaves(group.subgroup((UnknownPersonaError, PersonaError, SessionError, ValueError)))
            if len(known) != 1:
                raise
            err_console.print(f"[red]error:[/] {escape(str(known[0]))}")
            raise typer.Exit(1) from group


def _leaves(group: BaseExceptionGroup[BaseException] | None) -> list[BaseException]:
    """The non-group exceptions inside ``group`` (task groups nest)."""
    if group is None:
        return []
    found: list[BaseException] = []
    for exc in group.exceptions:
        found += _leaves(exc) if isinstance(exc, BaseExceptionGroup) else [exc]
    return found


def _owner() -> str:
    return f"cli:{getpass.getuser()}"


async def _print_events(assistant: Assistant, question: str, **options: Any) -> bool:
    """Stream one answer to the terminal: route and tool calls as they happen, the answer as markdown.

    Returns False when the run ended with an error (already printed).
    """
    answer: list[str] = []
    failed = False
    with err_console.status("thinking…") as status:
        async for e in assistant.stream(question, **options):
            failed = failed or e.kind == "error"
            _show(e, status.update, answer)
    if answer:
        out_console.print(Markdown("".join(answer)))
    return not failed


def _show(e: AgentEvent, update: Any, answer: list[str]) -> None:
    data = e.data
    if e.kind == "route":
        mode = "" if data["mode"] == "llm" else " — no LLM, deterministic answer"
        err_console.print(f"[bold]→ {escape(', '.join(data['personas']))}[/] ({escape(str(data['method']))}){mode}")
    elif e.kind == "tool_use":
        args = json.dumps(data.get("arguments", {}), ensure_ascii=False)
        err_console.print(f"  [dim]· {escape(str(data['tool']))}({escape(args[:160])})[/]")
        update(f"calling {data['tool']}…")
    elif e.kind == "tool_result" and not data.get("ok", True):
        err_console.print(f"  [yellow]  {escape(str(data['tool']))} failed: {escape(str(data.get('error'))[:200])}[/]")
    elif e.kind == "content_delta":
        answer.append(str(data["text"]))
    elif e.kind == "message_complete":
        tokens = data.get("tokens") or {}
        spent = f", {tokens.get('input', 0)}+{tokens.get('output', 0)} tokens" if any(tokens.values()) else ""
        err_console.print(f"[dim]{data['latency_ms']:.0f} ms{spent}[/]")
    elif e.kind == "error":
        err_console.print(f"[red]error:[/] {escape(str(data['error']))}")


def _route_table(choice: Any) -> Table:
    decision = choice.decision
    table = Table(title="Route", show_header=True)
    table.add_column("persona")
    table.add_column("score", justify="right")
    table.add_column("chosen")
    for name, score in sorted(decision.scores.items(), key=lambda kv: -kv[1]) or [(p, 0.0) for p in decision.personas]:
        table.add_row(name, f"{score:.3f}", "✓" if name in decision.personas else "")
    return table


def register_agent_commands(app: typer.Typer) -> None:
    """Add ``route``, ``ask`` and ``chat`` to the root command."""

    @app.command("route")
    def route(
        question: Annotated[str, typer.Argument(help="The question to route")],
        persona: PersonaOpt = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
        data_dir: DataDir = None,
    ) -> None:
        """Show which persona(s) would answer QUESTION and why, without running any tool."""
        settings = build_settings(data_dir)

        async def body() -> None:
            from servers.assistant.runtime import AgentRuntime, open_assistant

            async with deps_for(settings) as deps, AgentRuntime.create(settings, deps) as runtime:
                runtime.check_request(question, persona)
                async with open_assistant(runtime) as assistant:
                    choice = await assistant.decide(question, persona=persona)
            info = {**choice.decision.to_dict(), "mode": choice.mode, "no_llm_reason": choice.no_llm_reason}
            if as_json:
                print(json.dumps(info, indent=2))
                return
            out_console.print(_route_table(choice))
            out_console.print(f"method: {choice.decision.method} — {escape(choice.decision.reason)}")
            if choice.mode == "deterministic":
                out_console.print(f"[dim]{escape(choice.no_llm_reason)}[/]")

        with agent_errors():
            asyncio.run(body())

    @app.command("ask")
    def ask(
        question: Annotated[str, typer.Argument(help="The question, in plain words")],
        persona: PersonaOpt = None,
        cluster: ClusterOpt = None,
        session: Annotated[str | None, typer.Option("--session", help="Continue this chat session")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the answer, route and sources as JSON")] = False,
        data_dir: DataDir = None,
    ) -> None:
        """Ask the agent QUESTION; streams the route and tool calls, then prints the cited answer."""
        settings = build_settings(data_dir)
        options: dict[str, Any] = {"persona": persona, "clusters": cluster or (), "session_id": session}

        async def body() -> None:
            from servers.assistant.runtime import AgentRuntime, open_assistant

            async with deps_for(settings) as deps, AgentRuntime.create(settings, deps) as runtime:
                runtime.check_request(question, persona)
                async with open_assistant(runtime, sessions=session is not None) as assistant:
                    if as_json:
                        answer: AgentAnswer = await assistant.ask(question, owner=_owner(), **options)
                        print(json.dumps(answer.to_dict(), indent=2, default=str))
                    elif not await _print_events(assistant, question, owner=_owner(), **options):
                        raise typer.Exit(1)

        with agent_errors():
            asyncio.run(body())

    @app.command("chat")
    def chat(
        persona: PersonaOpt = None,
        cluster: ClusterOpt = None,
        session: Annotated[str | None, typer.Option("--session", help="Resume this chat session")] = None,
        data_dir: DataDir = None,
    ) -> None:
        """An interactive chat that keeps its session (24 h, 100 messages); /new starts over, /exit or Ctrl-D ends."""
        settings = build_settings(data_dir)
        with agent_errors():
            asyncio.run(_chat(settings, persona, cluster or [], session))


async def _chat(settings: Settings, persona: str | None, clusters: list[str], session_id: str | None) -> None:
    from servers.assistant.runtime import AgentRuntime, open_assistant

    async with deps_for(settings) as deps, AgentRuntime.create(settings, deps) as runtime:
        runtime.check_request("chat", persona)
        async with open_assistant(runtime, sessions=True) as assistant:
            mode = "LLM" if len(runtime.models) else "no LLM configured: deterministic answers"
            err_console.print(f"AIOps chat ({mode}). /new starts a new session, /exit or Ctrl-D quits.")
            while True:
                try:
                    line = (await asyncio.to_thread(input, "you> ")).strip()
                except EOFError:
                    break
                if not line:
                    continue
                if line in ("/exit", "/quit"):
                    break
                if line == "/new":
                    session_id = None
                    err_console.print("[dim]new session[/]")
                    continue
                if session_id is None:
                    chat = await assistant.open_session(_owner(), line, persona=persona, clusters=clusters)
                    session_id = chat.id
                    err_console.print(f"[dim]session {session_id} (resume with --session {session_id})[/]")
                if not await _print_events(
                    assistant, line, persona=persona, clusters=clusters, session_id=session_id, owner=_owner()
                ):
                    err_console.print("[dim]type /new to start a new session if this one is full or expired[/]")
