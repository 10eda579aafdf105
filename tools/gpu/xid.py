"""Decode NVIDIA XID error codes (the value of ``DCGM_FI_DEV_XID_ERRORS``: the last XID the driver logged).

Meanings and actions follow NVIDIA's "XID Errors" documentation (docs.nvidia.com/deploy/xid-errors) and its XID
catalogue's resolution buckets. Severity: ``critical`` = the GPU needs a reset, a reboot or service (drain it);
``warning`` = a workload failed or hardware degrades (act when it repeats); ``info`` = a consequence of another
error or of the application.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["XID_CATALOGUE", "Severity", "XidInfo", "decode_xid"]

Severity = Literal["critical", "warning", "info"]


@dataclass(frozen=True)
class XidInfo:
    """What one XID code means, how serious it is and what to do."""

    code: int
    meaning: str
    severity: Severity
    action: str


_DRAIN = "Drain the node's GPU workloads, then reset the GPU (or reboot the node)"

XID_CATALOGUE: dict[int, XidInfo] = {
    x.code: x
    for x in (
        XidInfo(
            13,
            "Graphics engine exception (usually an application fault such as an out-of-range access)",
            "warning",
            "Restart the application; if it repeats across applications, run DCGM diagnostics.",
        ),
        XidInfo(
            31,
            "GPU memory page fault (usually an illegal memory access by the application)",
            "warning",
            "Restart the application and debug its memory accesses; if it repeats, run diagnostics.",
        ),
        XidInfo(
            32,
            "Invalid or corrupted push buffer stream (driver, PCIe or memory corruption)",
            "warning",
            "Check PCIe link health and the driver; run DCGM diagnostics if it repeats.",
        ),
        XidInfo(
            43,
            "GPU stopped processing (the application's channel was reset after a fault)",
            "info",
            "Restart the application; no GPU action needed unless other XIDs accompany it.",
        ),
        XidInfo(
            45,
            "Preemptive cleanup after previous errors (or the application was killed)",
            "info",
            "Look for the XID that preceded it; no action on its own.",
        ),
        XidInfo(
            48,
            "Double-bit ECC error (uncorrectable memory error, DBE)",
            "critical",
            f"{_DRAIN}; if DBEs repeat, open an RMA.",
        ),
        XidInfo(
            61,
            "Internal micro-controller breakpoint/warning",
            "warning",
            "Reset the GPU when convenient; report to NVIDIA if it repeats.",
        ),
        XidInfo(62, "Internal micro-controller halt", "critical", f"{_DRAIN}; report to NVIDIA if it repeats."),
        XidInfo(
            63,
            "ECC page retirement or row-remapping recording event (a row was marked for remapping)",
            "warning",
            "Reset the GPU when convenient to activate the remapping.",
        ),
        XidInfo(
            64,
            "ECC page retirement or row-remapper recording failure",
            "critical",
            f"{_DRAIN}; if it persists the GPU needs service (RMA).",
        ),
        XidInfo(
            68, "Video processor (NVDEC) exception", "warning", "Restart the application; if it repeats, reset the GPU."
        ),
        XidInfo(
            69,
            "Graphics engine class error",
            "warning",
            "Restart the application; if it repeats, reset the GPU and run diagnostics.",
        ),
        XidInfo(74, "NVLink error", "critical", f"{_DRAIN}; check NVLink/NVSwitch health and run DCGM diagnostics."),
        XidInfo(
            79,
            "GPU has fallen off the bus (no longer reachable over PCIe)",
            "critical",
            "Drain the node and reboot it; check PCIe seating, power and cooling; RMA if it repeats.",
        ),
        XidInfo(
            92,
            "High single-bit ECC error rate",
            "warning",
            "Watch ECC counters and run DCGM diagnostics; plan service if the rate stays high.",
        ),
        XidInfo(
            94,
            "Contained ECC error (only the affected application was stopped)",
            "warning",
            "Restart the affected application; reset the GPU when convenient.",
        ),
        XidInfo(95, "Uncontained ECC error (every application on the GPU is affected)", "critical", f"{_DRAIN}."),
        XidInfo(
            119,
            "GSP RPC timeout (the GPU System Processor did not answer)",
            "critical",
            f"{_DRAIN}; collect nvidia-bug-report and report if it repeats.",
        ),
        XidInfo(120, "GSP error", "critical", f"{_DRAIN}; collect nvidia-bug-report and report if it repeats."),
    )
}


def decode_xid(code: int) -> XidInfo:
    """The catalogue entry of ``code``, or a generic entry saying the code is not in the catalogue."""
    known = XID_CATALOGUE.get(code)
    if known is not None:
        return known
    return XidInfo(
        code,
        f"XID {code} (not in this catalogue)",
        "warning",
        "Look the code up in NVIDIA's XID catalogue (docs.nvidia.com/deploy/xid-errors).",
    )
