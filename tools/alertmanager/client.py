"""An async client for the Alertmanager HTTP API v2 (``/api/v2``), read-only.

One :class:`AlertmanagerClient` talks to one :class:`~tools.targets.BackendTarget` (a plain Alertmanager, or the
OpenShift route ``alertmanager-main-openshift-monitoring`` with a bearer token) through an injected
``httpx.AsyncClient``. Every failure becomes a :class:`~tools.errors.BackendError` naming the cluster, the filter,
the HTTP status and Alertmanager's own message verbatim (it answers a bad matcher with ``400`` and a JSON string such
as ``"bad matcher format: ..."``, go-swagger validation with ``{"code": 6xx, "message": ...}``); a timeout becomes
:class:`~tools.errors.BackendTimeoutError`, so fan-out reports it as ``timeout``. Secrets never reach an error text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from tools.errors import BackendError
from tools.targets import BackendTarget, display_url, redact
from tools.transport import TRANSPORT_ERRORS, FailureHints, transport_error

__all__ = ["AlertFlags", "AlertmanagerClient"]

_HINTS = FailureHints(
    timeout="Retry later, or select fewer clusters; a slow Alertmanager is often one under memory pressure.",
    unreachable="Check the cluster's alertmanager URL and network reachability in the fleet registry.",
    endpoint="Fix the cluster's alertmanager endpoint in the fleet registry (aiops cluster remove/add).",
)

BODY_LIMIT = 500


@dataclass(frozen=True)
class AlertFlags:
    """Alertmanager's own state switches of ``GET /api/v2/alerts``: which kinds of alert it returns."""

    active: bool = True
    silenced: bool = True
    inhibited: bool = True
    unprocessed: bool = True

    def params(self, *, grouped: bool = False) -> list[tuple[str, str]]:
        """The query parameters (``/alerts/groups`` has no ``unprocessed`` switch)."""
        flags = [("active", self.active), ("silenced", self.silenced), ("inhibited", self.inhibited)]
        if not grouped:
            flags.append(("unprocessed", self.unprocessed))
        return [(name, "true" if value else "false") for name, value in flags]


class AlertmanagerClient:
    """Typed GET calls to one Alertmanager. Build one per target per call; it holds no connections."""

    def __init__(self, http: httpx.AsyncClient, target: BackendTarget, *, timeout: float = 30.0) -> None:
        self._http = http
        self._target = target
        self._timeout = timeout
        self._where = display_url(target.base_url)

    @property
    def target(self) -> BackendTarget:
        """The endpoint this client talks to."""
        return self._target

    async def alerts(
        self, flags: AlertFlags, filters: list[str] | None = None, receiver: str | None = None
    ) -> list[dict[str, Any]]:
        """``GET /api/v2/alerts``: gettableAlert objects matching every matcher of ``filters``."""
        params = self._params(flags.params(), filters, receiver)
        return await self._list("api/v2/alerts", params, query=_describe(filters, receiver))

    async def alert_groups(
        self, flags: AlertFlags, filters: list[str] | None = None, receiver: str | None = None
    ) -> list[dict[str, Any]]:
        """``GET /api/v2/alerts/groups``: Alertmanager's own groups (labels, receiver, alerts) after routing."""
        params = self._params(flags.params(grouped=True), filters, receiver)
        return await self._list("api/v2/alerts/groups", params, query=_describe(filters, receiver))

    async def silences(self, filters: list[str] | None = None) -> list[dict[str, Any]]:
        """``GET /api/v2/silences``: gettableSilence objects (active, pending and expired)."""
        params = self._params([], filters, None)
        return await self._list("api/v2/silences", params, query=_describe(filters, None))

    # -- plumbing ------------------------------------------------------------------------------------------

    @staticmethod
    def _params(base: list[tuple[str, str]], filters: list[str] | None, receiver: str | None) -> list[tuple[str, str]]:
        params = [*base, *(("filter", f) for f in filters or [])]
        if receiver:
            params.append(("receiver", receiver))
        return params

    def _scrub(self, text: str) -> str:
        # Error texts may quote a body or URL that carries a token, a password or user:password@.
        return redact(text.replace(self._target.base_url, self._where), self._target.auth.secret_values())

    async def _list(self, path: str, params: list[tuple[str, str]], *, query: str | None) -> list[dict[str, Any]]:
        ctx: dict[str, Any] = {"backend": "alertmanager", "cluster": self._target.cluster, "query": query}
        response = await self._get(path, params, ctx)
        _raise_for_status(response, ctx, self._scrub, auth_kind=self._target.auth.kind())
        try:
            data = response.json()
        except ValueError:
            raise BackendError(
                f"Alertmanager answered HTTP {response.status_code} with a body that is not JSON",
                **ctx,
                status=response.status_code,
                body=self._scrub(response.text[:BODY_LIMIT]),
                hint="Is the alertmanager URL the Alertmanager API root (not a console, router error or login page)?",
            ) from None
        if data is None:  # an empty list serialised as null by some proxies
            return []
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise BackendError(
                f"Alertmanager sent {type(data).__name__} where a list of objects was expected from /{path}",
                **ctx,
                body=self._scrub(json.dumps(data)[:BODY_LIMIT]),
                hint="Is the alertmanager URL an Alertmanager with API v2 (0.16 or newer)?",
            )
        return data

    async def _get(self, path: str, params: list[tuple[str, str]], ctx: dict[str, Any]) -> httpx.Response:
        try:
            return await self._http.get(
                self._target.url(path),
                params=tuple(params),  # a tuple: list is invariant in httpx's QueryParamTypes
                headers={"Accept": "application/json", **self._target.auth.headers()},
                auth=self._target.auth.httpx_auth(),
                timeout=self._timeout,
            )
        except TRANSPORT_ERRORS as exc:
            raise transport_error(
                exc,
                backend="Alertmanager",
                where=self._where,
                scrub=self._scrub,
                context=ctx,
                hints=_HINTS,
                timeout_s=self._timeout,
            ) from exc


