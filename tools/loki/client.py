"""An async client for the Loki HTTP API (``/loki/api/v1``), direct or behind an OpenShift LokiStack gateway.

One :class:`LokiClient` talks to one :class:`~tools.targets.BackendTarget` through an injected
``httpx.AsyncClient``. Tenancy follows the registered URL (see :func:`resolve_tenancy`):

* a LokiStack gateway route ``https://gw/api/logs/v1/<tenant>`` is used as is, or with another tenant
  (``application``, ``infrastructure``, ``audit``) swapped in when one is asked for; the gateway reads the tenant
  from the path and authorises the bearer token against it, so no ``X-Scope-OrgID`` is sent;
* a gateway root ``https://gw/api/logs/v1`` gets the tenant appended (default ``application``);
* any other URL is a Loki API: the tenant, when one is asked for or set as the cluster label ``loki-tenant``, goes
  into the ``X-Scope-OrgID`` header.

Every failure becomes a :class:`~tools.errors.BackendError` naming the cluster, the query, the window, the HTTP
status and Loki's message verbatim; timeouts become :class:`~tools.errors.BackendTimeoutError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from tools.errors import ToolInputError
from tools.loki.envelope import LokiData, expect_list, query_data, unwrap
from tools.loki.guardrails import check_label_name
from tools.targets import BackendTarget, display_url, redact
from tools.transport import TRANSPORT_ERRORS, FailureHints, transport_error

__all__ = ["TENANT_LABEL", "LokiClient", "LokiData", "Tenancy", "resolve_tenancy"]

_HINTS = FailureHints(
    timeout='Narrow the query: a shorter range, exact stream matchers, a line filter such as |= "error".',
    unreachable="Check the cluster's loki URL, network reachability and TLS settings in the fleet registry.",
    endpoint="Fix the cluster's loki endpoint in the fleet registry (aiops cluster remove/add).",
)

TENANT_LABEL = "loki-tenant"
DEFAULT_GATEWAY_TENANT = "application"
_GATEWAY = re.compile(r"^(?P<root>.*/api/logs/v1)(?:/(?P<tenant>[^/]+))?/?$")
_TENANT = re.compile(r"^[A-Za-z0-9_.\-|]+$")
Direction = Literal["backward", "forward"]


@dataclass(frozen=True)
class Tenancy:
    """Where requests go (``base_url`` ending before ``/loki/api/v1``), the tenant and the headers that carry it."""

    base_url: str
    tenant: str | None
    headers: dict[str, str]
    gateway: bool


def resolve_tenancy(target: BackendTarget, tenant: str | None = None) -> Tenancy:
    """The base URL and tenant headers for ``target``, with ``tenant`` (or the cluster's label) applied."""
    if tenant is not None and not _TENANT.match(tenant):
        raise ToolInputError(
            f"tenant {tenant!r} is not a tenant name.", hint="e.g. application, infrastructure, audit."
        )
    parts = urlsplit(target.base_url)
    gateway = _GATEWAY.match(parts.path)
    if gateway:
        chosen = tenant or gateway.group("tenant") or target.labels.get(TENANT_LABEL) or DEFAULT_GATEWAY_TENANT
        path = f"{gateway.group('root')}/{quote(chosen, safe='')}"
        return Tenancy(urlunsplit(parts._replace(path=path)), chosen, {}, True)
    chosen = tenant or target.labels.get(TENANT_LABEL) or None
    headers = {"X-Scope-OrgID": chosen} if chosen else {}
    return Tenancy(target.base_url.rstrip("/"), chosen, headers, False)


def _ns(value: int) -> str:
    return str(int(value))


class LokiClient:
    """Typed calls to one Loki endpoint. Build one per target per call; it holds no connections."""

    def __init__(
        self, http: httpx.AsyncClient, target: BackendTarget, *, tenant: str | None = None, timeout: float = 30.0
    ) -> None:
        self._http = http
        self._target = target
        self._timeout = timeout
        self.tenancy = resolve_tenancy(target, tenant)
        self._where = display_url(self.tenancy.base_url)

    async def query(
        self, logql: str, *, time_ns: int | None = None, limit: int | None = None, direction: Direction = "backward"
    ) -> LokiData:
        """Evaluate ``logql`` at one instant (``GET /loki/api/v1/query``): a vector for metric queries."""
        params = {"query": logql, "direction": direction}
        params.update({k: _ns(v) for k, v in (("time", time_ns), ("limit", limit)) if v is not None})
        data = await self._get("loki/api/v1/query", params, query=logql)
        return query_data(data, self._context(logql, None))

    async def query_range(
        self,
        logql: str,
        *,
        start_ns: int,
        end_ns: int,
        limit: int | None = None,
        step_s: float | None = None,
        direction: Direction = "backward",
        time_range: str | None = None,
    ) -> LokiData:
        """Run ``logql`` over ``[start_ns, end_ns)`` (``GET /loki/api/v1/query_range``): streams or a matrix."""
        params = {"query": logql, "start": _ns(start_ns), "end": _ns(end_ns), "direction": direction}
        if limit is not None:
            params["limit"] = str(limit)
        if step_s is not None:
            params["step"] = f"{step_s:g}"
        data = await self._get("loki/api/v1/query_range", params, query=logql, time_range=time_range)
        return query_data(data, self._context(logql, time_range))

    async def labels(
        self, *, start_ns: int | None = None, end_ns: int | None = None, query: str | None = None
    ) -> list[str]:
        """Label names seen in ``[start_ns, end_ns]`` (on streams matching ``query``, a stream selector, if given)."""
        params = self._bounds(start_ns, end_ns, query)
        data = await self._get("loki/api/v1/labels", params, query=query)
        return [str(v) for v in expect_list(data, self._context(query, None), "label names")]

    async def label_values(
        self, label: str, *, start_ns: int | None = None, end_ns: int | None = None, query: str | None = None
    ) -> list[str]:
        """Values of ``label`` seen in ``[start_ns, end_ns]`` (on streams matching ``query``, if given)."""
        check_label_name(label)
        params = self._bounds(start_ns, end_ns, query)
        data = await self._get(f"loki/api/v1/label/{quote(label, safe='')}/values", params, query=query)
        return [str(v) for v in expect_list(data, self._context(query, None), "label values")]

    async def series(
        self, match: list[str], *, start_ns: int | None = None, end_ns: int | None = None
    ) -> list[dict[str, str]]:
        """Label sets of the streams matching any of the ``match`` selectors (``GET /loki/api/v1/series``)."""
        params: list[tuple[str, str]] = [("match[]", m) for m in match]
        params += [(k, _ns(v)) for k, v in (("start", start_ns), ("end", end_ns)) if v is not None]
        joined = " or ".join(match)
        data = await self._get("loki/api/v1/series", params, query=joined)
        items = expect_list(data, self._context(joined, None), "series")
        return [{str(k): str(v) for k, v in item.items()} for item in items if isinstance(item, dict)]

    # -- plumbing ------------------------------------------------------------------------------------------

    @staticmethod
    def _bounds(start_ns: int | None, end_ns: int | None, query: str | None) -> dict[str, str]:
        params = {k: _ns(v) for k, v in (("start", start_ns), ("end", end_ns)) if v is not None}
        if query:
            params["query"] = query
        return params

    def _context(self, query: str | None, time_range: str | None) -> dict[str, Any]:
        return {"backend": "loki", "cluster": self._target.cluster, "query": query, "time_range": time_range}

    def _scrub(self, text: str) -> str:
        # Error texts may quote a URL or a body that carries the token.
        text = text.replace(self.tenancy.base_url, self._where).replace(self._target.base_url, self._where)
        return redact(text, self._target.auth.secret_values())

    async def _get(self, path: str, params: Any, *, query: str | None = None, time_range: str | None = None) -> Any:
        """Send one GET and return the ``data`` of a success envelope, or raise BackendError."""
        ctx = self._context(query, time_range)
        url = f"{self.tenancy.base_url}/{path}"
        headers = {**self._target.auth.headers(), **self.tenancy.headers}
        try:
            response = await self._http.get(
                url, params=params, headers=headers, auth=self._target.auth.httpx_auth(), timeout=self._timeout
            )
        except TRANSPORT_ERRORS as exc:
            raise transport_error(
                exc,
                backend="Loki",
                where=self._where,
                scrub=self._scrub,
                context=ctx,
                hints=_HINTS,
                timeout_s=self._timeout,
            ) from exc
        return unwrap(response, ctx, self._scrub, auth_kind=self._target.auth.kind())
