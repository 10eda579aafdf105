"""Log template mining with drain3, fast enough for the tens of thousands of lines of one tool call.

drain3's :class:`~drain3.TemplateMiner` does the clustering (the Drain fixed-depth prefix tree). Fed one line at a
time with its own masking it mined ~120k lines/s on the benchmark's mixed lines (2-core machine); profiling showed
more than half of that in the masking regexes and the rest in the tree search and template update that drain3 repeats
for lines differing only in ids and numbers. :class:`PatternMiner` keeps drain3 but feeds it less:

* masking uses drain3's own masking configuration (:data:`MASKS` as ``MaskingInstruction`` objects: timestamps,
  UUIDs, IPs, hex ids, numbers), applied here once per line as bound ``re.sub`` calls with fixed replacements;
* identical masked lines are counted in a dict, so drain3 sees each **distinct** masked line once (its cluster id
  is remembered and the counts are summed per cluster afterwards);
* drain3's profiler and persistence are off; the miner lives in memory for one call.

A line then costs five regex substitutions and one dict lookup (~200k lines/s, see ``benchmarks/logs_patterns.py``);
drain3's cost scales with the number of distinct masked lines, which for real logs is small. Counts stay exact
because a drain3 cluster never splits: a line assigned to a cluster stays there while its template generalises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from drain3 import TemplateMiner  # type: ignore[import-untyped]
from drain3.masking import MaskingInstruction  # type: ignore[import-untyped]
from drain3.template_miner_config import TemplateMinerConfig  # type: ignore[import-untyped]

__all__ = ["MASKS", "MAX_MINED_LINE_CHARS", "PatternMiner", "TemplateCount", "mask_line", "mine", "miner_config"]

# Order matters: a timestamp or an IP must be masked before its digits are taken for numbers. Patterns start with a
# character class rather than ``\b`` where possible: the regex engine then skips ahead to candidate characters.
MASKS: tuple[tuple[str, str], ...] = (
    ("TS", r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?"),
    ("UUID", r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"),
    ("IP", r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d{1,5})?\b"),
    # hex ids of 8+ characters with at least one letter (pure digit runs are numbers), and 0x literals
    ("HEX", r"\b(?=[0-9a-fA-F]{8,}\b)[0-9]*[a-fA-F][0-9a-fA-F]*\b|\b0x[0-9a-fA-F]+\b"),
    ("NUM", r"\d+(?:\.\d+)?"),
)
# Very long lines (stack traces folded into one entry, JSON blobs) are mined on their first part only.
MAX_MINED_LINE_CHARS = 2_000
_PREFIX, _SUFFIX = "<", ">"


def miner_config(sim_threshold: float = 0.4, depth: int = 4, max_children: int = 100) -> TemplateMinerConfig:
    """drain3's configuration as used here: in memory, no profiling, :data:`MASKS` as its masking instructions."""
    config = TemplateMinerConfig()
    config.profiling_enabled = False
    config.drain_sim_th = sim_threshold
    config.drain_depth = depth
    config.drain_max_children = max_children
    config.mask_prefix = _PREFIX
    config.mask_suffix = _SUFFIX
    config.masking_instructions = [MaskingInstruction(pattern, name) for name, pattern in MASKS]
    return config


def _substitutions(config: TemplateMinerConfig) -> tuple[tuple[Callable[[str, str], str], str], ...]:
    # (bound regex.sub, "<NAME>") pairs: the same effect as drain3's LogMasker.mask without its per-call overhead.
    return tuple(
        (mi.regex.sub, config.mask_prefix + mi.mask_with + config.mask_suffix) for mi in config.masking_instructions
    )


_DEFAULT_SUBS = _substitutions(miner_config())


def mask_line(line: str) -> str:
    """``line`` with timestamps, UUIDs, IPs, hex ids and numbers replaced by ``<TS>``, ``<UUID>``, ... ."""
    for sub, mask in _DEFAULT_SUBS:
        line = sub(mask, line)
    return line


