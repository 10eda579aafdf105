"""Render the jinja2 prompt templates that live next to this module.

Templates are strict: a variable the caller forgot is an error naming it, never an empty string silently
rendered into a system prompt. Persona templates expect ``persona``, ``clusters``, ``now`` and ``tools``;
``supervisor.md.j2`` expects ``personas``, ``clusters`` and ``now``.
"""

from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, UndefinedError

__all__ = ["PROMPTS_DIR", "PromptError", "prompt_path", "render_prompt", "template_name"]

PROMPTS_DIR = Path(__file__).resolve().parent
_SUFFIX = ".md.j2"


class PromptError(Exception):
    """A prompt template is missing or was rendered without a variable it needs."""


def template_name(name: str) -> str:
    """The template file name for ``name``: ``'gpu-expert'`` and ``'gpu-expert.md.j2'`` both give the latter."""
    return name if name.endswith(".j2") else name + _SUFFIX


def prompt_path(name: str) -> Path:
    """The path of template ``name`` in the prompts directory (it may not exist; check with ``.is_file()``)."""
    file_name = template_name(name)
    if Path(file_name).name != file_name:
        raise PromptError(f"prompt {name!r}: a template is named by its file name, without directories")
    return PROMPTS_DIR / file_name


@functools.cache
def _environment(directory: Path) -> Environment:
    # Cached per directory: a new Environment recompiles every template (~2 ms each, measured by
    # benchmarks/agent_overhead.py); the cache holds compiled templates only, no settings or connections.
    # jinja2 re-reads a template whose file changed (auto_reload), so edits still show up.
    return Environment(
        loader=FileSystemLoader(directory),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_prompt(name: str, **values: object) -> str:
    """Render template ``name`` with ``values``; raise :class:`PromptError` naming a missing template or variable."""
    file_name = prompt_path(name).name
    env = _environment(PROMPTS_DIR)
    try:
        template = env.get_template(file_name)
    except TemplateNotFound as exc:
        raise PromptError(f"prompt template {exc.name!r} not found in {PROMPTS_DIR}") from exc
    try:
        return template.render(**values)
    except UndefinedError as exc:
        raise PromptError(f"prompt {file_name!r}: missing variable: {exc.message}") from exc
