from __future__ import annotations

import pytest

from personas import Persona, load_personas
from prompts import PROMPTS_DIR, PromptError, prompt_path, render_prompt

NOW = "2026-11-26T10:00:00Z"
SURFACE = ["fleet_list_clusters", "metrics_query", "gpu_health", "cnf_ptp_status", "k8s_list_pods", "aiops_ask"]
PERSONA_VARIABLES = ("persona", "clusters", "now", "tools")
RULES = ("read-only", "Cite the tool, the query", "no data", "Never invent values", "ask one short question")


def persona_values(persona: Persona) -> dict[str, object]:
    return {
        "persona": persona,
        "clusters": ["telco-edge"],
        "now": NOW,
        "tools": persona.allowed_tools(SURFACE),
    }


@pytest.mark.parametrize("name", ["default", "gpu-expert", "network-cnf", "platform-ops", "telco-5g"])
def test_every_builtin_persona_prompt_renders_with_its_tools_scope_and_rules(name: str) -> None:
    persona = load_personas().get(name)
    text = render_prompt(persona.prompt, **persona_values(persona))
    assert persona.title in text
    assert NOW in text
    assert "only these clusters: telco-edge" in text
    for tool in persona.allowed_tools(SURFACE):
        assert f"- `{tool}`" in text
    assert "`aiops_ask`" not in text
    for rule in RULES:
        assert rule in text, f"{name} prompt lacks {rule!r}"


@pytest.mark.parametrize("missing", PERSONA_VARIABLES)
def test_a_persona_prompt_without_a_variable_fails_naming_it(missing: str) -> None:
    persona = load_personas().get("gpu-expert")
    values = persona_values(persona)
    del values[missing]
    with pytest.raises(PromptError, match=f"prompt 'gpu-expert.md.j2': missing variable: '{missing}' is undefined"):
        render_prompt(persona.prompt, **values)


def test_a_persona_prompt_renders_from_a_plain_dict_too() -> None:
    persona = load_personas().get("network-cnf")
    values = persona_values(persona) | {"persona": persona.model_dump(), "clusters": []}
    text = render_prompt("network-cnf", **values)
    assert "Scope: every cluster of the fleet" in text
    assert "ptp4l master offset" in text


def test_a_persona_with_no_allowed_tools_is_told_so() -> None:
    persona = load_personas().get("telco-5g")
    text = render_prompt(persona.prompt, **(persona_values(persona) | {"tools": []}))
    assert "No tools are available to you in this session" in text


def test_the_supervisor_prompt_describes_every_persona() -> None:
    catalog = load_personas()
    text = render_prompt("supervisor.md.j2", personas=list(catalog), clusters=[], now=NOW)
    for persona in catalog:
        assert f"**{persona.name}** ({persona.title}): {persona.description}" in text
    assert "read-only" in text
    assert "no data" in text
    assert "Never invent values" in text


@pytest.mark.parametrize("missing", ["personas", "clusters", "now"])
def test_the_supervisor_prompt_without_a_variable_fails_naming_it(missing: str) -> None:
    values: dict[str, object] = {"personas": list(load_personas()), "clusters": ["hub"], "now": NOW}
    del values[missing]
    with pytest.raises(PromptError, match=f"'{missing}' is undefined"):
        render_prompt("supervisor", **values)


def test_a_missing_template_is_an_error_naming_it() -> None:
    with pytest.raises(PromptError, match=r"prompt template 'nope\.md\.j2' not found"):
        render_prompt("nope", persona={}, clusters=[], now=NOW, tools=[])


def test_a_template_name_with_a_directory_is_refused() -> None:
    with pytest.raises(PromptError, match="without directories"):
        prompt_path("../personas/default.yaml.j2")


def test_prompt_path_accepts_the_name_with_or_without_its_suffix() -> None:
    assert prompt_path("gpu-expert") == PROMPTS_DIR / "gpu-expert.md.j2"
    assert prompt_path("gpu-expert.md.j2") == PROMPTS_DIR / "gpu-expert.md.j2"
    assert prompt_path("gpu-expert").is_file()
