"""Reading Tempo's OTLP JSON: id encodings, wrappers, enum names or numbers, error messages."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tools.tempo.builders import HAND_MADE, S, hex_id, otlp_trace
from tools.tempo import normalise_id, parse_trace


@pytest.mark.parametrize("encoding", ["base64", "hex"])
def test_ids_are_hex_whether_tempo_sent_base64_or_hex(encoding: Any) -> None:
    spans = parse_trace(otlp_trace(HAND_MADE, encoding=encoding))
    by_id = {s.span_id: s for s in spans}
    assert set(by_id) == {hex_id(s.id) for s in HAND_MADE}
    assert by_id[hex_id(5)].parent_id == hex_id(2)
    assert by_id[hex_id(1)].parent_id is None


def test_normalise_id_reads_base64_and_hex() -> None:
    assert normalise_id("AAAAAAAAAAE=") == "0000000000000001"
    assert normalise_id("563D623C76514F8E") == "563d623c76514f8e"
    assert normalise_id("L5n5JcXGd2bP8X6V4ArC5Q==") == "2f99f925c5c67766cff17e95e00ac2e5"
    assert normalise_id(None) == ""


@pytest.mark.parametrize("key", ["batches", "resourceSpans"])
def test_services_times_and_failures_are_read_from_either_top_level_key(key: Any) -> None:
    spans = {s.span_id: s for s in parse_trace(otlp_trace(HAND_MADE, key=key))}
    charge = spans[hex_id(6)]
    assert charge.service == "payments"
    assert charge.name == "Charge"
    assert charge.duration_ns == 25_000_000
    assert charge.error is True
    assert charge.message == "card expired"
    assert charge.kind == "server"
    assert spans[hex_id(4)].error is False


def test_v2_wrapper_legacy_scope_key_and_numeric_enums() -> None:
    payload = {
        "trace": {
            "resourceSpans": [
                {
                    "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "legacy"}}]},
                    "instrumentationLibrarySpans": [
                        {
                            "spans": [
                                {
                                    "spanId": "0000000000000001",
                                    "parentSpanId": "0000000000000000",
                                    "name": "op",
                                    "kind": 3,
                                    "startTimeUnixNano": 100,
                                    "endTimeUnixNano": 300,
                                    "status": {"code": 2},
                                    "events": [
                                        {
                                            "name": "exception",
                                            "attributes": [
                                                {"key": "exception.type", "value": {"stringValue": "IOError"}},
                                                {"key": "exception.message", "value": {"stringValue": "reset"}},
                                            ],
                                        }
                                    ],
                                }
                            ]
                        }
                    ],
                }
            ]
        },
        "status": "complete",
    }
    (span,) = parse_trace(payload)
    assert span.service == "legacy"
    assert span.kind == "client"
    assert span.parent_id is None  # an all-zero parent id means "root"
    assert span.duration_ns == 200
    assert span.error and span.message == "IOError: reset"


def test_a_failed_span_without_message_is_explained_by_its_status_code_attribute() -> None:
    payload = otlp_trace([S(1, None, "a", "op", 0, 1, error="")])
    payload["batches"][0]["scopeSpans"][0]["spans"][0]["attributes"].append(
        {"key": "http.status_code", "value": {"intValue": "503"}}
    )
    (span,) = parse_trace(payload)
    assert span.message == "http.status_code=503"


def test_duplicate_spans_are_kept_once_and_missing_resources_get_a_placeholder_service() -> None:
    payload = otlp_trace(HAND_MADE[:2])
    payload["batches"].append(payload["batches"][0])
    payload["batches"].append({"scopeSpans": [{"spans": [{"spanId": "00000000000000ff", "name": "x"}]}]})
    spans = parse_trace(payload)
    assert [s.span_id for s in spans] == [hex_id(1), hex_id(2), "00000000000000ff"]
    assert spans[-1].service == "unknown_service"


def test_an_empty_or_unknown_payload_has_no_spans() -> None:
    assert parse_trace({}) == []
    assert parse_trace({"batches": None}) == []
