"""A fleet-wide overview computed from the stored cluster records (no backend is called).

:func:`summarise` answers "how is the fleet?" in a few hundred bytes whatever the fleet size: counts by state,
type, environment and platform, how many clusters have each capability, which clusters were never probed or
have not been probed for more than three of their probe intervals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from tools.fleet.models import PROBE_INTERVAL_SECONDS, Capabilities, Cluster

__all__ = ["STALE_AFTER_INTERVALS", "FleetSummary", "summarise"]

STALE_AFTER_INTERVALS = 3  # a probe this many intervals old means the scheduler is not keeping up (or is off)
_MAX_NAMES = 50  # cap on the name lists, so a huge fleet keeps the summary small

_CAPABILITY_FLAGS = [name for name, f in Capabilities.model_fields.items() if f.annotation is bool]


class FleetSummary(BaseModel):
    """Counts over the registered clusters, from their last stored probe."""

    total: int
    by_state: dict[str, int] = Field(description="ONLINE / DEGRADED / OFFLINE / UNKNOWN → number of clusters")
    by_type: dict[str, int]
    by_environment: dict[str, int]
    by_platform: dict[str, int]
    capabilities: dict[str, int] = Field(description="Capability → number of clusters where it was detected")
    never_probed: list[str] = Field(description=f"Clusters without any probe yet (first {_MAX_NAMES})")
    stale: list[str] = Field(
        description=f"Clusters whose last probe is older than {STALE_AFTER_INTERVALS} probe intervals "
        f"(first {_MAX_NAMES})"
    )
    oldest_probe: datetime | None = None
    newest_probe: datetime | None = None


def summarise(clusters: Iterable[Cluster], *, now: datetime) -> FleetSummary:
    """Summarise ``clusters`` as of ``now`` (an aware datetime)."""
    items = list(clusters)
    probes = [c.status.last_probe for c in items if c.status.last_probe is not None]
    never = [c.name for c in items if c.status.last_probe is None]
    stale = [
        c.name
        for c in items
        if c.status.last_probe is not None
        and now - c.status.last_probe > timedelta(seconds=STALE_AFTER_INTERVALS * PROBE_INTERVAL_SECONDS[c.type])
    ]
    return FleetSummary(
        total=len(items),
        by_state=dict(Counter(c.status.state.value for c in items)),
        by_type=dict(Counter(c.type.value for c in items)),
        by_environment=dict(Counter(c.environment.value for c in items)),
        by_platform=dict(Counter(c.platform.value for c in items)),
        capabilities={flag: sum(bool(getattr(c.capabilities, flag)) for c in items) for flag in _CAPABILITY_FLAGS},
        never_probed=never[:_MAX_NAMES],
        stale=stale[:_MAX_NAMES],
        oldest_probe=min(probes, default=None),
        newest_probe=max(probes, default=None),
    )
