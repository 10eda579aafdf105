"""Load the built-in persona files, plus an optional directory of custom ones, into a :class:`PersonaCatalog`.

Built-ins are the ``*.yaml`` files next to this module. A custom directory adds personas and may replace a
built-in of the same name (the catalog records which). Every problem is a :class:`PersonaError` naming the file
and the field, so an operator editing YAML knows what to fix.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from personas.schema import Persona
from prompts.loader import PromptError, prompt_path

__all__ = [
    "BUILTIN_DIR",
    "DEFAULT_PERSONA",
    "PersonaCatalog",
    "PersonaError",
    "UnknownPersonaError",
    "load_persona_file",
    "load_personas",
]

BUILTIN_DIR = Path(__file__).resolve().parent
DEFAULT_PERSONA = "default"


class PersonaError(Exception):
    """A persona file (or directory) is missing, unreadable or invalid."""


class UnknownPersonaError(KeyError):
    """A persona name that is not in the catalog."""

    def __str__(self) -> str:
        # KeyError's own __str__ wraps the message in quotes.
        return str(self.args[0]) if self.args else ""


class PersonaCatalog:
    """The personas available to the supervisor, ``default`` first then by name."""

    def __init__(self, personas: dict[str, Persona], *, overridden: frozenset[str] = frozenset()) -> None:
        """Hold ``personas`` by name; ``overridden`` names built-ins replaced by a custom file."""
        if DEFAULT_PERSONA not in personas:
            raise PersonaError(f"no {DEFAULT_PERSONA!r} persona: the supervisor needs one for general questions")
        order = [DEFAULT_PERSONA, *sorted(n for n in personas if n != DEFAULT_PERSONA)]
        self._personas = {name: personas[name] for name in order}
        self.overridden = overridden

    def get(self, name: str) -> Persona:
        """The persona called ``name``; :class:`UnknownPersonaError` lists the known names otherwise."""
        try:
            return self._personas[name]
        except KeyError:
            known = ", ".join(self._personas)
            raise UnknownPersonaError(f"unknown persona {name!r}; known personas: {known}") from None

    def names(self) -> list[str]:
        """Persona names in catalog order (``default`` first)."""
        return list(self._personas)

    @property
    def default(self) -> Persona:
        """The persona for general questions and for anything the router cannot place."""
        return self._personas[DEFAULT_PERSONA]

    def __iter__(self) -> Iterator[Persona]:
        return iter(self._personas.values())

    def __len__(self) -> int:
        return len(self._personas)

    def __contains__(self, name: object) -> bool:
        return name in self._personas


def load_personas(custom_dir: Path | None = None) -> PersonaCatalog:
    """Load the built-in personas, then those of ``custom_dir`` (which add to or override built-ins by name)."""
    personas = {p.name: p for p in _load_dir(BUILTIN_DIR)}
    overridden: set[str] = set()
    if custom_dir is not None:
        if not custom_dir.is_dir():
            raise PersonaError(f"custom persona directory {custom_dir} does not exist or is not a directory")
        for persona in _load_dir(custom_dir):
            if persona.name in personas:
                overridden.add(persona.name)
            personas[persona.name] = persona
    return PersonaCatalog(personas, overridden=frozenset(overridden))


def _load_dir(directory: Path) -> list[Persona]:
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    return [load_persona_file(path) for path in files]


def load_persona_file(path: Path) -> Persona:
    """Parse and validate one persona file; the persona's name must equal the file name without its suffix."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PersonaError(f"{path}: cannot read YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PersonaError(f"{path}: expected a mapping of persona fields, got {type(data).__name__}")
    try:
        persona = Persona.model_validate(data)
    except ValidationError as exc:
        raise PersonaError(f"{path}: {_describe(exc)}") from exc
    if persona.name != path.stem:
        # One name, one file: overriding a built-in is then a matter of dropping a file with the same name.
        raise PersonaError(f"{path}: name: {persona.name!r} must equal the file name {path.stem!r}")
    try:
        template = prompt_path(persona.prompt)
    except PromptError as exc:
        raise PersonaError(f"{path}: prompt: {exc}") from exc
    if not template.is_file():
        raise PersonaError(f"{path}: prompt: template {persona.prompt!r} not found in {template.parent}")
    return persona


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False):
        location = ".".join(str(part) for part in error["loc"]) or "(file)"
        parts.append(f"{location}: {error['msg'][:1].lower()}{error['msg'][1:]}")
    return "; ".join(parts)
