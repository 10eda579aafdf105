"""Personas as data: YAML files naming a prompt, a tool allow-list, routing examples and model parameters."""

from personas.loader import (
    BUILTIN_DIR,
    DEFAULT_PERSONA,
    PersonaCatalog,
    PersonaError,
    UnknownPersonaError,
    load_persona_file,
    load_personas,
)
from personas.schema import FORBIDDEN_TOOL, ModelParams, Persona

__all__ = [
    "BUILTIN_DIR",
    "DEFAULT_PERSONA",
    "FORBIDDEN_TOOL",
    "ModelParams",
    "Persona",
    "PersonaCatalog",
    "PersonaError",
    "UnknownPersonaError",
    "load_persona_file",
    "load_personas",
]
