"""OpenMetrics history writer: the input of `promtool tsdb create-blocks-from openmetrics`.

Families are written one after the other (never interleaved), each with `# HELP`/`# TYPE`; counter
families are named without `_total` while their samples carry it, as OpenMetrics requires. Samples are
`name{labels} value timestamp_seconds`; the file ends with `# EOF`. Output is byte-identical for equal
inputs. The same value/label formatting is used by the live exporter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from servers.sim.model import StoredFamily

__all__ = ["HistoryStats", "format_labels", "format_value", "history_timestamps", "write_openmetrics"]


@dataclass(frozen=True)
class HistoryStats:
    """What a history file holds."""

    families: int
    series: int
    samples: int
    bytes: int


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def format_labels(labels: Iterable[tuple[str, str]]) -> str:
    """`{a="x",b="y"}` (empty string for no labels), values escaped as both text formats require."""
    body = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
    return "{" + body + "}" if body else ""


def format_value(v: float) -> str:
    """A sample value: integers without a decimal point, other values with 10 significant digits."""
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.10g}"


def history_timestamps(start: int, end: int, step: int) -> list[int]:
    """Sample times of a history: every `step` seconds in [start, end)."""
    return list(range(start, end, step))


def _family_header(fam: StoredFamily) -> tuple[str, str]:
    """(family name, header lines) for a family."""
    if fam.kind == "counter":
        if not fam.name.endswith("_total"):
            raise ValueError(f"counter family {fam.name} must be exposed with a _total suffix")
        family = fam.name.removesuffix("_total")
    else:
        family = fam.name
    help_line = f"# HELP {family} {_escape(fam.help)}\n" if fam.help else ""
    return family, f"{help_line}# TYPE {family} {fam.kind}\n"


def write_openmetrics(families: Iterable[StoredFamily], path: Path, timestamps: Sequence[int]) -> HistoryStats:
    """Write every series of `families` sampled at `timestamps` (Unix seconds) to `path`."""
    stamps = [f" {t}\n" for t in timestamps]
    n_fam = n_series = 0
    size = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for fam in families:
            _, header = _family_header(fam)
            size += out.write(header)
            n_fam += 1
            for labels, signal in fam.series:
                prefix = fam.name + format_labels(labels) + " "
                chunk = "".join(
                    [prefix + format_value(signal(float(t))) + s for t, s in zip(timestamps, stamps, strict=True)]
                )
                size += out.write(chunk)
                n_series += 1
        size += out.write("# EOF\n")
    return HistoryStats(n_fam, n_series, n_series * len(timestamps), size)
