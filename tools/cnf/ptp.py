"""Decoders and arithmetic for the OpenShift PTP operator's metrics (linuxptp-daemon, ``openshift_ptp_*``).

Names and encodings, as documented upstream:
- ``openshift_ptp_clock_state{iface,node,process}``: 0 FREERUN, 1 LOCKED, 2 HOLDOVER (linuxptp-daemon
  ``pkg/event`` ``PtpClockState``; ptp-operator docs "PTP fast event metrics"; processes ptp4l, phc2sys, ts2phc,
  gnss, dpll, and the composite T-GM / T-BC).
- ``openshift_ptp_offset_ns{from,iface,node,process}``: offset from the master in nanoseconds.
- ``openshift_ptp_interface_role{iface,node,process}``: 0 PASSIVE, 1 SLAVE, 2 MASTER, 3 FAULTY, 4 UNKNOWN,
  5 LISTENING (linuxptp-daemon ``pkg/daemon/metrics.go`` help text).
- ``openshift_ptp_clock_class{config?,node,process}``: the clock class announced (IEEE 1588 / ITU-T G.8275.1:
  6 locked to PRTC, 7 T-GM holdover in spec, 135 T-BC holdover in spec, 140/150/160 holdover out of spec,
  165 T-BC holdover out of spec, 248 free-run / default, 255 slave-only).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "CLOCK_CLASSES",
    "CLOCK_STATES",
    "PORT_ROLES",
    "OffsetStats",
    "StateChange",
    "clock_class_meaning",
    "decode_role",
    "decode_state",
    "offset_stats",
    "percentile",
    "state_changes",
]

CLOCK_STATES: dict[int, str] = {0: "FREERUN", 1: "LOCKED", 2: "HOLDOVER"}
PORT_ROLES: dict[int, str] = {0: "PASSIVE", 1: "SLAVE", 2: "MASTER", 3: "FAULTY", 4: "UNKNOWN", 5: "LISTENING"}
CLOCK_CLASSES: dict[int, str] = {
    6: "locked to a primary reference (PRTC/GNSS): T-GM locked",
    7: "T-GM in holdover, within holdover specification",
    52: "T-GM degraded (alternative A)",
    135: "T-BC in holdover, within holdover specification",
    140: "T-GM in holdover, out of specification (category 1)",
    150: "T-GM in holdover, out of specification (category 2)",
    160: "T-GM in holdover, out of specification (category 3)",
    165: "T-BC in holdover, out of specification",
    187: "T-GM degraded (alternative B)",
    248: "free-running / default: no traceable time source",
    255: "slave-only clock",
}


def _as_int(value: float) -> int | None:
    return int(value) if math.isfinite(value) and value == int(value) else None


def decode_state(value: float) -> str:
    """FREERUN / LOCKED / HOLDOVER for a clock_state sample, ``UNKNOWN(<v>)`` for anything else."""
    code = _as_int(value)
    return CLOCK_STATES.get(code, f"UNKNOWN({value:g})") if code is not None else f"UNKNOWN({value:g})"


def decode_role(value: float) -> str:
    """The PTP port role of an interface_role sample (SLAVE, MASTER, ...), ``UNKNOWN(<v>)`` when not documented."""
    code = _as_int(value)
    return PORT_ROLES.get(code, f"UNKNOWN({value:g})") if code is not None else f"UNKNOWN({value:g})"


def clock_class_meaning(value: float) -> str:
    """What a clock class says about the time source; ranges per IEEE 1588-2019 table 4 when not a known value."""
    code = _as_int(value)
    if code is None:
        return "not a clock class"
    if code in CLOCK_CLASSES:
        return CLOCK_CLASSES[code]
    if 68 <= code <= 122 or 133 <= code <= 170 or 216 <= code <= 232:
        return "alternate profile clock class"
    return "reserved / not documented"


@dataclass(frozen=True)
class StateChange:
    """One clock-state transition: at ``time`` (unix seconds) the state went ``from_state`` -> ``to_state``."""

    time: float
    from_state: str
    to_state: str


def state_changes(points: Sequence[tuple[float, float]]) -> list[StateChange]:
    """Transitions in a clock_state series of ``(time, value)`` points sorted by time (first sample = new state)."""
    changes: list[StateChange] = []
    previous: str | None = None
    for t, v in points:
        state = decode_state(v)
        if previous is not None and state != previous:
            changes.append(StateChange(t, previous, state))
        previous = state
    return changes


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of already sorted values, linear interpolation between closest ranks."""
    if not sorted_values:
        raise ValueError("percentile of no values")
    pos = (len(sorted_values) - 1) * q
    low = math.floor(pos)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (pos - low)


@dataclass(frozen=True)
class OffsetStats:
    """Statistics of |offset| in ns over the window and the share of samples beyond the threshold."""

    samples: int
    min_abs_ns: float
    max_abs_ns: float
    mean_abs_ns: float
    p95_abs_ns: float
    last_ns: float
    out_of_bounds: int
    out_of_bounds_share: float
    first_out_of_bounds: float | None


def offset_stats(points: Sequence[tuple[float, float]], threshold_ns: float) -> OffsetStats | None:
    """|offset| statistics of ``(time, ns)`` points; a sample is out of bounds when |offset| > ``threshold_ns``."""
    finite = [(t, v) for t, v in points if math.isfinite(v)]
    if not finite:
        return None
    absolute = sorted(abs(v) for _, v in finite)
    beyond = [t for t, v in finite if abs(v) > threshold_ns]
    return OffsetStats(
        samples=len(finite),
        min_abs_ns=absolute[0],
        max_abs_ns=absolute[-1],
        mean_abs_ns=sum(absolute) / len(absolute),
        p95_abs_ns=percentile(absolute, 0.95),
        last_ns=finite[-1][1],
        out_of_bounds=len(beyond),
        out_of_bounds_share=len(beyond) / len(finite),
        first_out_of_bounds=beyond[0] if beyond else None,
    )
