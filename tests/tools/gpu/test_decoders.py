"""The XID and throttle-reason decoders against NVIDIA's documented values."""

from __future__ import annotations

import pytest

from tools.gpu import THROTTLE_REASONS, XID_CATALOGUE, decode_throttle, decode_xid, is_throttled
from tools.gpu.throttle import PROBLEM_MASK

# nvmlClocksThrottleReasons / nvmlClocksEventReasons bit values (NVML API reference).
DOCUMENTED_BITS = {
    "GPU_IDLE": 0x1,
    "APPLICATIONS_CLOCKS_SETTING": 0x2,
    "SW_POWER_CAP": 0x4,
    "HW_SLOWDOWN": 0x8,
    "SYNC_BOOST": 0x10,
    "SW_THERMAL_SLOWDOWN": 0x20,
    "HW_THERMAL_SLOWDOWN": 0x40,
    "HW_POWER_BRAKE_SLOWDOWN": 0x80,
    "DISPLAY_CLOCK_SETTING": 0x100,
}


def test_throttle_bits_match_nvml() -> None:
    assert {r.name: r.bit for r in THROTTLE_REASONS} == DOCUMENTED_BITS


@pytest.mark.parametrize(
    ("mask", "names", "throttled"),
    [
        (0x0, [], False),
        (0x1, ["GPU_IDLE"], False),
        (0x40, ["HW_THERMAL_SLOWDOWN"], True),
        (0x4 | 0x20, ["SW_POWER_CAP", "SW_THERMAL_SLOWDOWN"], True),
        (0x80 | 0x8, ["HW_SLOWDOWN", "HW_POWER_BRAKE_SLOWDOWN"], True),
        (0x100 | 0x10 | 0x2, ["APPLICATIONS_CLOCKS_SETTING", "SYNC_BOOST", "DISPLAY_CLOCK_SETTING"], False),
        (0x1FF, list(DOCUMENTED_BITS), True),
    ],
)
def test_throttle_mask_decodes_to_documented_reasons(mask: int, names: list[str], throttled: bool) -> None:
    assert [r.name for r in decode_throttle(mask)] == names
    assert is_throttled(mask) is throttled


def test_problem_mask_is_power_slowdown_and_thermal_bits() -> None:
    assert PROBLEM_MASK == 0x4 | 0x8 | 0x20 | 0x40 | 0x80


@pytest.mark.parametrize(
    ("code", "severity", "words"),
    [
        (13, "warning", "graphics engine exception"),
        (31, "warning", "page fault"),
        (32, "warning", "push buffer"),
        (43, "info", "stopped processing"),
        (45, "info", "preemptive cleanup"),
        (48, "critical", "double-bit ecc"),
        (61, "warning", "micro-controller breakpoint"),
        (62, "critical", "micro-controller halt"),
        (63, "warning", "row-remapping"),
        (64, "critical", "recording failure"),
        (68, "warning", "nvdec"),
        (69, "warning", "class error"),
        (74, "critical", "nvlink"),
        (79, "critical", "fallen off the bus"),
        (92, "warning", "single-bit ecc error rate"),
        (94, "warning", "contained ecc"),
        (95, "critical", "uncontained ecc"),
        (119, "critical", "gsp rpc timeout"),
        (120, "critical", "gsp error"),
    ],
)
def test_xid_catalogue_matches_nvidia_documentation(code: int, severity: str, words: str) -> None:
    info = decode_xid(code)
    assert info.code == code
    assert info.severity == severity
    assert words in info.meaning.lower()
    assert info.action


def test_every_critical_xid_says_to_drain_reset_or_reboot() -> None:
    for info in XID_CATALOGUE.values():
        if info.severity == "critical":
            assert any(w in info.action.lower() for w in ("drain", "reset", "reboot")), info.code


def test_unknown_xid_is_reported_as_unknown_not_invented() -> None:
    info = decode_xid(999)
    assert "not in this catalogue" in info.meaning
    assert info.severity == "warning"
