"""Decode DCGM's clock throttle / clock event reason bit mask (``DCGM_FI_DEV_CLOCK_THROTTLE_REASONS``).

Bit values are NVML's ``nvmlClocksThrottleReasons`` (renamed ``nvmlClocksEventReasons``), which DCGM exports as is.
Idle, application-clock, sync-boost and display-clock reasons are normal operation; the power, slowdown and thermal
ones mean the GPU runs slower than it could.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["PROBLEM_MASK", "THROTTLE_REASONS", "ThrottleReason", "decode_throttle", "is_throttled"]

ReasonKind = Literal["benign", "power", "thermal", "hardware"]


@dataclass(frozen=True)
class ThrottleReason:
    """One bit of the mask: its value, NVML name, meaning and whether it costs performance."""

    bit: int
    name: str
    meaning: str
    kind: ReasonKind

    @property
    def is_problem(self) -> bool:
        """True when the reason slows the GPU below its configured clocks."""
        return self.kind != "benign"


THROTTLE_REASONS: tuple[ThrottleReason, ...] = (
    ThrottleReason(0x1, "GPU_IDLE", "nothing is running, clocks drop to idle", "benign"),
    ThrottleReason(0x2, "APPLICATIONS_CLOCKS_SETTING", "clocks limited by the applications clocks setting", "benign"),
    ThrottleReason(0x4, "SW_POWER_CAP", "software power cap: the power limit is reached", "power"),
    ThrottleReason(0x8, "HW_SLOWDOWN", "hardware slowdown (thermal or power brake, factor 2 or more)", "hardware"),
    ThrottleReason(0x10, "SYNC_BOOST", "clocks synchronised with other GPUs of a sync-boost group", "benign"),
    ThrottleReason(0x20, "SW_THERMAL_SLOWDOWN", "software thermal slowdown: temperature above its target", "thermal"),
    ThrottleReason(0x40, "HW_THERMAL_SLOWDOWN", "hardware thermal slowdown: the GPU is too hot", "thermal"),
    ThrottleReason(0x80, "HW_POWER_BRAKE_SLOWDOWN", "hardware power brake: external power brake asserted", "power"),
    ThrottleReason(0x100, "DISPLAY_CLOCK_SETTING", "clocks limited by the display clock setting", "benign"),
)

PROBLEM_MASK = sum(r.bit for r in THROTTLE_REASONS if r.is_problem)


def decode_throttle(mask: int) -> list[ThrottleReason]:
    """The reasons whose bits are set in ``mask`` (unknown bits are ignored), lowest bit first."""
    return [r for r in THROTTLE_REASONS if mask & r.bit]


def is_throttled(mask: int) -> bool:
    """True when a power, slowdown or thermal reason is set."""
    return bool(mask & PROBLEM_MASK)
