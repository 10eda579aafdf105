"""When the seeded incidents happen, as offsets in seconds from the fleet's anchor time.

The series builders place their ramps and state changes at `anchor + offset`; the logs, traces, events and
pod states read the same timetable, so every signal tells one story. Tests and demos read the same
constants to know what to expect. Incidents keep their final state after the anchor so that the live
scrape continues the story and the alerts fire on live data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Incidents"]

_MIN = 60.0


@dataclass(frozen=True)
class Incidents:
    """Absolute (Unix seconds) incident times for one anchor."""

    anchor: float

    # hub: payments-api CPU climbs to its limit, CFS throttling rises, one pod starts restarting.
    @property
    def cpu_ramp_start(self) -> float:
        """payments-api CPU usage starts climbing from ~35% of its limit."""
        return self.anchor - 90 * _MIN

    cpu_ramp_s: float = 30 * _MIN

    @property
    def restarts_start(self) -> float:
        """First restart of the crash-looping payments-api pod; one more every `restart_every_s`."""
        return self.anchor - 60 * _MIN

    restart_every_s: float = 12 * _MIN
    restart_down_s: float = 180.0  # how long the OOM-killed container stays in CrashLoopBackOff

    @property
    def saturation_start(self) -> float:
        """payments-api reaches its CPU limit: requests turn slow, `upstream timeout` errors start."""
        return self.cpu_ramp_start + self.cpu_ramp_s

    def restart_index(self, t: float) -> int | None:
        """Index k of the latest restart at or before `t` (restart k is at `restarts_start + k * every`)."""
        if t < self.restarts_start:
            return None
        return math.floor((t - self.restarts_start) / self.restart_every_s)

    def restart_time(self, k: int) -> float:
        """When restart `k` happens (the container is OOM-killed)."""
        return self.restarts_start + k * self.restart_every_s

    def backing_off(self, t: float) -> bool:
        """True while the crash-looping container is down (killed, waiting in CrashLoopBackOff)."""
        k = self.restart_index(t)
        return k is not None and t - self.restart_time(k) < self.restart_down_s

    # gpu-spoke: one A100 heats from ~55 to ~88 degC; its SM clock drops once it is hot.
    @property
    def gpu_heat_start(self) -> float:
        """The hot GPU's temperature starts rising."""
        return self.anchor - 120 * _MIN

    gpu_heat_s: float = 120 * _MIN

    @property
    def gpu_throttle_start(self) -> float:
        """The hot GPU (above ~83 degC) starts lowering its SM clock."""
        return self.anchor - 18 * _MIN

    gpu_throttle_s: float = 10 * _MIN

    @property
    def gpu_hw_thermal(self) -> float:
        """The hot GPU passes ~85 degC: HW thermal slowdown (0x40) joins the SW one (0x20) set at throttle start."""
        return self.anchor - 12 * _MIN

    @property
    def gpu_xid(self) -> float:
        """Another GPU of the hot node reports XID 79 (GPU has fallen off the bus) from then on."""
        return self.anchor - 25 * _MIN

    # telco-edge: cu-up is scaled from 2 to 3 replicas; the new pod finds no free midhaul VF and stays Pending.
    @property
    def sriov_pending(self) -> float:
        """The Pending cu-up pod is created (first FailedScheduling); the scheduler retries every 5 min."""
        return self.anchor - 40 * _MIN

    sriov_retry_s: float = 5 * _MIN

    # telco-edge: the follower's ptp4l offset drifts to >1 us, then its clock goes to HOLDOVER.
    @property
    def ptp_drift_start(self) -> float:
        """The follower's path delay and offset start growing."""
        return self.anchor - 60 * _MIN

    @property
    def ptp_drift_fast(self) -> float:
        """The offset drift accelerates (second, steeper segment)."""
        return self.anchor - 30 * _MIN

    @property
    def ptp_holdover(self) -> float:
        """ptp4l's clock_state goes LOCKED (1) -> HOLDOVER (2)."""
        return self.anchor - 20 * _MIN

    @property
    def ptp_freerun(self) -> float:
        """ptp4l's clock_state goes HOLDOVER (2) -> FREERUN (0) when the holdover times out (clusters that opt in)."""
        return self.anchor - 8 * _MIN

    @property
    def ptp_holdover_timeout_s(self) -> float:
        """How long the follower may stay in HOLDOVER (its `HoldOverTimeout` threshold)."""
        return self.ptp_freerun - self.ptp_holdover
