from __future__ import annotations

import pytest
from pydantic import ValidationError

from personas import FORBIDDEN_TOOL, ModelParams, Persona
from tests.personas.helpers import persona_data


def error_text(**overrides: object) -> str:
    with pytest.raises(ValidationError) as info:
        Persona.model_validate(persona_data(**overrides))  # type: ignore[arg-type]
    return str(info.value)


def test_a_valid_persona_gets_default_model_parameters_and_tool_rounds() -> None:
    persona = Persona.model_validate(persona_data())
    assert persona.model == ModelParams(temperature=0.1, max_tokens=2048, top_p=None)
    assert persona.max_tool_rounds == 6
    assert persona.keywords == []


@pytest.mark.parametrize("name", ["GPU", "gpu_expert", "-gpu", "gpu--x", "gpu expert", ""])
def test_a_name_that_is_not_a_slug_is_refused(name: str) -> None:
    assert "name" in error_text(name=name)


def test_a_persona_without_tools_is_refused() -> None:
    assert "List should have at least 1 item" in error_text(tools=[])


def test_listing_the_agent_itself_as_a_tool_is_refused() -> None:
    text = error_text(tools=["metrics_query", FORBIDDEN_TOOL])
    assert "'aiops_ask' is the agent itself" in text


def test_a_tool_listed_twice_is_refused() -> None:
    assert "'gpu_*' is listed twice" in error_text(tools=["gpu_*", "gpu_*"])


def test_a_tool_name_with_spaces_or_capitals_is_refused() -> None:
    assert "is not a tool name or glob" in error_text(tools=["Metrics Query"])


def test_fewer_than_eight_examples_are_refused() -> None:
    assert "examples" in error_text(examples=["one", "two"])


def test_an_unknown_field_is_refused() -> None:
    assert "Extra inputs are not permitted" in error_text(colour="blue")


def test_a_prompt_with_a_directory_is_refused() -> None:
    assert "no directories" in error_text(prompt="../secrets.md.j2")


def test_a_two_paragraph_description_is_refused() -> None:
    assert "one paragraph" in error_text(description="First.\n\nSecond.")


@pytest.mark.parametrize(("field", "value"), [("temperature", 2.5), ("max_tokens", 0), ("top_p", 0.0)])
def test_model_parameters_out_of_range_are_refused(field: str, value: float) -> None:
    assert field in error_text(model={field: value})


@pytest.mark.parametrize("rounds", [0, 21])
def test_tool_rounds_outside_one_to_twenty_are_refused(rounds: int) -> None:
    assert "max_tool_rounds" in error_text(max_tool_rounds=rounds)


def test_globs_and_exact_names_decide_which_tools_are_allowed() -> None:
    persona = Persona.model_validate(persona_data(tools=["gpu_*", "k8s_list_nodes", "metrics_query*"]))
    assert persona.allows("gpu_health")
    assert persona.allows("k8s_list_nodes")
    assert persona.allows("metrics_query_range")
    assert not persona.allows("k8s_list_pods")
    assert not persona.allows("logs_query")


def test_the_agent_itself_is_never_allowed_even_by_a_catch_all_glob() -> None:
    persona = Persona.model_validate(persona_data(tools=["*"]))
    assert persona.allows("reports_list")
    assert not persona.allows(FORBIDDEN_TOOL)


def test_allowed_tools_filters_and_sorts_the_available_surface() -> None:
    persona = Persona.model_validate(persona_data(tools=["cnf_*", "alerts_list"]))
    available = ["metrics_query", "cnf_sriov_status", "alerts_list", "cnf_ptp_status", "aiops_ask", "cnf_ptp_status"]
    assert persona.allowed_tools(available) == ["alerts_list", "cnf_ptp_status", "cnf_sriov_status"]
