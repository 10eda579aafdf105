"""The root command: every command listed without being imported, and ``--toolsets`` on ``aiops mcp|serve``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.main import get_group
from typer.testing import CliRunner

from servers.cli.app import COMMANDS, build_cli
from servers.cli.lazy import LazyCommand
from servers.mcp import TOOLSETS
from servers.settings import Settings

runner = CliRunner()


def test_the_root_help_lists_every_command_with_its_own_first_line() -> None:
    result = runner.invoke(build_cli(), ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for spec in COMMANDS:
        real = LazyCommand(spec).load()
        # The listing line is kept beside the command's name: it must say what the command's own help says.
        assert (real.help or "").startswith(spec.help), spec.name
        assert f"{spec.name} " in result.output and spec.help in result.output


def test_a_command_is_loaded_only_when_invoked() -> None:
    root = get_group(build_cli())
    assert all(isinstance(root.commands[spec.name], LazyCommand) for spec in COMMANDS)
    assert runner.invoke(build_cli(), ["demo", "--help"]).exit_code == 0
    assert "--hours" in runner.invoke(build_cli(), ["demo", "--help"], env={"COLUMNS": "200"}).output


def test_a_misspelt_command_gets_a_suggestion() -> None:
    result = runner.invoke(build_cli(), ["clustr"])
    assert result.exit_code == 2 and "cluster" in result.output


@pytest.mark.parametrize("command", ["mcp", "serve"])
def test_toolsets_option_lists_every_toolset(command: str) -> None:
    result = runner.invoke(build_cli(), [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert all(name in result.output for name in TOOLSETS)


@pytest.mark.parametrize("command", ["mcp", "serve"])
def test_an_unknown_toolset_is_one_line_naming_the_closest_and_exit_2(command: str, tmp_path: Path) -> None:
    result = runner.invoke(build_cli(), [command, "--toolsets", "metrics,gpus", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: --toolsets: unknown toolset 'gpus' (did you mean 'gpu'?); choose from {', '.join(TOOLSETS)} or 'all'"
    ]
    assert not (tmp_path / "aiops.db").exists()  # refused before opening anything


def test_a_bad_toolsets_setting_names_the_variable(tmp_path: Path) -> None:
    result = runner.invoke(
        build_cli(), ["mcp", "--data-dir", str(tmp_path)], env={"AIOPS_TOOLSETS": "traces,lgos", "COLUMNS": "200"}
    )
    assert result.exit_code == 2
    assert "AIOPS_TOOLSETS" in result.stderr and "'lgos' (did you mean 'logs'?)" in result.stderr


def test_the_toolsets_setting_documents_every_toolset() -> None:
    description = Settings.model_fields["toolsets"].description or ""
    assert all(name in description for name in TOOLSETS)
