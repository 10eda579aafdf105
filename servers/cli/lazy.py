"""Commands imported when they run: ``aiops --help`` lists every command without importing any of them.

Each command module costs what its command needs (the MCP server, the registry, the agent, the simulator); a root
group that imported them all would make every invocation, ``--help`` included, pay for all of them. The root lists
a :class:`LazyCommand` per command and swaps in the real one when it is invoked (the pattern of Click's "lazily
loading subcommands").
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer.core import TyperCommand, TyperGroup

__all__ = ["CommandSpec", "LazyCommand", "LazyGroup"]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """Where a command lives: ``register`` in ``module`` adds it to a Typer app; ``help`` is its listing line."""

    name: str
    module: str
    register: str
    help: str


class LazyCommand(TyperCommand):
    """Stands for a command in listings (name and one line of help) until it is invoked."""

    def __init__(self, spec: CommandSpec) -> None:
        super().__init__(spec.name, help=spec.help)
        self.spec = spec

    def load(self) -> TyperCommand | TyperGroup:
        """Import the command's module and build the real command."""
        module = importlib.import_module(self.spec.module)
        register: Callable[[typer.Typer], None] = getattr(module, self.spec.register)
        app = typer.Typer()
        register(app)
        command = typer.main.get_group(app).commands[self.spec.name]
        assert isinstance(command, TyperCommand | TyperGroup)
        return command


class LazyGroup(TyperGroup):
    """A Typer root group whose :attr:`lazy_commands` are imported only when invoked."""

    lazy_commands: ClassVar[tuple[CommandSpec, ...]] = ()

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for spec in self.lazy_commands:
            self.commands.setdefault(spec.name, LazyCommand(spec))

    # ``Any``: recent typer versions vendor Click privately, so its Context and Command types have no public name.
    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        """Resolve as Click does, loading the command first if it is still a stand-in."""
        name, command, rest = super().resolve_command(ctx, args)
        if name is not None and isinstance(command, LazyCommand):
            command = self.commands[name] = command.load()
        return name, command, rest
