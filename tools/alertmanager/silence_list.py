"""``alerts_list_silences``: the silences of every selected cluster's Alertmanager, newest first (read-only)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

from tools.alertmanager.context import AlertsContext
from tools.alertmanager.filters import SilenceState, check_limit, equality_matcher
from tools.alertmanager.items import silence_item, timestamp
from tools.alertmanager.results import SilenceItem, SilenceListResult
from tools.gather import collect
from tools.paging import fill_page, fingerprint, read_cursor
from tools.targets import BackendTarget

__all__ = ["run_silences"]

_STATES: dict[str, set[str]] = {
    "current": {"active", "pending"},
    "active": {"active"},
    "pending": {"pending"},
    "expired": {"expired"},
}


def _newest_first(silence: SilenceItem) -> tuple[bool, float, float, str, str]:
    """Latest start first (then latest update); silences with an unreadable start last."""
    starts, updated = timestamp(silence.starts_at), timestamp(silence.updated_at)
    return (
        math.isinf(starts),
        0.0 if math.isinf(starts) else -starts,
        0.0 if math.isinf(updated) else -updated,
        silence.cluster,
        silence.id,
    )


def _drop_one_comment(result: SilenceListResult) -> bool:
    for silence in reversed(result.silences):
        if silence.comment:
            silence.comment = None
            return True
    return False


async def run_silences(
    ctx: AlertsContext,
    targets: Sequence[BackendTarget],
    *,
    state: SilenceState = "current",
    label_matchers: Mapping[str, str] | None = None,
    filters: Sequence[str] = (),
    created_by: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> SilenceListResult:
    """Silences across ``targets`` in ``state``, matching the filters, newest first; paged and size-capped."""
    check_limit(limit)
    matchers = [equality_matcher(k, v) for k, v in (label_matchers or {}).items()]
    matchers += [f.strip() for f in filters if f.strip()]
    clusters = sorted(t.cluster for t in targets)
    fp = fingerprint("am-silences", s=state, m=matchers, b=created_by, c=clusters)
    page = read_cursor(cursor, fp)
    collected = await collect(
        targets,
        lambda t: ctx.client(t).silences(matchers),
        backend="alertmanager",
        timeout=ctx.limits.cluster_timeout_s,
        concurrency=ctx.limits.concurrency,
        hints=ctx.hints,
        query=" ".join(matchers) or None,
    )
    found = [silence_item(cluster, raw) for cluster, payload in collected.values for raw in payload]
    if created_by:
        needle = created_by.casefold()
        found = [s for s in found if needle in (s.created_by or "").casefold()]
    counts = Counter(s.state for s in found)
    wanted = _STATES.get(state)
    items = sorted((s for s in found if wanted is None or s.state in wanted), key=_newest_first)
    notes = list(collected.notes)
    if not items:
        what = [*matchers, *([f"created_by~{created_by}"] if created_by else [])]
        matching = f" matching {', '.join(what)}" if what else ""
        notes.append(
            f"No {state if state != 'any' else ''} silences{matching} in the Alertmanager of "
            f"{', '.join(collected.answered)}.".replace("No  ", "No ")
        )
    result = SilenceListResult(
        clusters=collected.outcomes,
        answered=collected.answered,
        notes=notes,
        state=state,
        filters=matchers,
        states=dict(sorted(counts.items())),
    )
    cap = ctx.limits.response_max_bytes
    fill_page(result, "silences", items, fp=fp, page=page, limit=limit, cap=cap, details=[_drop_one_comment])
    return result
