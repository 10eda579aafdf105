"""The OpenMetrics history writer, checked against the format and against promtool itself."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from servers.sim.model import StoredFamily
from servers.sim.openmetrics import format_labels, format_value, history_timestamps, write_openmetrics
from servers.sim.prometheus import backfill, find_binaries
from servers.sim.signals import Const, Counter, Profile
from tests.sim.conftest import ANCHOR, models_for


def small_families() -> list[StoredFamily]:
    code_200 = (("code", "200"),)
    odd_room = (("room", 'a "b"\\c'),)
    return [
        StoredFamily("requests_total", "counter", "Requests served.", ((code_200, Counter(Profile(2.0), 0.0)),)),
        StoredFamily("temperature_celsius", "gauge", "", ((odd_room, Const(21.5)),)),
    ]


def test_format_value_writes_integers_without_a_decimal_point() -> None:
    assert [format_value(v) for v in (3.0, -2.0, 0.25, 1234567.891234, 1e20)] == [
        "3",
        "-2",
        "0.25",
        "1234567.891",
        "1e+20",
    ]


def test_format_labels_escapes_quotes_backslashes_and_newlines() -> None:
    assert format_labels([("a", 'x"y'), ("b", "p\\q"), ("c", "l1\nl2")]) == '{a="x\\"y",b="p\\\\q",c="l1\\nl2"}'
    assert format_labels([]) == ""


def test_history_file_layout_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "h.om"
    stats = write_openmetrics(small_families(), path, [10, 20])
    assert path.read_text() == (
        "# HELP requests Requests served.\n"
        "# TYPE requests counter\n"
        'requests_total{code="200"} 20 10\n'
        'requests_total{code="200"} 40 20\n'
        "# TYPE temperature_celsius gauge\n"
        'temperature_celsius{room="a \\"b\\"\\\\c"} 21.5 10\n'
        'temperature_celsius{room="a \\"b\\"\\\\c"} 21.5 20\n'
        "# EOF\n"
    )
    assert (stats.families, stats.series, stats.samples) == (2, 2, 4)


def test_a_counter_family_without_total_suffix_is_rejected(tmp_path: Path) -> None:
    bad = StoredFamily("requests", "counter", "", (((), Const(1.0)),))
    with pytest.raises(ValueError, match="_total"):
        write_openmetrics([bad], tmp_path / "bad.om", [1])


def test_history_timestamps_are_half_open() -> None:
    assert history_timestamps(100, 160, 15) == [100, 115, 130, 145]


@pytest.mark.integration
def test_promtool_accepts_a_cluster_history_and_stores_every_series(tmp_path: Path) -> None:
    model = models_for()["gpu-spoke"]
    path = tmp_path / "gpu.om"
    stats = write_openmetrics(model.stored_families(), path, history_timestamps(int(ANCHOR) - 3600, int(ANCHOR), 15))
    backfill(path, tmp_path / "data")
    _, promtool = find_binaries()
    listing = subprocess.run(
        [str(promtool), "tsdb", "list", str(tmp_path / "data")], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in listing.splitlines()[1:] if line.strip()]
    assert sum(int(r[-4]) for r in rows) == stats.samples  # NUM SAMPLES column
    assert {int(r[-2]) for r in rows} == {stats.series}  # NUM SERIES in every block


@pytest.mark.integration
def test_backfill_reports_promtools_error_for_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.om"
    path.write_text('# TYPE x gauge\nx{a="1"} not-a-number 10\n# EOF\n')
    with pytest.raises(RuntimeError, match="promtool could not backfill") as err:
        backfill(path, tmp_path / "data")
    assert "not-a-number" in str(err.value) or "invalid" in str(err.value).lower()
