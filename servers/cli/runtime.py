"""Shared plumbing for CLI commands: build Settings, open ToolDeps, report the key file, map errors to exit codes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TypeVar

import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError
from rich.markup import escape

from servers.cli.output import err_console
from servers.mcp import ToolDeps, open_deps
from servers.settings import Settings
from tools.errors import BackendError, ToolInputError
from tools.fleet import CredentialKeyError

__all__ = ["build_settings", "cli_errors", "deps_for", "run"]

T = TypeVar("T")


def build_settings(data_dir: Path | None = None) -> Settings:
    """Read the environment once (entry-point only); ``--data-dir`` overrides ``AIOPS_DATA_DIR``."""
    try:
        settings = Settings()
    except (ValidationError, SettingsError) as exc:
        err_console.print(
            f"[red]Invalid AIOPS_* settings:[/]\n{escape(str(exc))}\n"
            "List settings take JSON, e.g. AIOPS_ALLOWED_HOSTS='[\"aiops.example.com\"]'."
        )
        raise typer.Exit(2) from exc
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    return settings


@asynccontextmanager
async def deps_for(settings: Settings, *, lazy_store: bool = False) -> AsyncIterator[ToolDeps]:
    """Open the tool dependencies, telling the operator when a new encryption key file was created."""
    async with open_deps(settings, lazy_store=lazy_store) as deps:
        if deps.key_info.created and deps.key_info.path is not None:
            err_console.print(
                f"[yellow]Created a new credentials encryption key at {deps.key_info.path} (mode 0600).[/] "
                "Back it up, or set AIOPS_ENCRYPTION_KEY: stored credentials cannot be decrypted without it."
            )
        yield deps


def _describe_one(loc: tuple[int | str, ...], msg: str, value: object) -> str:
    where = ".".join(str(p) for p in loc) or "value"
    # Echo short plain values (a bad name); never one that may carry a secret (user:password@ in a URL).
    shown = f" (got {value!r})" if isinstance(value, str) and len(value) < 80 and "@" not in value else ""
    return f"{where}: {msg}{shown}"


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']} (got {e.get('input')!r})"
            for e in exc.errors()
        )
    return str(exc)


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn actionable errors (bad input, refused backend, wrong key) into a red message and exit code 1."""
    try:
        yield
    except (ToolInputError, BackendError, CredentialKeyError, ValueError) as exc:
        err_console.print(f"[red]error:[/] {escape(_describe(exc))}")
        raise typer.Exit(1) from exc
    except OSError as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    except Exception as exc:
        # Matched by module rather than imported: importing SQLAlchemy here would load it for every command.
        if not type(exc).__module__.startswith("sqlalchemy."):
            raise
        # The driver's message can be hundreds of lines; its first line says what happened.
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        err_console.print(f"[red]database error:[/] {escape(first)} — check AIOPS_DATABASE_URL / the data directory.")
        raise typer.Exit(1) from exc


def run(coro_factory: Callable[[], Awaitable[T]]) -> T:
    """Run an async command body under :func:`cli_errors` (no traceback for errors the operator can fix)."""

    async def body() -> T:
        return await coro_factory()

    with cli_errors():
        return asyncio.run(body())
