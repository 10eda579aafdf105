"""What the simulator's HTTP app serves from (models, clock, access log), held on `app.state.sim`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse

from servers.sim.access import AccessLog
from servers.sim.model import ClusterModel

__all__ = ["SimState", "kube_status", "sim_state"]


@dataclass(frozen=True)
class SimState:
    """The models keyed by cluster name, the clock (Unix seconds) live values are computed at, the access log."""

    models: Mapping[str, ClusterModel]
    clock: Callable[[], float]
    access: AccessLog = field(default_factory=AccessLog)


def sim_state(request: Request) -> SimState:
    """The `SimState` of the app handling `request`."""
    state = request.app.state.sim
    if not isinstance(state, SimState):
        raise TypeError("the simulator app was built without a SimState")
    return state


def kube_status(code: int, reason: str, message: str) -> JSONResponse:
    """A Kubernetes `Status` failure object, as the API server returns for errors."""
    body = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    return JSONResponse(body, status_code=code)
