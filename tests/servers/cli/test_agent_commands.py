"""``aiops route|ask|chat`` through typer's CliRunner on an empty temporary registry (no LLM configured)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from servers.cli.app import build_cli

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AIOPS_LLM_BASE_URL", "AIOPS_LLM_MODEL", "AIOPS_LLM_FALLBACK_BASE_URL", "AIOPS_LLM_FALLBACK_MODEL"):
        monkeypatch.delenv(name, raising=False)


def aiops(data_dir: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(build_cli(), [*args, "--data-dir", str(data_dir)], input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_every_agent_command_has_help() -> None:
    for command in ("route", "ask", "chat"):
        result = runner.invoke(build_cli(), [command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, result.output


def test_route_prints_the_persona_and_why_as_json(tmp_path: Path) -> None:
    code, out, _ = aiops(tmp_path, "route", "are the DCGM exporters reporting XID errors?", "--json")
    assert code == 0
    body = json.loads(out)
    assert body["personas"][0] == "gpu-expert" and body["method"] == "classifier"
    assert body["mode"] == "deterministic" and "no LLM is configured" in body["no_llm_reason"]
    assert set(body["scores"]) == {"default", "platform-ops", "gpu-expert", "network-cnf", "telco-5g"}


def test_ask_answers_deterministically_with_sources_as_json(tmp_path: Path) -> None:
    code, out, _ = aiops(tmp_path, "ask", "what alerts are firing?", "--json")
    assert code == 0
    body = json.loads(out)
    assert body["mode"] == "deterministic" and "No LLM was used" in body["answer"]
    assert any(c["tool"] == "alerts_list" for c in body["citations"])


def test_bad_input_is_one_clear_line_and_exit_1(tmp_path: Path) -> None:
    code, _, err = aiops(tmp_path, "ask", "hello", "--persona", "astrologer")
    assert code == 1 and "astrologer" in err and "gpu-expert" in err
    code, _, err = aiops(tmp_path, "ask", "   ")
    assert code == 1 and "question is empty" in err
    code, _, err = aiops(tmp_path, "ask", "hello", "--session", "no-such-session", "--json")
    assert code == 1 and "was not found" in err


def test_chat_keeps_one_session_until_exit(tmp_path: Path) -> None:
    code, out, err = aiops(tmp_path, "chat", stdin="what alerts are firing?\nand now?\n/exit\n")
    assert code == 0, err
    assert err.count("(resume with --session ") == 1  # one session for both questions, resumable
    assert out.count("No LLM was used") == 2
