"""What each entry point imports (issue 9, lean start-up): checked in a fresh interpreter, since this test process
has long imported everything.

``aiops --help`` must not pay for the MCP SDK or the registry; no server start-up and no CLI command module may
load the agent stack (langgraph, langchain, openai, scikit-learn/scipy) or the simulator: ``aiops_ask`` loads the
agent on its first call, ``aiops demo`` the simulator in its body, ``aiops ask|chat|route`` the agent in theirs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path

import agents.llm

# Top-level packages (a trailing "*" matches any name starting so) and dotted modules no start-up may import.
AGENT_STACK = ("langgraph", "langchain*", "langsmith", "openai", "sklearn", "scipy")
NEVER_AT_START = (*AGENT_STACK, "servers.sim", "agents")
# What ``aiops_ask`` needs to register and report the LLM status: a result type and the endpoint check.
LIGHT_AGENT_MODULES = ("agents", "agents.citations", "agents.llm", "agents.llm.availability", "agents.llm.endpoint")


def modules_after(code: str, tmp_path: Path) -> list[str]:
    """``sys.modules`` of a fresh interpreter after running ``code`` (no AIOPS_* settings, no .env file)."""
    script = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "COLUMNS": "120"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    modules: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return modules


def matching(modules: Iterable[str], patterns: Iterable[str], *, allow: Iterable[str] = ()) -> list[str]:
    """The modules that match a pattern (the package itself or anything under it) and are not allowed."""
    patterns, allowed = list(patterns), set(allow)

    def hit(module: str, pattern: str) -> bool:
        if pattern.endswith("*"):
            return module.split(".")[0].startswith(pattern[:-1])
        return module == pattern or module.startswith(pattern + ".")

    return sorted(m for m in modules if m not in allowed and any(hit(m, p) for p in patterns))


def test_the_checker_finds_the_agent_stack_when_it_is_imported(tmp_path: Path) -> None:
    # A checker that can never fail is a defect: importing the agent runtime must be caught.
    modules = modules_after("import servers.assistant.runtime", tmp_path)
    found = {m.split(".")[0] for m in matching(modules, NEVER_AT_START)}
    assert {"langgraph", "langchain_core", "openai", "sklearn", "scipy", "agents"} <= found
    assert matching(["langchain_openai.chat", "servers.simple", "servers.sim.fleet"], NEVER_AT_START) == [
        "langchain_openai.chat",
        "servers.sim.fleet",
    ]


def test_aiops_help_imports_no_command_module_nor_the_mcp_sdk(tmp_path: Path) -> None:
    modules = modules_after(
        """
        import sys
        from servers.cli.app import main
        sys.argv = ["aiops", "--help"]
        try:
            main()
        except SystemExit as exit:
            assert exit.code == 0, exit.code
        """,
        tmp_path,
    )
    assert matching(modules, (*NEVER_AT_START, "servers.mcp", "servers.cli.serve", "tools", "mcp", "sqlalchemy")) == []


def test_no_command_module_imports_the_agent_stack_or_the_simulator(tmp_path: Path) -> None:
    # Every command's --help imports its module and builds its options: all of them in one interpreter.
    modules = modules_after(
        """
        from typer.testing import CliRunner
        from servers.cli.app import COMMANDS, build_cli
        for spec in COMMANDS:
            result = CliRunner().invoke(build_cli(), [spec.name, "--help"])
            assert result.exit_code == 0, (spec.name, result.output)
        """,
        tmp_path,
    )
    assert "servers.cli.demo" in modules and "servers.cli.agent" in modules
    assert matching(modules, NEVER_AT_START) == []


def test_building_the_mcp_server_with_every_domain_imports_no_agent_code(tmp_path: Path) -> None:
    modules = modules_after(
        """
        import asyncio
        from pathlib import Path
        from servers.mcp import DOMAIN_TOOLSETS, build_server, open_deps
        from servers.settings import Settings

        async def main():
            async with open_deps(Settings(data_dir=Path("data"))) as deps:
                server = build_server(deps, toolsets=DOMAIN_TOOLSETS)
                assert len(await server.list_tools()) > 30

        asyncio.run(main())
        """,
        tmp_path,
    )
    assert matching(modules, NEVER_AT_START) == []


def test_serving_aiops_ask_over_http_imports_only_the_light_agent_modules(tmp_path: Path) -> None:
    modules = modules_after(
        """
        import asyncio
        from pathlib import Path
        from servers.assistant import AgentLoader, llm_endpoints, readiness_report, register_ask_tool
        from servers.http import create_app
        from servers.mcp import TOOLSETS, open_deps
        from servers.settings import Settings

        async def main():
            settings = Settings(data_dir=Path("data"))
            async with open_deps(settings) as deps, AgentLoader(settings, deps) as agent:
                create_app(
                    deps, host="127.0.0.1", token=None, allowed_hosts=[], toolsets=TOOLSETS,
                    ask=lambda mcp: register_ask_tool(mcp, agent),
                    readiness=lambda: readiness_report(llm_endpoints(settings)),
                )
                assert await readiness_report(llm_endpoints(settings)) == {
                    "status": "ready", "agent_mode": "deterministic", "llm": []
                }

        asyncio.run(main())
        """,
        tmp_path,
    )
    assert "agents.llm.availability" in modules
    assert matching(modules, NEVER_AT_START, allow=LIGHT_AGENT_MODULES) == []


def test_every_name_of_the_lazy_llm_package_resolves() -> None:
    assert all(getattr(agents.llm, name) is not None for name in agents.llm.__all__)


def test_a_lazy_registry_answers_tools_list_without_sqlalchemy_and_opens_on_the_first_call(tmp_path: Path) -> None:
    # ``aiops mcp`` (stdio) is spawned by a client that lists tools first: the registry database waits for a call.
    modules = modules_after(
        """
        import asyncio, sys
        from pathlib import Path
        from servers.mcp import TOOLSETS, build_server, open_deps
        from servers.settings import Settings

        async def main():
            async with open_deps(Settings(data_dir=Path("data")), lazy_store=True) as deps:
                server = build_server(deps, toolsets=[t for t in TOOLSETS if t != "ask"])
                assert len(await server.list_tools()) > 30
                assert "sqlalchemy" not in sys.modules and not deps.store.opened
                result = await server.call_tool("fleet_summary", {})
                assert deps.store.opened and "sqlalchemy" in sys.modules, result

        asyncio.run(main())
        """,
        tmp_path,
    )
    assert "sqlalchemy" in modules
