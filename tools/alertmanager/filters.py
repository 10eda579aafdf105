"""What an alerts request asks Alertmanager for: state switches, ``filter=`` matchers and the receiver regex.

Exact-value arguments (``severity="critical"``, ``{"team": "x"}``) are quoted and escaped here, so a value with a
quote or a backslash is matched literally; raw matchers (``namespace=~"openshift-.*"``) go to Alertmanager verbatim,
and a malformed one comes back with Alertmanager's own message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from tools.alertmanager.client import AlertFlags
from tools.errors import ToolInputError

__all__ = ["AlertQuery", "AlertState", "SilenceState", "check_limit", "equality_matcher", "flags_for", "quote_value"]

AlertState = Literal["active", "suppressed", "unprocessed", "any"]
SilenceState = Literal["current", "active", "pending", "expired", "any"]

_LABEL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MAX_FILTERS = 50


def check_limit(limit: int) -> None:
    """Refuse a page size outside 1..1000."""
    if not 1 <= limit <= 1_000:
        raise ToolInputError(f"limit must be between 1 and 1000, got {limit}.", hint="Use the default and page.")


def quote_value(value: str) -> str:
    """``value`` as a double-quoted matcher value (backslash, quote and newline escaped)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def equality_matcher(name: str, value: str) -> str:
    """``name="value"`` in Alertmanager's matcher syntax, the value escaped so it is matched literally."""
    if not _LABEL_NAME.match(name):
        raise ToolInputError(
            f"{name!r} is not a label name.", hint="Label names look like namespace, team or alertname."
        )
    return f"{name}={quote_value(value)}"


def flags_for(state: AlertState, *, silenced: bool | None, inhibited: bool | None) -> AlertFlags:
    """Alertmanager's switches for ``state``; ``silenced``/``inhibited`` override the two they name."""
    base = {
        "active": AlertFlags(active=True, silenced=False, inhibited=False, unprocessed=False),
        "suppressed": AlertFlags(active=False, silenced=True, inhibited=True, unprocessed=False),
        "unprocessed": AlertFlags(active=False, silenced=False, inhibited=False, unprocessed=True),
        "any": AlertFlags(),
    }[state]
    flags = AlertFlags(
        active=base.active,
        silenced=base.silenced if silenced is None else silenced,
        inhibited=base.inhibited if inhibited is None else inhibited,
        unprocessed=base.unprocessed,
    )
    if not (flags.active or flags.silenced or flags.inhibited or flags.unprocessed):
        raise ToolInputError(
            f"state={state!r} with silenced={silenced} and inhibited={inhibited} excludes every alert.",
            hint="Use state='suppressed' with silenced=True or inhibited=True, or state='any'.",
        )
    return flags


@dataclass(frozen=True)
class AlertQuery:
    """One ``alerts_list`` request as Alertmanager reads it: switches, matchers and receiver regex."""

    flags: AlertFlags
    matchers: list[str] = field(default_factory=list)
    receiver: str | None = None

    @classmethod
    def build(
        cls,
        *,
        state: AlertState = "active",
        silenced: bool | None = None,
        inhibited: bool | None = None,
        severity: str | None = None,
        alertname: str | None = None,
        namespace: str | None = None,
        receiver: str | None = None,
        label_matchers: Mapping[str, str] | None = None,
        filters: Sequence[str] = (),
    ) -> AlertQuery:
        """Quote the exact-value arguments, keep raw ``filters`` verbatim, and check the switches."""
        exact = {"alertname": alertname, "severity": severity, "namespace": namespace}
        exact.update(label_matchers or {})
        matchers = [equality_matcher(name, value) for name, value in exact.items() if value is not None]
        raw = [f.strip() for f in filters if f.strip()]
        if len(matchers) + len(raw) > _MAX_FILTERS:
            raise ToolInputError(f"At most {_MAX_FILTERS} matchers per call.", hint="Use a regex matcher instead.")
        return cls(flags_for(state, silenced=silenced, inhibited=inhibited), matchers + raw, receiver or None)

    def names_alertname(self, value: str) -> bool:
        """True when a matcher asks for exactly this alertname (then the caller wants it, Watchdog included)."""
        return equality_matcher("alertname", value) in self.matchers

    @property
    def narrowed(self) -> bool:
        """True when matchers or a receiver limit the listing (so a missing alert may just be filtered out)."""
        return bool(self.matchers or self.receiver) or not self.flags.active
