"""The catalogue of questions the deterministic path answers, and keyword scoring to pick one.

Each intent has weighted regular expressions; a question's score for an intent is the sum of the weights that
match. The persona adds a small prior that only breaks ties (it is smaller than any single keyword weight). A
question scoring below :data:`MIN_SCORE` everywhere falls back to the fleet status.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "FALLBACK_INTENT",
    "INTENTS",
    "MIN_SCORE",
    "PERSONA_PRIOR",
    "Intent",
    "IntentMatch",
    "intent_named",
    "match_intent",
]

PERSONA_PRIOR = 0.25
MIN_SCORE = 1.0
FALLBACK_INTENT = "fleet_status"


@dataclass(frozen=True)
class Intent:
    """One kind of question: its name, a title for answers, an example, keyword weights and favouring personas."""

    name: str
    title: str
    example: str
    keywords: tuple[tuple[str, float], ...]
    personas: frozenset[str] = frozenset()

    def score(self, question: str) -> float:
        """Sum of the weights of the keyword patterns found in the (lower-cased) question."""
        return sum(weight for pattern, weight in self.keywords if re.search(pattern, question))


_GPU = r"\bgpus?\b|\bnvidia\b|\bdcgm\b|\ba100s?\b|\bh100s?\b|\bcuda\b"
_PODS = r"\bpods?\b|\bcontainers?\b|\bworkloads?\b"
_GPU_P = frozenset({"gpu-expert"})
_NET_P = frozenset({"network-cnf", "telco-5g"})
_OPS_P = frozenset({"platform-ops", "default"})

INTENTS: tuple[Intent, ...] = (
    Intent(
        "fleet_status",
        "Fleet status",
        "How is the fleet doing?",
        ((r"\bfleet\b", 1.5), (r"\bclusters?\b", 1.0), (r"\b(status|health|overview|doing|state)\b", 0.5)),
        _OPS_P,
    ),
    Intent(
        "gpu_utilisation",
        "GPU utilisation",
        "How busy are the GPUs?",
        ((_GPU, 1.0), (r"\butili[sz]|\busage\b|\bbusy\b|\bload\b|\bhow many\b|\binventory\b|\bpower\b", 1.5)),
        _GPU_P,
    ),
    Intent(
        "gpu_health",
        "GPU health",
        "Which GPUs are running hot?",
        (
            (_GPU, 1.0),
            (r"\bhot\b|\bheat|\btemperature|\bthermal|\bthrottl|\boverheat", 2.0),
            (r"\bxid\b|\becc\b|\bhealth|\bfail|\berrors?\b|\bbroken\b|\bfell off\b", 1.5),
        ),
        _GPU_P,
    ),
    Intent(
        "gpu_idle",
        "GPU allocation and idle GPUs",
        "Which pods hold a GPU but do not use it?",
        ((_GPU, 1.0), (r"\bidle\b|\bwast|\bunused\b|\ballocat|\bnot us|\bwho uses\b|\bwhich pods\b", 2.0)),
        _GPU_P,
    ),
    Intent(
        "gpu_mig",
        "GPU MIG layout",
        "How are the A100s sliced with MIG?",
        ((r"\bmig\b|\bslic|\bpartition|\bmulti-instance", 2.5), (_GPU, 0.5)),
        _GPU_P,
    ),
    Intent(
        "ptp_status",
        "PTP synchronisation",
        "Is PTP ok on telco-edge?",
        ((r"\bptp\b|\bholdover\b|\bfreerun\b|\bclock sync|\btime sync|\bptp4l\b|\bphc2sys\b|\bgnss\b", 3.0),),
        _NET_P,
    ),
    Intent(
        "sriov_status",
        "SR-IOV status",
        "Are SR-IOV VFs left on the DU nodes?",
        ((r"\bsr-?iov\b|\bvfs?\b|\bvirtual functions?\b|\bsriov", 3.0),),
        _NET_P,
    ),
    Intent(
        "dpdk_stats",
        "DPDK data-plane counters",
        "Is the UPF dropping packets?",
        ((r"\bdpdk\b|\bpmd\b|\bovs\b|\bimissed\b", 3.0), (r"\bpackets?\b|\bdrop", 2.5)),
        _NET_P,
    ),
    Intent(
        "cnf_workloads",
        "CNF workloads",
        "Which CNFs run on telco-edge?",
        ((r"\bcnfs?\b|\bvnfs?\b|\bvdu\b|\bvcu\b|\bupf\b|\bamf\b|\bsmf\b|\bnetwork functions?\b|\btelco\b", 2.0),),
        _NET_P,
    ),
    Intent(
        "firing_alerts",
        "Firing alerts",
        "What alerts are firing?",
        ((r"\balerts?\b|\balerting\b|\bfiring\b|\bpaging\b|\bpages\b", 2.5),),
        _OPS_P,
    ),
    Intent(
        "error_logs",
        "Error logs of a service",
        "Errors in payments-api logs?",
        ((r"\blogs?\b|\blogging\b|\blogged\b", 2.0), (r"\berrors?\b|\bexceptions?\b|\bfail|\bpanic\b", 1.0)),
        _OPS_P,
    ),
    Intent(
        "slow_traces",
        "Slow traces of a service",
        "Why are payments-api requests slow?",
        (
            (r"\btraces?\b|\btracing\b|\bspans?\b|\blatency\b|\bslow\b|\bp9[59]\b", 2.0),
            (r"\brequests?\b|\bendpoints?\b", 0.5),
        ),
        _OPS_P,
    ),
    Intent(
        "top_cpu",
        "Top CPU consumers",
        "Top CPU consumers?",
        ((r"\bcpu\b|\bcores?\b|\bprocessor", 2.0), (r"\btop\b|\bmost\b|\bconsum|\bhighest\b|\bhogs?\b|\busage\b", 1.0)),
        _OPS_P,
    ),
    Intent(
        "top_memory",
        "Top memory consumers",
        "Which pods use the most memory?",
        (
            (r"\bmemory\b|\bram\b|\bmem\b|\bworking set\b", 2.0),
            (r"\btop\b|\bmost\b|\bconsum|\bhighest\b|\busage\b", 1.0),
        ),
        _OPS_P,
    ),
    Intent(
        "failing_pods",
        "Crash-looping and failing pods",
        "Which pods are crash-looping?",
        (
            (r"crash|\boomkill|\bimagepull|\bevicted\b|\bpending\b|\brestart|\bnot ready\b|\bunhealthy\b", 2.0),
            (_PODS, 1.0),
            (r"\bfail|\bbroken\b|\bdown\b", 1.0),
        ),
        _OPS_P,
    ),
    Intent(
        "warning_events",
        "Warning events",
        "Any warning events?",
        ((r"\bevents?\b", 2.5), (r"\bwarnings?\b", 0.5)),
        _OPS_P,
    ),
    Intent(
        "anomalies_reports",
        "Recent anomalies and RCA reports",
        "What anomalies were detected recently?",
        ((r"\banomal|\brca\b|\broot cause|\breports?\b|\bincidents?\b|\bpostmortem", 2.5),),
        _OPS_P,
    ),
)

_BY_NAME = {intent.name: intent for intent in INTENTS}


def intent_named(name: str) -> Intent:
    """The catalogue entry called ``name`` (KeyError when there is none)."""
    return _BY_NAME[name]


@dataclass(frozen=True)
class IntentMatch:
    """The chosen intent, its score, and whether it is the fallback because nothing matched."""

    intent: Intent
    score: float
    fallback: bool = False


def match_intent(question: str, *, persona: str = "default", known_clusters: Sequence[str] = ()) -> IntentMatch:
    """Pick the best-scoring intent for ``question``; the persona only breaks ties; fall back to fleet status.

    Cluster names are removed before scoring: "telco-edge" or "gpu-spoke" must not vote for a telco or GPU intent.
    """
    lowered = question.lower()
    for name in sorted(known_clusters, key=len, reverse=True):
        lowered = re.sub(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", " ", lowered)
    best: IntentMatch | None = None
    for intent in INTENTS:
        raw = intent.score(lowered)
        if raw < MIN_SCORE:
            continue
        score = raw + (PERSONA_PRIOR if persona in intent.personas else 0.0)
        if best is None or score > best.score:
            best = IntentMatch(intent, score)
    return best or IntentMatch(_BY_NAME[FALLBACK_INTENT], 0.0, fallback=True)
