"""Intent matching: keyword scoring, persona as a tie-breaker, cluster names never voting, fleet fallback."""

from __future__ import annotations

import pytest

from agents.deterministic.intents import INTENTS, PERSONA_PRIOR, match_intent

KNOWN = ["hub", "gpu-spoke", "telco-edge"]

QUESTIONS = [
    ("How is the fleet doing?", "fleet_status"),
    ("status of the clusters", "fleet_status"),
    ("how busy are the GPUs on gpu-spoke?", "gpu_utilisation"),
    ("GPU utilisation over the last 30 minutes", "gpu_utilisation"),
    ("how many GPUs do we have?", "gpu_utilisation"),
    ("which GPUs are running hot?", "gpu_health"),
    ("any XID errors on the GPUs today?", "gpu_health"),
    ("are any GPUs throttling?", "gpu_health"),
    ("which pods hold a GPU but don't use it?", "gpu_idle"),
    ("which gpus are idle", "gpu_idle"),
    ("show the MIG layout", "gpu_mig"),
    ("how are the A100s sliced?", "gpu_mig"),
    ("is PTP ok on telco-edge?", "ptp_status"),
    ("when did du-1 go into holdover?", "ptp_status"),
    ("are SR-IOV VFs exhausted on telco-edge?", "sriov_status"),
    ("is the UPF dropping packets?", "dpdk_stats"),
    ("is the OVS PMD saturated?", "dpdk_stats"),
    ("which CNFs run on telco-edge?", "cnf_workloads"),
    ("where does the vDU run?", "cnf_workloads"),
    ("what alerts are firing?", "firing_alerts"),
    ("what is alerting on hub right now?", "firing_alerts"),
    ("errors in payments-api logs", "error_logs"),
    ("show me the logs of storefront-web", "error_logs"),
    ("why are payments-api requests slow?", "slow_traces"),
    ("p99 latency of storefront-web", "slow_traces"),
    ("top CPU consumers", "top_cpu"),
    ("which namespaces use the most cpu?", "top_cpu"),
    ("which pods use the most memory?", "top_memory"),
    ("which pods are crash-looping?", "failing_pods"),
    ("Which pods were OOMKilled?", "failing_pods"),
    ("any warning events in namespace payments?", "warning_events"),
    ("what anomalies were detected recently?", "anomalies_reports"),
    ("show me the latest RCA report", "anomalies_reports"),
]


@pytest.mark.parametrize(("question", "intent"), QUESTIONS)
def test_question_maps_to_its_intent(question: str, intent: str) -> None:
    assert match_intent(question, persona="default", known_clusters=KNOWN).intent.name == intent


def test_the_table_covers_every_intent_of_the_catalogue() -> None:
    assert {i for _, i in QUESTIONS} == {i.name for i in INTENTS}


def test_an_unrecognised_question_falls_back_to_the_fleet_status() -> None:
    match = match_intent("tell me a joke", persona="default")
    assert match.fallback
    assert match.intent.name == "fleet_status"


def test_cluster_names_do_not_vote_for_an_intent() -> None:
    # "telco-edge" contains "telco" and "gpu-spoke" contains "gpu": neither may pull the question their way.
    assert match_intent("how is telco-edge doing?", known_clusters=KNOWN).intent.name == "fleet_status"
    assert match_intent("what is alerting on gpu-spoke?", known_clusters=KNOWN).intent.name == "firing_alerts"
    assert match_intent("is the UPF dropping packets", known_clusters=KNOWN).intent.name == "dpdk_stats"


def test_the_persona_breaks_a_tie() -> None:
    # ptp_status (ptp: 3.0) and gpu_health (gpu 1.0 + hot 2.0) score alike: the persona decides.
    question = "ptp and hot gpu"
    assert match_intent(question, persona="network-cnf").intent.name == "ptp_status"
    assert match_intent(question, persona="gpu-expert").intent.name == "gpu_health"


def test_the_persona_never_overrides_a_real_difference() -> None:
    # dpdk_stats (packets 2.5) beats cnf_workloads (cnf 2.0) even for a persona favouring both equally or not.
    assert match_intent("cnf packets", persona="network-cnf").intent.name == "dpdk_stats"
    assert min(weight for intent in INTENTS for _, weight in intent.keywords) > PERSONA_PRIOR
