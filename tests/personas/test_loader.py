from __future__ import annotations

from pathlib import Path

import pytest

from personas import BUILTIN_DIR, PersonaCatalog, PersonaError, UnknownPersonaError, load_persona_file, load_personas
from tests.personas.helpers import persona_data, write_persona

BUILTINS = ["default", "gpu-expert", "network-cnf", "platform-ops", "telco-5g"]


def test_the_builtin_catalog_lists_default_first_then_by_name() -> None:
    catalog = load_personas()
    assert catalog.names() == BUILTINS
    assert [p.name for p in catalog] == BUILTINS
    assert len(catalog) == 5
    assert catalog.default.name == "default"
    assert catalog.overridden == frozenset()


def test_an_unknown_persona_error_lists_the_known_ones() -> None:
    with pytest.raises(UnknownPersonaError) as info:
        load_personas().get("dba")
    assert str(info.value) == f"unknown persona 'dba'; known personas: {', '.join(BUILTINS)}"


def test_a_custom_directory_adds_a_persona(tmp_path: Path) -> None:
    write_persona(tmp_path, persona_data("storage-expert"))
    catalog = load_personas(tmp_path)
    assert catalog.names() == ["default", "gpu-expert", "network-cnf", "platform-ops", "storage-expert", "telco-5g"]
    assert catalog.get("storage-expert").title == "Storage specialist"
    assert catalog.overridden == frozenset()


def test_a_custom_persona_overrides_a_builtin_of_the_same_name(tmp_path: Path) -> None:
    write_persona(tmp_path, persona_data("gpu-expert", title="Our GPU team", tools=["gpu_health"]))
    catalog = load_personas(tmp_path)
    assert catalog.get("gpu-expert").title == "Our GPU team"
    assert catalog.get("gpu-expert").tools == ["gpu_health"]
    assert catalog.overridden == frozenset({"gpu-expert"})
    assert len(catalog) == 5


def test_a_missing_custom_directory_is_an_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(PersonaError, match=f"custom persona directory {missing} does not exist"):
        load_personas(missing)


def test_an_invalid_file_error_names_the_file_and_the_field(tmp_path: Path) -> None:
    path = write_persona(tmp_path, persona_data("x", tools=[]))
    with pytest.raises(PersonaError) as info:
        load_personas(tmp_path)
    assert str(info.value) == f"{path}: tools: list should have at least 1 item after validation, not 0"


def test_an_error_in_a_nested_field_names_its_path(tmp_path: Path) -> None:
    path = write_persona(tmp_path, persona_data("x", model={"temperature": 3}))
    with pytest.raises(PersonaError, match=r"x\.yaml: model\.temperature: input should be less than or equal to 2"):
        load_persona_file(path)


def test_a_prompt_template_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    path = write_persona(tmp_path, persona_data("x", prompt="missing.md.j2"))
    with pytest.raises(PersonaError, match=r"x\.yaml: prompt: template 'missing\.md\.j2' not found"):
        load_persona_file(path)


def test_a_persona_whose_name_differs_from_its_file_is_an_error(tmp_path: Path) -> None:
    path = write_persona(tmp_path, persona_data("x"), file_name="y.yaml")
    with pytest.raises(PersonaError, match=r"y\.yaml: name: 'x' must equal the file name 'y'"):
        load_persona_file(path)


def test_a_file_that_is_not_a_mapping_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("- just\n- a list\n")
    with pytest.raises(PersonaError, match=r"x\.yaml: expected a mapping of persona fields, got list"):
        load_persona_file(path)


def test_broken_yaml_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("name: [unclosed\n")
    with pytest.raises(PersonaError, match=r"x\.yaml: cannot read YAML"):
        load_persona_file(path)


def test_no_builtin_persona_can_call_the_agent_itself() -> None:
    for persona in load_personas():
        assert not persona.allows("aiops_ask"), persona.name


def test_builtin_personas_get_the_tools_their_domain_needs() -> None:
    catalog = load_personas()
    surface = [
        "fleet_list_clusters", "fleet_summary", "metrics_query", "metrics_query_range", "metrics_list_names",
        "alerts_list", "alerts_list_silences", "logs_query", "logs_patterns", "traces_search", "gpu_health",
        "gpu_fleet_summary", "cnf_ptp_status", "cnf_sriov_status", "k8s_list_nodes", "k8s_list_pods",
        "k8s_get_workload", "k8s_pod_logs", "reports_list", "aiops_ask",
    ]  # fmt: skip
    assert "reports_list" in catalog.get("default").allowed_tools(surface)
    assert "gpu_health" not in catalog.get("default").allowed_tools(surface)
    assert catalog.get("gpu-expert").allowed_tools(surface) == [
        "alerts_list", "fleet_list_clusters", "gpu_fleet_summary", "gpu_health", "k8s_list_nodes", "k8s_list_pods",
        "metrics_list_names", "metrics_query", "metrics_query_range",
    ]  # fmt: skip
    assert {"cnf_ptp_status", "cnf_sriov_status"} <= set(catalog.get("network-cnf").allowed_tools(surface))
    assert "k8s_pod_logs" not in catalog.get("network-cnf").allowed_tools(surface)
    assert {"k8s_pod_logs", "cnf_ptp_status", "logs_patterns"} <= set(catalog.get("telco-5g").allowed_tools(surface))
    assert {"traces_search", "k8s_get_workload"} <= set(catalog.get("platform-ops").allowed_tools(surface))
    assert "gpu_health" not in catalog.get("platform-ops").allowed_tools(surface)


def test_ptp_ownership_is_written_in_both_network_and_telco_descriptions() -> None:
    catalog = load_personas()
    assert "belong to network-cnf" in catalog.get("telco-5g").description
    assert "belongs to telco-5g" in catalog.get("network-cnf").description


def test_builtin_directory_holds_exactly_the_builtin_personas() -> None:
    assert sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml")) == BUILTINS


def test_a_catalog_without_a_default_persona_is_refused() -> None:
    personas = {p.name: p for p in load_personas() if p.name != "default"}
    with pytest.raises(PersonaError, match="no 'default' persona"):
        PersonaCatalog(personas)


def test_membership_is_by_name() -> None:
    catalog = load_personas()
    assert "telco-5g" in catalog
    assert "dba" not in catalog
