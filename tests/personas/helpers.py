"""A valid persona mapping to start each test from, so every test changes exactly one thing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

__all__ = ["persona_data", "write_persona"]


def persona_data(name: str = "storage-expert", **overrides: Any) -> dict[str, Any]:
    """A persona mapping that validates, with ``overrides`` applied."""
    data: dict[str, Any] = {
        "name": name,
        "title": "Storage specialist",
        "description": "Persistent volumes, CSI drivers and storage classes across the fleet.",
        "prompt": "default.md.j2",
        "tools": ["k8s_list_*", "metrics_query"],
        "examples": [f"storage question number {i}" for i in range(8)],
    }
    data.update(overrides)
    return data


def write_persona(directory: Path, data: dict[str, Any], file_name: str | None = None) -> Path:
    """Write ``data`` as ``<name>.yaml`` (or ``file_name``) in ``directory``; return the path."""
    path = directory / (file_name or f"{data['name']}.yaml")
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path
