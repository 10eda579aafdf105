from __future__ import annotations

import time

import pytest

from agents.routing import PersonaClassifier, RouterSettings
from personas import Persona, PersonaCatalog, load_personas


@pytest.fixture(scope="module")
def router() -> PersonaClassifier:
    return PersonaClassifier.fit(load_personas())


@pytest.mark.parametrize(
    ("question", "persona"),
    [
        ("Which A100 cards show XID errors since yesterday?", "gpu-expert"),
        ("is the dcgm exporter scraping the H100 nodes", "gpu-expert"),
        ("ptp4l offset jumped above 500ns on the edge node", "network-cnf"),
        ("Is the grandmaster clock still locked?", "network-cnf"),
        ("How many SR-IOV virtual functions are still free on worker-2?", "network-cnf"),
        ("OVS-DPDK drops on port dpdk1", "network-cnf"),
        ("Is the vDU healthy after last night's reboot?", "telco-5g"),
        ("Are the AMF and SMF pods of the 5G core running?", "telco-5g"),
        ("Which pods are in CrashLoopBackOff in namespace shop?", "platform-ops"),
        ("Show OOMKilled containers in the last 6 hours", "platform-ops"),
        ("Which alerts are firing across all clusters?", "default"),
    ],
)
def test_domain_questions_route_to_their_specialist(router: PersonaClassifier, question: str, persona: str) -> None:
    decision = router.route(question)
    assert decision.primary == persona, decision.reason
    assert decision.method == "classifier"


def test_a_question_spanning_two_domains_gets_two_personas(router: PersonaClassifier) -> None:
    decision = router.route("GPU node NotReady and pods evicted")
    assert set(decision.personas) == {"gpu-expert", "platform-ops"}


def test_max_personas_one_keeps_only_the_best(router: PersonaClassifier) -> None:
    decision = router.route("GPU node NotReady and pods evicted", max_personas=1)
    assert len(decision.personas) == 1


def test_a_single_domain_question_gets_one_persona(router: PersonaClassifier) -> None:
    assert router.route("Is PTP locked on every edge node?").personas == ("network-cnf",)


@pytest.mark.parametrize("question", ["asdf qwerty zxcv", "the weather in Paris tomorrow", "hello"])
def test_nonsense_goes_to_default_and_says_why(router: PersonaClassifier, question: str) -> None:
    decision = router.route(question)
    assert decision.personas == ("default",)
    assert "no persona scored above the floor" in decision.reason


@pytest.mark.parametrize("question", ["", "   \n\t"])
def test_an_empty_question_is_refused(router: PersonaClassifier, question: str) -> None:
    with pytest.raises(ValueError, match="cannot route an empty question"):
        router.route(question)


def test_max_personas_below_one_is_refused(router: PersonaClassifier) -> None:
    with pytest.raises(ValueError, match="max_personas must be at least 1"):
        router.route("gpu temperature", max_personas=0)


def test_the_reason_names_matching_terms_and_the_closest_example(router: PersonaClassifier) -> None:
    catalog = load_personas()
    decision = router.route("dcgm shows xid 79 on a gpu")
    assert decision.reason.startswith("gpu-expert: keywords 'gpu', 'dcgm', 'xid';")
    closest = decision.reason.split("closest example ", 1)[1].strip("'")
    assert closest in catalog.get("gpu-expert").examples


def test_scores_cover_every_persona_and_the_top_score_wins(router: PersonaClassifier) -> None:
    decision = router.route("hugepages and isolated cpus in the performance profile")
    assert set(decision.scores) == set(load_personas().names())
    assert max(decision.scores, key=lambda n: decision.scores[n]) == decision.primary == "telco-5g"


def test_a_cluster_name_does_not_decide_the_domain(router: PersonaClassifier) -> None:
    # "gpu-spoke" and "telco-edge" name places; the question is about pods and Kubernetes versions.
    assert router.route("pods crashlooping on gpu-spoke").primary == "platform-ops"
    assert router.route("What Kubernetes version does telco-edge run?").primary == "platform-ops"


def test_configured_cluster_names_are_ignored_too() -> None:
    catalog = load_personas()
    plain = PersonaClassifier.fit(catalog)
    aware = PersonaClassifier.fit(catalog, RouterSettings(cluster_names=frozenset({"nvidia"})))
    assert plain.route("pods pending on nvidia").primary == "gpu-expert"
    assert aware.route("pods pending on nvidia").primary == "platform-ops"


def test_typos_still_route_through_character_ngrams(router: PersonaClassifier) -> None:
    assert router.route("nvidai gpus overheatting").primary == "gpu-expert"
    assert router.route("crashloopbakoff pods in billing").primary == "platform-ops"


def test_fitting_the_catalog_is_fast() -> None:
    catalog = load_personas()
    start = time.perf_counter()
    PersonaClassifier.fit(catalog)
    # The brief asks for < 1 s; the bound is looser because two cores are shared by several test runs.
    assert time.perf_counter() - start < 3.0


def test_held_out_examples_still_route_to_their_persona() -> None:
    # 4-fold cross-validation on the persona examples: the router must generalise, not memorise its examples.
    catalog = load_personas()
    hits = total = 0
    for fold in range(4):
        kept = {
            p.name: p.model_copy(update={"examples": [e for i, e in enumerate(p.examples) if i % 4 != fold]})
            for p in catalog
        }
        router = PersonaClassifier.fit(PersonaCatalog(kept))
        for persona in catalog:
            for example in persona.examples[fold::4]:
                total += 1
                hits += router.route(example).primary == persona.name
    assert total == sum(len(p.examples) for p in catalog)
    assert hits / total >= 0.85


def test_a_custom_persona_is_learnt_from_its_examples() -> None:
    catalog = load_personas()
    storage = Persona(
        name="storage-expert",
        title="Storage",
        description="Ceph, ODF and CSI storage: pools, OSDs, placement groups and volume provisioning.",
        prompt="default.md.j2",
        tools=["metrics_query"],
        examples=[
            "Is Ceph healthy?",
            "Which OSDs are down?",
            "Placement groups stuck degraded",
            "ODF storage cluster capacity",
            "CSI provisioner errors",
            "Ceph pool nearly full",
            "rook-ceph operator status",
            "slow OSD requests",
        ],
        keywords=["ceph", "osd", "odf", "rook"],
    )
    extended = PersonaCatalog({**{p.name: p for p in catalog}, "storage-expert": storage})
    assert PersonaClassifier.fit(extended).route("are the ceph OSDs flapping?").primary == "storage-expert"


def test_an_acronym_keyword_in_capitals_ignores_the_english_word(router: PersonaClassifier) -> None:
    # "RAN" (radio access network) is a telco keyword; "ran" (past of run) must not earn the keyword bonus.
    acronym = router.scores("which jobs RAN overnight")["telco-5g"]
    word = router.scores("which jobs ran overnight")["telco-5g"]
    assert acronym - word >= 0.2
