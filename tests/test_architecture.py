"""The import rules of HOUSE_STYLE.md, checked on the source tree with the ast module."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["agents", "tools", "personas", "servers", "prompts", "evals"]


def imported_modules(path: Path) -> set[str]:
    """Every absolute module name imported by one source file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def imports_under(package: str) -> dict[str, set[str]]:
    """Map each file of ``package`` (relative path) to the modules it imports."""
    base = ROOT / package.replace(".", "/")
    return {str(p.relative_to(ROOT)): imported_modules(p) for p in base.rglob("*.py")}


def violations(package: str, forbidden: list[str], *, allow: tuple[str, ...] = ()) -> list[str]:
    """Lines ``file imports module`` where a file of ``package`` imports a forbidden package."""
    found = []
    for file, modules in imports_under(package).items():
        for module in sorted(modules):
            hit = any(module == f or module.startswith(f + ".") for f in forbidden)
            allowed = any(module == a or module.startswith(a + ".") for a in allow)
            if hit and not allowed:
                found.append(f"{file} imports {module}")
    return found


@pytest.mark.parametrize("name", PACKAGES)
def test_generic_top_level_names_resolve_inside_the_repo(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__file__ is not None
    assert Path(module.__file__).resolve().is_relative_to(ROOT), f"{name} resolves to {module.__file__}"


def test_tools_import_only_third_party_and_tools() -> None:
    assert violations("tools", ["servers", "agents", "personas", "prompts", "evals"]) == []


def test_mcp_servers_never_import_agents() -> None:
    assert violations("servers.mcp", ["agents", "servers.sim", "servers.cli"]) == []


def test_simulated_fleet_is_standalone() -> None:
    # The simulator speaks real APIs; it must not share code (or knowledge) with the product.
    assert violations("servers.sim", ["tools", "agents", "personas", "prompts", "servers.mcp", "servers.cli"]) == []


def test_product_code_never_imports_the_simulator() -> None:
    found = violations("tools", ["servers.sim"]) + violations("servers.mcp", ["servers.sim"])
    found += violations("agents", ["servers.sim"])
    assert found == []


def test_agents_take_only_result_types_from_tools() -> None:
    allowed = ("tools.contract", "tools.prometheus.results", "tools.fleet.models")
    assert violations("agents", ["tools"], allow=allowed) == []


def test_personas_and_prompts_are_data_with_a_small_loader() -> None:
    assert violations("personas", ["tools", "servers", "agents"]) == []
    assert violations("prompts", ["tools", "servers", "agents"]) == []


def test_violations_detects_a_forbidden_import(tmp_path: Path) -> None:
    # Guard against a checker that can never fail: a synthetic file importing servers must be caught.
    bad = tmp_path / "bad.py"
    bad.write_text("import servers.mcp\nfrom agents import x\n")
    assert imported_modules(bad) == {"servers.mcp", "agents"}
