"""`GET /api/v1/namespaces/{ns}/pods/{pod}/log`: a container's log as the kubelet returns it (plain text).

Lines come from the same streams Loki serves. `previous=true` reads the run before the current one (the
OOM-killed run of the crash-looping pod); during CrashLoopBackOff the current run is the one that just
ended. Supports `container`, `tailLines`, `sinceSeconds`, `sinceTime`, `timestamps` and `limitBytes`;
the node keeps the last six hours of each run (rotated files).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from starlette.responses import JSONResponse, PlainTextResponse, Response

from servers.sim.k8s_workloads import container_instances
from servers.sim.logs import Entry, iter_entries, log_streams
from servers.sim.model import ClusterModel
from servers.sim.state import kube_status

__all__ = ["RETAINED_S", "pod_log"]

RETAINED_S = 6 * 3600.0


def _bad(message: str) -> JSONResponse:
    return kube_status(400, "BadRequest", message)


def _stamp(ns: int) -> str:
    return datetime.fromtimestamp(ns // 1_000_000_000, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{ns % 10**9:09d}Z"


def _int(params: Mapping[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.lstrip("-").isdigit():
        raise ValueError(f"{name}: Invalid value: {raw!r}: must be an integer")
    return int(raw)


def pod_log(model: ClusterModel, namespace: str, name: str, params: Mapping[str, str], t: float) -> Response:
    """The log of one container of a pod at time `t`."""
    pod = next((p for p in model.spec.pods if p.namespace == namespace and p.name == name), None)
    if pod is None:
        return kube_status(404, "NotFound", f'pods "{name}" not found')
    names = [c.name for c in pod.containers]
    container = params.get("container") or (names[0] if len(names) == 1 else "")
    if not container:
        return _bad(f"a container name must be specified for pod {name}, choose one of: [{' '.join(names)}]")
    if container not in names:
        return _bad(f"container {container} is not valid for pod {name}")
    try:
        tail, since, limit_bytes = _int(params, "tailLines"), _int(params, "sinceSeconds"), _int(params, "limitBytes")
    except ValueError as exc:
        return _bad(str(exc))
    current, previous = container_instances(model, pod, container, t)
    run = current
    if params.get("previous", "false").lower() in ("true", "1"):
        if previous is None:
            return _bad(f'previous terminated container "{container}" in pod "{name}" not found')
        run = previous
    start, end = max(run.start, t - RETAINED_S), min(run.end if run.end is not None else t, t)
    if since is not None:
        start = max(start, t - since)
    if params.get("sinceTime"):
        try:
            start = max(start, datetime.fromisoformat(params["sinceTime"].replace("Z", "+00:00")).timestamp())
        except ValueError:
            return _bad(f"sinceTime: Invalid value: {params['sinceTime']!r}: must be RFC3339")
    stream = next(s for s in log_streams(model) if s.pod.name == name and s.container == container)
    if tail is not None and tail >= 0:
        entries: list[Entry] = []
        for entry in iter_entries(stream, start, end, backward=True):
            if len(entries) >= tail:
                break
            entries.append(entry)
        entries.reverse()
    else:
        entries = list(iter_entries(stream, start, end, backward=False))
    stamps = params.get("timestamps", "false").lower() in ("true", "1")
    text = "".join(f"{_stamp(ns)} {line}\n" if stamps else f"{line}\n" for ns, line in entries)
    if limit_bytes is not None and limit_bytes > 0:
        text = text.encode()[:limit_bytes].decode(errors="ignore")
    return PlainTextResponse(text)