def _describe(filters: list[str] | None, receiver: str | None) -> str | None:
    """The filter as the caller can read it back in an error (``None`` when nothing was filtered)."""
    parts = [f"filter={f}" for f in filters or []] + ([f"receiver=~{receiver}"] if receiver else [])
    return " ".join(parts) or None


def _message(response: httpx.Response, scrub: Callable[[str], str]) -> str:
    """Alertmanager's own words: a JSON string, the ``message`` of a go-swagger error object, or plain text."""
    try:
        payload = response.json()
    except ValueError:
        return scrub(response.text[:BODY_LIMIT].strip())
    if isinstance(payload, str):
        return scrub(payload[:BODY_LIMIT])
    if isinstance(payload, dict) and isinstance(payload.get("message"), str):
        return scrub(payload["message"][:BODY_LIMIT])
    return scrub(json.dumps(payload)[:BODY_LIMIT])


def _raise_for_status(
    response: httpx.Response, ctx: dict[str, Any], scrub: Callable[[str], str], *, auth_kind: str
) -> None:
    status = response.status_code
    if status < 300:
        return
    if status in (401, 403):
        raise BackendError(
            f"Alertmanager refused the credentials (HTTP {status}): the {auth_kind} sent was not accepted or lacks "
            "access",
            **ctx,
            status=status,
            body=_message(response, scrub) or None,
            hint="Check the cluster's stored credentials; on OpenShift the route alertmanager-main in "
            "openshift-monitoring needs a bearer token whose account may read alerts (e.g. the "
            "monitoring-alertmanager-view role or cluster-monitoring-view).",
        )
    if status < 400:
        raise BackendError(
            f"Alertmanager redirected to {scrub(response.headers.get('location', '?'))!r} instead of answering",
            **ctx,
            status=status,
            hint="The URL probably points at a login/OAuth proxy page; register the API route and a bearer token.",
        )
    if status in (400, 422):
        hint = (
            'Fix the filter: the text above is Alertmanager\'s own message. Matchers look like name="value", '
            'name!="value", name=~"regex" or name!~"regex"; receiver is a regular expression.'
        )
    elif status == 404:
        hint = "The URL is probably not the Alertmanager API root (it should serve /api/v2/alerts)."
    else:
        hint = "Alertmanager failed; retry later or check the cluster's monitoring stack (alertmanager pods)."
    raise BackendError(
        f"Alertmanager answered HTTP {status}", **ctx, status=status, body=_message(response, scrub) or None, hint=hint
    )
