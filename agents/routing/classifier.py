"""A light, deterministic persona router: TF-IDF similarity to each persona's examples, no LLM and no download.

The supervisor can skip a model call when the question plainly belongs to one domain. Each persona is learnt from
its routing ``examples``, its ``description`` and its ``keywords``. A question is scored per persona by blending
its best cosine similarity to one example with its similarity to the persona's centroid, plus a bonus for each
strong keyword it contains. Word n-grams carry the vocabulary; character n-grams absorb typos and inflections.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix, vstack  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.pipeline import FeatureUnion  # type: ignore[import-untyped]
from sklearn.preprocessing import normalize  # type: ignore[import-untyped]

from agents.routing.decision import RouteDecision
from personas import DEFAULT_PERSONA, Persona, PersonaCatalog

__all__ = ["PersonaClassifier", "RouterSettings"]

# Tokens keep inner hyphens and dots so "sr-iov", "ovs-dpdk", "nvidia.com/gpu" parts and "3g.20gb" survive.
_TOKEN_PATTERN = r"(?u)\b\w[\w\-.]*\w\b|\b\w\b"
# A word, possibly hyphenated: candidates for cluster names. Hyphenated ones whose last part names a place
# ("gpu-spoke", "telco-edge", "prod-east-cluster2") are taken for cluster names even when not configured.
_NAME = re.compile(r"\b[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\b")
# Function words say nothing about the domain; left in, they make any sentence resemble some example.
_STOP_WORDS = [
    *("a", "an", "the", "in", "on", "of", "for", "to", "at", "by", "from", "with", "and", "or"),
    *("is", "are", "was", "were", "be", "been", "do", "does", "did", "it", "its", "this", "that", "these", "those"),
    *("there", "any", "some", "my", "our", "me", "we", "i", "you", "your", "can", "could", "would", "should"),
    *("will", "please", "what", "which", "who", "how", "why", "when", "where", "show", "list", "give", "tell", "get"),
]
_PLACE_SUFFIXES = frozenset(
    {"spoke", "hub", "edge", "cluster", "site", "prod", "production", "staging", "stage", "dev", "test", "lab", "dc"}
)


@dataclass(frozen=True)
class RouterSettings:
    """Thresholds of the router.

    The defaults were chosen by running ``python -m evals.routing`` on the routing set and on separate held-out
    questions; the persona examples were never copied from either.
    """

    floor: float = 0.15
    """Below this top score nothing matched well enough: route to ``default``."""
    second_ratio: float = 0.45
    """A second persona joins when the question contains one of its keywords, its score is at least this
    fraction of the top score..."""
    second_floor: float = 0.22
    """...and at least this absolute score."""
    example_weight: float = 0.6
    """Weight of the best single-example similarity; the centroid similarity gets the rest."""
    keyword_bonus: float = 0.25
    """Added per distinct keyword of the persona found in the question..."""
    keyword_cap: float = 0.5
    """...up to this total."""
    cluster_names: frozenset[str] = frozenset()
    """Cluster names (lowercase) to ignore in questions, on top of names ending in -spoke, -edge, -hub, ..."""


@dataclass(frozen=True)
class _Doc:
    persona: str
    text: str
    is_example: bool


class PersonaClassifier:
    """Routes a question to the best one or two personas of a catalog. Build it with :meth:`fit`."""

    def __init__(
        self,
        *,
        vectorizer: FeatureUnion,
        docs: list[_Doc],
        keywords: dict[str, list[tuple[str, re.Pattern[str]]]],
        settings: RouterSettings,
    ) -> None:
        """Use :meth:`fit`; this constructor takes an already fitted vectorizer and its documents."""
        self._vectorizer = vectorizer
        self._docs = docs
        self._keywords = keywords
        self._settings = settings
        self._names = list(keywords)
        self._matrix = normalize(vectorizer.transform([d.text for d in docs]))
        self._example_rows = {
            name: [i for i, d in enumerate(docs) if d.persona == name and d.is_example] for name in self._names
        }
        centroids = []
        for name in self._names:
            rows = [i for i, d in enumerate(docs) if d.persona == name]
            centroids.append(csr_matrix(self._matrix[rows].mean(axis=0)))
        self._centroids = normalize(vstack(centroids))
        self._word: TfidfVectorizer = vectorizer.transformer_list[0][1]
        self._word_features: NDArray[np.str_] = np.asarray(self._word.get_feature_names_out())
        word_matrix = self._word.transform([d.text for d in docs])
        self._word_centroids = [
            csr_matrix(word_matrix[[i for i, d in enumerate(docs) if d.persona == name]].mean(axis=0))
            for name in self._names
        ]
        self._all_keywords = frozenset(k.lower() for pairs in keywords.values() for k, _ in pairs)
        # A keyword that also shows up in other personas' examples ("memory": pods and GPUs) is weaker evidence
        # than one only its own persona uses ("dcgm"): weigh it by 1 / the number of personas whose examples use it.
        examples = {name: [d.text for d in docs if d.persona == name and d.is_example] for name in self._names}
        self._keyword_weight = {
            (name, keyword): 1.0 / max(1, sum(any(pattern.search(t) for t in texts) for texts in examples.values()))
            for name, pairs in keywords.items()
            for keyword, pattern in pairs
        }

    @classmethod
    def fit(
        cls, catalog: PersonaCatalog | Iterable[Persona], settings: RouterSettings | None = None
    ) -> PersonaClassifier:
        """Learn every persona of ``catalog`` from its examples, description and keywords (well under a second)."""
        personas = list(catalog)
        docs: list[_Doc] = []
        for persona in personas:
            docs.extend(_Doc(persona.name, example, True) for example in persona.examples)
            docs.append(_Doc(persona.name, persona.description, False))
            if persona.keywords:
                docs.append(_Doc(persona.name, " ".join(persona.keywords), False))
        vectorizer = FeatureUnion(
            [
                (
                    "word",
                    TfidfVectorizer(
                        ngram_range=(1, 2),
                        sublinear_tf=True,
                        token_pattern=_TOKEN_PATTERN,
                        strip_accents="unicode",
                        stop_words=_STOP_WORDS,
                    ),
                ),
                ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1)),
            ]
        )
        vectorizer.fit([d.text for d in docs])
        keywords = {p.name: [(k, _keyword_pattern(k)) for k in p.keywords] for p in personas}
        return cls(vectorizer=vectorizer, docs=docs, keywords=keywords, settings=settings or RouterSettings())

    def scores(self, question: str) -> dict[str, float]:
        """The score of every persona for ``question`` (0 = nothing in common), in catalog order."""
        return self._score(self._clean(question))[0]

    def route(self, question: str, *, max_personas: int = 2) -> RouteDecision:
        """Choose the persona(s) for ``question``: the best one, plus a second when it clearly spans two domains.

        Falls back to ``default`` when no persona scores above the floor. Raises ``ValueError`` for an empty question.
        """
        if not question or not question.strip():
            raise ValueError("cannot route an empty question: ask something about the fleet")
        if max_personas < 1:
            raise ValueError(f"max_personas must be at least 1, got {max_personas}")
        text = self._clean(question)
        scores, doc_sims = self._score(text)
        ranked = sorted(scores, key=lambda name: (-scores[name], self._names.index(name)))
        top = ranked[0]
        s = self._settings
        if scores[top] < s.floor:
            reason = f"no persona scored above the floor {s.floor:.2f} (best: {top} {scores[top]:.2f}); using default"
            return RouteDecision((DEFAULT_PERSONA,), scores, "classifier", reason)
        chosen = [top]
        if top != DEFAULT_PERSONA:
            hits = self._keyword_hits(text)
            for name in ranked[1:max_personas]:
                # A second domain must be named (one of its keywords) and score close enough to the first;
                # similarity alone drifts towards whichever persona shares generic words like "node" or "pod".
                close = scores[name] >= s.second_floor and scores[name] >= s.second_ratio * scores[top]
                if name == DEFAULT_PERSONA or not hits[name] or not close:
                    break
                chosen.append(name)
        reason = "; ".join(self._explain(name, text, doc_sims) for name in chosen)
        return RouteDecision(tuple(chosen), scores, "classifier", reason)

    def _clean(self, question: str) -> str:
        return _strip_places(question, self._settings.cluster_names, self._all_keywords)

    def _score(self, text: str) -> tuple[dict[str, float], NDArray[np.float64]]:
        vector = normalize(self._vectorizer.transform([text]))
        doc_sims: NDArray[np.float64] = np.asarray((self._matrix @ vector.T).todense()).ravel()
        centroid_sims = np.asarray((self._centroids @ vector.T).todense()).ravel()
        s = self._settings
        hits = self._keyword_hits(text)
        result = {}
        for index, name in enumerate(self._names):
            rows = self._example_rows[name]
            best_example = float(doc_sims[rows].max()) if rows else 0.0
            score = s.example_weight * best_example + (1 - s.example_weight) * float(centroid_sims[index])
            weight = sum(self._keyword_weight[name, keyword] for keyword in hits[name])
            score += min(s.keyword_cap, s.keyword_bonus * weight)
            result[name] = score
        return result, doc_sims

    def _matched_keywords(self, name: str, text: str) -> list[str]:
        return self._keyword_hits(text)[name]

    def _keyword_hits(self, text: str) -> dict[str, list[str]]:
        # Longest match wins: "video memory" (GPU) hides the "memory" (platform) inside it.
        found = [
            (name, keyword, m.span())
            for name, pairs in self._keywords.items()
            for keyword, pattern in pairs
            for m in pattern.finditer(text)
        ]
        hits: dict[str, list[str]] = {name: [] for name in self._names}
        spans: set[tuple[str, tuple[int, int]]] = set()
        for name, keyword, span in found:
            start, end = span
            inside = any(s <= start and end <= e and (s, e) != span for _, _, (s, e) in found)
            # Spellings of one term ("sr-iov"/"sriov", "vf"/"vfs") match the same span: count it once.
            if not inside and (name, span) not in spans and keyword not in hits[name]:
                spans.add((name, span))
                hits[name].append(keyword)
        return hits

    def _explain(self, name: str, text: str, doc_sims: NDArray[np.float64]) -> str:
        parts = [f"{name}:"]
        keywords = self._matched_keywords(name, text)
        if keywords:
            parts.append("keywords " + ", ".join(repr(k) for k in keywords[:5]) + ";")
        terms = self._top_terms(name, text)
        if terms:
            parts.append("terms " + ", ".join(repr(t) for t in terms) + ";")
        rows = self._example_rows[name]
        if rows:
            best = rows[int(np.argmax(doc_sims[rows]))]
            parts.append(f"closest example {self._docs[best].text!r}")
        return " ".join(parts)

    def _top_terms(self, name: str, text: str, limit: int = 4) -> list[str]:
        # The word features shared by the question and the persona's documents, by their weight in both.
        weights = self._word.transform([text]).multiply(self._word_centroids[self._names.index(name)]).tocsr()
        order = np.argsort(-weights.data)[:limit]
        return [str(self._word_features[weights.indices[i]]) for i in order]


def _strip_places(question: str, cluster_names: frozenset[str], keywords: frozenset[str]) -> str:
    """``question`` without cluster names: "gpu-spoke" or "telco-edge" say where to look, not what the domain is."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0).lower()
        if token in cluster_names:
            return " "
        if "-" not in token or token in keywords:
            return match.group(0)
        suffix = token.rsplit("-", 1)[-1].rstrip("0123456789")
        return " " if suffix in _PLACE_SUFFIXES else match.group(0)

    return " ".join(_NAME.sub(replace, question).split())


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    # Whole words only, so the keyword "du" does not fire inside "during"; a hyphen is a boundary ("CU-DU") and,
    # inside a keyword, spaces and hyphens are interchangeable ("sr-iov", "sriov", "SR IOV").
    parts = [re.escape(part) for part in re.split(r"[\s\-]+", keyword.strip()) if part]
    # A plural ("NADs", "VFs", "GPUs") counts as the keyword. A keyword written with capitals is an acronym that
    # collides with an English word in lowercase ("RAN" vs "ran"): it matches case-sensitively.
    flags = 0 if any(c.isupper() for c in keyword) else re.IGNORECASE
    return re.compile(r"(?<!\w)" + r"[\s\-]?".join(parts) + r"(?:e?s)?(?!\w)", flags)
