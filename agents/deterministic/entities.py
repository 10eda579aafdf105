"""Pull the things a question names out of its text: clusters, namespace, service, node and time window.

Plain regular expressions: the deterministic path must work with no model at all. Cluster names are only
recognised among the registered ones, so an ordinary word is never mistaken for a cluster.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Entities", "extract_entities", "find_clusters", "find_window", "window_seconds"]

_NAME = r"([a-z0-9][a-z0-9._-]*[a-z0-9]|[a-z0-9])"

# Words that follow "in"/"of" or precede "logs" without naming anything.
_STOPWORD_TEXT = """
    a an the my our all any this that these those its their which what error errors warning warnings
    fatal slow slowest recent latest last past log logs trace traces service services app apps pod pods
    request requests cluster clusters namespace namespaces node nodes today yesterday now everything
    anything there here it them us me failing failed crash crashing top high most some
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_UNITS = {
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "d": "d", "day": "d", "days": "d",
    "w": "w", "week": "w", "weeks": "w",
}  # fmt: skip
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}

_WINDOW_N = re.compile(r"\b(?:last|past|previous|over|in|within|for)\s+(?:the\s+)?(\d+)\s*([a-z]+)\b")
_WINDOW_ONE = re.compile(r"\b(?:last|past|previous|this)\s+(second|minute|hour|day|week)\b")
_TODAY = re.compile(r"\b(?:today|since yesterday|since midnight)\b")

_NAMESPACE = [
    re.compile(rf"\b(?:namespace|ns)\s+{_NAME}"),
    re.compile(rf"\b{_NAME}\s+namespace\b"),
    re.compile(rf"(?:^|\s)-n\s+{_NAME}"),
]
_SERVICE = [
    re.compile(rf"\b(?:service|app|application|deployment|svc|workload)\s+{_NAME}"),
    re.compile(rf"\b{_NAME}\s+(?:service|app|application|deployment|logs?|traces?|requests?|latency)\b"),
    re.compile(rf"\b(?:traces?|requests?|latency|logs?|errors?)\s+(?:of|for|in|from)\s+(?:the\s+)?{_NAME}"),
]
_PERCENTILE = re.compile(r"p\d{2,3}|\d+")  # "p99 latency" names a percentile, not a service
_NODE = [re.compile(rf"\bnode\s+{_NAME}"), re.compile(rf"\b{_NAME}\s+node\b")]


@dataclass(frozen=True)
class Entities:
    """What a question names; ``None`` or empty when it names nothing of that kind."""

    clusters: tuple[str, ...] = ()
    namespace: str | None = None
    service: str | None = None
    node: str | None = None
    window: str | None = None


def find_clusters(text: str, known_clusters: Sequence[str]) -> tuple[str, ...]:
    """Registered cluster names the text mentions as whole words, in the order they appear."""
    lowered = text.lower()
    hits: list[tuple[int, str]] = []
    for name in known_clusters:
        match = re.search(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", lowered)
        if match:
            hits.append((match.start(), name))
    return tuple(name for _, name in sorted(hits))


def find_window(text: str) -> str | None:
    """A look-back window such as '2h', '30m', '24h' ("today"), '7d' ("last week"), or ``None``."""
    lowered = text.lower()
    match = _WINDOW_N.search(lowered)
    if match and match.group(2) in _UNITS:
        unit = _UNITS[match.group(2)]
        count = int(match.group(1))
        return f"{count * 7}d" if unit == "w" else f"{count}{unit}"
    match = _WINDOW_ONE.search(lowered)
    if match:
        unit = _UNITS[match.group(1)]
        return "7d" if unit == "w" else ("24h" if unit == "d" else f"1{unit}")
    if _TODAY.search(lowered):
        return "24h"
    return None


def window_seconds(window: str) -> int:
    """Length of a window made by :func:`find_window` in seconds ('2h' → 7200)."""
    return int(window[:-1]) * _SECONDS[window[-1]]


def _first(patterns: Sequence[re.Pattern[str]], text: str, exclude: set[str]) -> str | None:
    for pattern in patterns:
        for match in pattern.finditer(text):
            value = match.group(1).strip(".-")
            if value and value not in _STOPWORDS and value not in exclude and not _PERCENTILE.fullmatch(value):
                return value
    return None


def extract_entities(question: str, known_clusters: Sequence[str]) -> Entities:
    """Everything :class:`Entities` holds, read from one question."""
    text = question.lower().replace("?", " ").replace(",", " ")
    clusters = find_clusters(question, known_clusters)
    exclude = {c.lower() for c in known_clusters}
    namespace = _first(_NAMESPACE, text, exclude)
    node = _first(_NODE, text, exclude)
    service = _first(_SERVICE, text, exclude | ({namespace} if namespace else set()) | ({node} if node else set()))
    return Entities(clusters=clusters, namespace=namespace, service=service, node=node, window=find_window(text))
