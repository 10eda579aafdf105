"""Pod log text → a :class:`~tools.kubernetes.results.PodLog`: secret-looking values redacted, long lines cut.

Redaction is deliberately simple and errs on the side of hiding: ``Bearer <token>`` / ``Basic <base64>``,
``user:password@`` in URLs, and the value after any key that names a password, secret, token or API key
(``password=...``, ``"db_password": "..."``, ``token: ...``, ``X-Api-Key=...``) become ``***``. The cluster's own
stored credentials are scrubbed too.
"""

from __future__ import annotations

from collections.abc import Iterable

from tools.errors import ToolInputError
from tools.gather import collect
from tools.kubernetes.client import KubeNotFoundError
from tools.kubernetes.context import KubeContext
from tools.kubernetes.guard import validate_name
from tools.kubernetes.results import PodLog, PodLogsResult
from tools.redaction import redact_line
from tools.sizecap import CapPlan, fit_to_cap
from tools.targets import BackendTarget

__all__ = ["LINE_LIMIT", "MAX_TAIL_LINES", "drop_oldest_lines", "fetch_pod_logs", "redact_line", "shape_log"]

LINE_LIMIT = 2000
MAX_TAIL_LINES = 2000
_ENVELOPE_BYTES = 1500


def shape_log(
    cluster: str,
    namespace: str,
    pod: str,
    container: str | None,
    previous: bool,
    text: str,
    *,
    secrets: Iterable[str] = (),
    max_bytes: int,
) -> PodLog:
    """Split, redact and cut ``text`` to its most recent lines within ``max_bytes`` (UTF-8)."""
    secret_list = list(secrets)
    raw_lines = text.splitlines()
    lines: list[str] = []
    redactions = 0
    for raw in raw_lines:
        clean, count = redact_line(raw, secret_list)
        redactions += count
        lines.append(clean if len(clean) <= LINE_LIMIT else clean[: LINE_LIMIT - 1] + "…")
    kept: list[str] = []
    size = 0
    for line in reversed(lines):  # newest last in the log: keep from the end
        size += len(line.encode()) + 4  # JSON quotes and separator
        if size > max_bytes and kept:
            break
        kept.append(line)
    kept.reverse()
    return PodLog(
        cluster=cluster,
        namespace=namespace,
        pod=pod,
        container=container,
        previous=previous,
        lines=kept,
        line_count=len(raw_lines),
        truncated=len(kept) < len(lines),
        redactions=redactions,
    )


def drop_oldest_lines(logs: list[PodLog]) -> bool:
    """Cut the oldest quarter of the longest log's lines (a size-cap detail step); ``False`` when nothing is left."""
    longest = max(logs, key=lambda log: len(log.lines), default=None)
    if longest is None or len(longest.lines) <= 1:
        return False
    cut = max(1, len(longest.lines) // 4)
    longest.lines = longest.lines[cut:]
    longest.truncated = True
    return True


async def fetch_pod_logs(
    ctx: KubeContext,
    targets: list[BackendTarget],
    *,
    namespace: str,
    pod: str,
    container: str | None = None,
    tail_lines: int = 200,
    previous: bool = False,
) -> PodLogsResult:
    """The tail of one pod's log on each selected cluster where the pod exists, redacted and byte-capped."""
    validate_name(namespace, "namespace")
    validate_name(pod, "pod")
    if container is not None:
        validate_name(container, "container")
    if not 1 <= tail_lines <= MAX_TAIL_LINES:
        raise ToolInputError(f"tail_lines={tail_lines} is out of range.", hint=f"Use 1 to {MAX_TAIL_LINES}.")
    cap = ctx.limits.response_max_bytes
    budget = max(500, (cap - _ENVELOPE_BYTES) // max(1, len(targets)))
    missing: list[str] = []
    cut_by_api: list[str] = []

    async def call(target: BackendTarget) -> PodLog | None:
        try:
            text = await ctx.client(target).pod_log(
                namespace,
                pod,
                container=container,
                tail_lines=tail_lines,
                previous=previous,
                limit_bytes=ctx.limits.log_fetch_bytes,
            )
        except KubeNotFoundError:
            missing.append(target.cluster)
            return None
        if len(text.encode()) >= ctx.limits.log_fetch_bytes:
            cut_by_api.append(target.cluster)
        return shape_log(
            target.cluster,
            namespace,
            pod,
            container,
            previous,
            text,
            secrets=target.auth.secret_values(),
            max_bytes=budget,
        )

    which = f"{'previous ' if previous else ''}log of pod {namespace}/{pod}" + (f" [{container}]" if container else "")
    collected = await collect(
        targets,
        call,
        backend="api",
        timeout=ctx.limits.cluster_timeout_s,
        concurrency=ctx.limits.concurrency,
        hints=ctx.hints,
        query=which,
    )
    logs = [log for _, log in collected.values if log is not None]
    result = PodLogsResult(
        clusters=collected.outcomes, answered=collected.answered, notes=list(collected.notes), logs=logs
    )
    if missing:
        result.notes.append(f"Pod {namespace}/{pod} not found on: {', '.join(sorted(missing))}.")
    if cut_by_api:
        result.notes.append(
            f"The API stopped at {ctx.limits.log_fetch_bytes} bytes on {', '.join(cut_by_api)}: ask fewer tail_lines."
        )
    if logs and all(not log.lines for log in logs):
        result.notes.append(f"The {which} is empty (last {tail_lines} lines asked).")
    redacted = sum(log.redactions for log in logs)
    if redacted:
        result.notes.append(f"{redacted} secret-looking values were replaced by ***.")
    result.total = result.returned = len(logs)
    fit_to_cap(result, cap, CapPlan(items="logs", details=[lambda r: drop_oldest_lines(r.logs)]))
    result.truncated = result.truncated or any(log.truncated for log in result.logs)
    if any(log.truncated for log in result.logs):
        result.notes.append("Older lines were cut to fit the size cap; the most recent lines are kept.")
    return result
