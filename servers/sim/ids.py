"""Deterministic ids and pseudo-random draws for the simulated requests, logs and traces.

Trace ids must be found again from the id alone (`GET /api/traces/{id}`), without a table of every trace
ever generated: the low half of a trace id is an invertible 64-bit mix of the request number, the high
half a checksum of the low half. `decode_trace_id` undoes the mix and checks the checksum.
"""

from __future__ import annotations

__all__ = ["decode_trace_id", "span_id", "trace_id", "unit"]

_MASK = (1 << 64) - 1
_C0 = 0x9E3779B97F4A7C15
_C1 = 0xBF58476D1CE4E5B9
_C2 = 0x94D049BB133111EB
_C1_INV = pow(_C1, -1, 1 << 64)
_C2_INV = pow(_C2, -1, 1 << 64)


def _mix(x: int) -> int:
    # splitmix64: a bijection on 64-bit integers with good avalanche.
    x = (x + _C0) & _MASK
    x = ((x ^ (x >> 30)) * _C1) & _MASK
    x = ((x ^ (x >> 27)) * _C2) & _MASK
    return x ^ (x >> 31)


def _unshift(x: int, s: int) -> int:
    # Inverse of x ^ (x >> s).
    result, shifted = x, x >> s
    while shifted:
        result ^= shifted
        shifted >>= s
    return result


def _unmix(x: int) -> int:
    x = _unshift(x, 31)
    x = _unshift((x * _C2_INV) & _MASK, 27)
    x = _unshift((x * _C1_INV) & _MASK, 30)
    return (x - _C0) & _MASK


def unit(key: int, n: int) -> float:
    """A pseudo-random number in [0, 1) for stream `key` and draw `n`."""
    return _mix((key ^ _mix(n)) & _MASK) / float(1 << 64)


def trace_id(key: int, n: int) -> str:
    """The 32-hex-digit trace id of request number `n` (n >= 0) in the id space `key`."""
    low = _mix((n ^ key) & _MASK)
    high = _mix(low ^ ((key * _C1) & _MASK))
    return f"{high:016x}{low:016x}"


def decode_trace_id(key: int, hex_id: str) -> int | None:
    """The request number behind `hex_id` in id space `key`, or None if it is not one of ours."""
    text = hex_id.strip().lower().rjust(32, "0")
    if len(text) != 32:
        return None
    try:
        high, low = int(text[:16], 16), int(text[16:], 16)
    except ValueError:
        return None
    if _mix(low ^ ((key * _C1) & _MASK)) != high:
        return None
    return _unmix(low) ^ key


def span_id(trace: str, index: int) -> str:
    """The 16-hex-digit id of span `index` of trace `trace`."""
    return f"{_mix(int(trace[16:], 16) ^ _mix(index + 1)) | 1:016x}"