@dataclass
class TemplateCount:
    """One mined template: how often it occurred in the window and the baseline, when, and one raw example.

    ``first_ns``/``last_ns`` are the first and last window occurrences (``None`` when the template occurred in the
    baseline only).
    """

    template: str
    count: int
    baseline_count: int
    first_ns: int | None
    last_ns: int | None
    example: str


@dataclass(slots=True)
class _Slot:
    """Running counts of one distinct masked line (then of one template, when merged)."""

    count: int
    baseline: int
    first: int | None
    last: int | None
    example: str

    def merge(self, other: _Slot) -> None:
        if self.count == 0 and other.count > 0:  # prefer an example from the window over a baseline one
            self.example = other.example
        self.count += other.count
        self.baseline += other.baseline
        if other.first is not None:
            self.first = other.first if self.first is None else min(self.first, other.first)
        if other.last is not None:
            self.last = other.last if self.last is None else max(self.last, other.last)


class PatternMiner:
    """Mine templates from log lines of one group (a stream, or a cluster's namespace) with drain3.

    Call :meth:`add` with the window's lines and, optionally, with a baseline window's lines
    (``baseline=True``); then :meth:`templates` returns every template with its counts, most frequent first.
    """

    def __init__(self, *, sim_threshold: float = 0.4, depth: int = 4, max_children: int = 100) -> None:
        self._config = miner_config(sim_threshold, depth, max_children)
        self._subs = _substitutions(self._config)
        self._slots: dict[str, _Slot] = {}
        self.lines = 0

    def add(self, lines: Sequence[str], timestamps: Sequence[int], *, baseline: bool = False) -> None:
        """Count ``lines`` (with their unix-nanosecond ``timestamps``) into the window, or into the baseline."""
        slots = self._slots
        subs = self._subs
        limit = MAX_MINED_LINE_CHARS
        for line, ts in zip(lines, timestamps, strict=True):
            masked = line if len(line) <= limit else line[:limit]
            for sub, mask in subs:
                masked = sub(mask, masked)
            slot = slots.get(masked)
            if slot is None:
                slots[masked] = _Slot(0, 1, None, None, line) if baseline else _Slot(1, 0, ts, ts, line)
            elif baseline:
                slot.baseline += 1
            elif slot.first is None or slot.last is None:  # baseline-only so far: its first window line
                slot.count, slot.first, slot.last, slot.example = 1, ts, ts, line
            else:
                slot.count += 1
                if ts < slot.first:
                    slot.first = ts
                elif ts > slot.last:
                    slot.last = ts
        self.lines += len(lines)

    @property
    def distinct_masked(self) -> int:
        """How many distinct masked lines drain3 has to cluster."""
        return len(self._slots)

    def templates(self) -> list[TemplateCount]:
        """Cluster the distinct masked lines with drain3 and sum their counts per template, most frequent first."""
        miner = TemplateMiner(config=self._config)
        drain = miner.drain
        by_cluster: dict[int, _Slot] = {}
        for masked, slot in self._slots.items():
            # Already masked: hand the line to Drain itself (TemplateMiner.add_log_message would mask it again).
            cluster, _ = drain.add_log_message(masked)
            merged = by_cluster.get(cluster.cluster_id)
            if merged is None:
                by_cluster[cluster.cluster_id] = _Slot(slot.count, slot.baseline, slot.first, slot.last, slot.example)
            else:
                merged.merge(slot)
        result = [
            TemplateCount(
                template=str(drain.id_to_cluster[cid].get_template()),
                count=s.count,
                baseline_count=s.baseline,
                first_ns=s.first,
                last_ns=s.last,
                example=s.example,
            )
            for cid, s in by_cluster.items()
        ]
        result.sort(key=lambda t: (-t.count, -t.baseline_count, t.template))
        return result


def mine(lines: Iterable[tuple[int, str]]) -> list[TemplateCount]:
    """Templates of ``(unix ns, line)`` pairs with default settings (a convenience for scripts and tests)."""
    pairs = list(lines)
    miner = PatternMiner()
    miner.add([line for _, line in pairs], [ts for ts, _ in pairs])
    return miner.templates()
