"""Entity extraction: registered cluster names, windows, namespaces, services and nodes."""

from __future__ import annotations

import pytest

from agents.deterministic.entities import extract_entities, find_clusters, find_window, window_seconds

KNOWN = ["hub", "gpu-spoke", "telco-edge"]


def test_clusters_are_found_among_registered_names_in_order_of_mention() -> None:
    assert find_clusters("compare telco-edge and hub", KNOWN) == ("telco-edge", "hub")


def test_a_word_that_only_contains_a_cluster_name_is_not_that_cluster() -> None:
    assert find_clusters("github and hubble and gpu-spoke-2", KNOWN) == ()


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("errors in the last 2 hours", "2h"),
        ("over the past 30 minutes", "30m"),
        ("last 15m", "15m"),
        ("in the last hour", "1h"),
        ("anything today?", "24h"),
        ("since yesterday", "24h"),
        ("during the last day", "24h"),
        ("last week", "7d"),
        ("last 2 weeks", "14d"),
        ("what is firing now?", None),
    ],
)
def test_time_windows_become_durations(text: str, window: str | None) -> None:
    assert find_window(text) == window


def test_window_seconds_reads_the_durations_find_window_makes() -> None:
    assert [window_seconds(w) for w in ("30m", "2h", "7d")] == [1800, 7200, 604800]


@pytest.mark.parametrize(
    ("question", "service"),
    [
        ("errors in payments-api logs", "payments-api"),
        ("why are payments-api requests slow?", "payments-api"),
        ("slow traces of checkout in the last 2 hours", "checkout"),
        ("show the logs of service storefront-web", "storefront-web"),
        ("p99 latency of storefront-web", "storefront-web"),
        ("what alerts are firing?", None),
    ],
)
def test_service_names_are_extracted(question: str, service: str | None) -> None:
    assert extract_entities(question, KNOWN).service == service


def test_namespace_node_clusters_and_window_come_out_together() -> None:
    e = extract_entities("warning events in namespace payments on node hub-worker-0 of hub in the last 3 hours", KNOWN)
    assert (e.namespace, e.node, e.clusters, e.window) == ("payments", "hub-worker-0", ("hub",), "3h")


def test_a_cluster_name_is_never_taken_for_a_service() -> None:
    assert extract_entities("errors in hub logs", KNOWN).service is None
