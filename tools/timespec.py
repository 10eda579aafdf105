"""Parse the time and duration strings a caller (often a model) writes, and format timestamps back.

Accepted times: ``now``, ``now-1h`` / ``now+5m``, a bare duration meaning "that long ago" (``1h``, ``30m``,
``7d``), unix seconds (``1700000000`` or ``1700000000.5``) and RFC3339 / ISO-8601 (``2026-11-03T10:00:00Z``; a
time without an offset is read as UTC). Durations use Prometheus units ``ms s m h d w y`` and may be compound
(``1h30m``).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from tools.errors import ToolInputError

__all__ = ["format_duration", "format_rfc3339", "parse_duration", "parse_step", "parse_time"]

_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0, "y": 31536000.0}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)")
_DURATION_FULL = re.compile(r"^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w|y))+$")
_RELATIVE = re.compile(r"^now\s*([+-])\s*(\S+)$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
# Unix seconds beyond this are almost certainly milliseconds (year 5138): say so instead of querying the far future.
_MAX_UNIX_SECONDS = 1e11

_TIME_HINT = (
    "Use 'now', 'now-1h', a duration ago such as '30m' or '7d', unix seconds (1700000000) "
    "or RFC3339 (2026-11-03T10:00:00Z)."
)


def parse_duration(text: str, *, name: str = "duration") -> float:
    """Seconds in a Prometheus-style duration such as ``15s``, ``5m``, ``1h30m`` or ``7d``."""
    cleaned = text.strip().lower()
    if not _DURATION_FULL.match(cleaned):
        raise ToolInputError(
            f"{name} {text!r} is not a duration.",
            hint="Write a number with a unit: 15s, 5m, 1h, 1h30m, 7d, 1w.",
        )
    return sum(float(n) * _UNIT_SECONDS[unit] for n, unit in _DURATION_PART.findall(cleaned))


def parse_time(value: str | float | int, *, now: float, name: str = "time") -> float:
    """Unix seconds for ``value``, resolving relative forms against ``now`` (captured once per call)."""
    if isinstance(value, bool):  # bool is an int: refuse it rather than read True as 1970-01-01T00:00:01Z
        raise ToolInputError(f"{name} {value!r} is not a time.", hint=_TIME_HINT)
    if isinstance(value, int | float):
        return _checked_unix(float(value), name)
    text = value.strip()
    lowered = text.lower()
    if lowered in ("", "now"):
        return now
    relative = _RELATIVE.match(lowered)
    if relative:
        sign, duration = relative.groups()
        offset = parse_duration(duration, name=f"{name} offset")
        return now - offset if sign == "-" else now + offset
    if _DURATION_FULL.match(lowered):
        return now - parse_duration(lowered, name=name)
    if _NUMBER.match(text):
        return _checked_unix(float(text), name)
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise ToolInputError(f"{name} {value!r} is not a time I can read.", hint=_TIME_HINT) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def _checked_unix(seconds: float, name: str) -> float:
    if not math.isfinite(seconds) or seconds < 0:
        raise ToolInputError(f"{name} {seconds!r} is not a valid unix time.", hint=_TIME_HINT)
    if seconds > _MAX_UNIX_SECONDS:
        raise ToolInputError(
            f"{name} {seconds:.0f} looks like unix milliseconds.", hint="Pass unix seconds (divide by 1000)."
        )
    return seconds


def parse_step(value: str | float | int | None, *, name: str = "step") -> float | None:
    """Seconds in a query step (``15s``, ``1m``, or a number of seconds); ``None`` when not given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ToolInputError(f"{name} {value!r} is not a step.", hint="Write 15s, 1m, 5m or a number of seconds.")
    if isinstance(value, int | float):
        seconds = float(value)
    elif _NUMBER.match(value.strip()):
        seconds = float(value.strip())
    else:
        seconds = parse_duration(value, name=name)
    if not math.isfinite(seconds) or seconds <= 0:
        raise ToolInputError(f"{name} {value!r} must be positive.", hint="Write 15s, 1m, 5m or a number of seconds.")
    return seconds


def format_rfc3339(ts: float) -> str:
    """``2026-11-03T10:00:00Z``; milliseconds are shown only when the timestamp has them."""
    moment = datetime.fromtimestamp(ts, tz=UTC)
    if moment.microsecond:
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def format_duration(seconds: float) -> str:
    """A short human duration: ``15s``, ``5m``, ``1h30m``, ``7d``."""
    if seconds < 1:
        return f"{seconds * 1000:g}ms"
    remaining = round(seconds)
    parts: list[str] = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, remaining = divmod(remaining, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"
