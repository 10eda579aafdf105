"""An async client for the Prometheus HTTP API (``/api/v1``), which Thanos Querier also serves.

One :class:`PrometheusClient` talks to one :class:`~tools.targets.BackendTarget` through an injected
``httpx.AsyncClient``. Every failure becomes a :class:`~tools.errors.BackendError` naming the cluster, the
query, the time range, the HTTP status and Prometheus' own ``errorType``/``error`` verbatim; a timeout becomes
:class:`~tools.errors.BackendTimeoutError` so fan-out reports it as ``timeout``. Prometheus ``warnings`` are
kept.
"""

from __future__ import annotations

import re
from typing import Any, Literal
from urllib.parse import quote

import httpx

from tools.errors import ToolInputError
from tools.prometheus.envelope import (
    PrometheusAPIError,
    QueryData,
    expect_field,
    expect_list,
    query_data,
    shape_error,
    unwrap,
)
from tools.targets import BackendTarget, display_url, redact
from tools.timespec import format_duration, format_rfc3339
from tools.transport import TRANSPORT_ERRORS, FailureHints, transport_error

__all__ = ["PrometheusAPIError", "PrometheusClient", "QueryData"]

_HINTS = FailureHints(
    timeout="Narrow the query (fewer series, shorter range, larger step) or retry later.",
    unreachable="Check the cluster's metrics URL and network reachability in the fleet registry.",
)

_LABEL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Prometheus' own timeout is the one we want to fire first (its message is clearer), so httpx waits a bit longer.
_HTTP_GRACE_S = 5.0


def _num(value: float) -> str:
    """A unix time or step as Prometheus reads it, without float noise (``1700000000``, ``1700000000.5``)."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


class PrometheusClient:
    """Typed calls to one Prometheus/Thanos endpoint. Build one per target per call; it holds no connections."""

    def __init__(self, http: httpx.AsyncClient, target: BackendTarget, *, timeout: float = 30.0) -> None:
        self._http = http
        self._target = target
        self._timeout = timeout
        self._where = display_url(target.base_url)

    def _timeout_param(self) -> str:
        # Whole milliseconds: Prometheus' duration parser refuses fractional units such as "13.5s".
        return f"{max(1, round(self._timeout * 1000))}ms"

    @property
    def target(self) -> BackendTarget:
        """The endpoint this client talks to."""
        return self._target

    async def query(self, promql: str, *, time: float | None = None) -> QueryData:
        """Evaluate ``promql`` at one instant (server time when ``time`` is ``None``)."""
        form = {"query": promql, "timeout": self._timeout_param()}
        if time is not None:
            form["time"] = _num(time)
        where = f"at {format_rfc3339(time)}" if time is not None else "at now"
        data, warnings = await self._call("POST", "api/v1/query", data=form, query=promql, time_range=where)
        return query_data(data, warnings, self._context(promql, where))

    async def query_range(self, promql: str, *, start: float, end: float, step: float) -> QueryData:
        """Evaluate ``promql`` over ``[start, end]`` every ``step`` seconds (always a matrix)."""
        form = {
            "query": promql,
            "start": _num(start),
            "end": _num(end),
            "step": _num(step),
            "timeout": self._timeout_param(),
        }
        where = f"{format_rfc3339(start)} .. {format_rfc3339(end)} step {format_duration(step)}"
        data, warnings = await self._call("POST", "api/v1/query_range", data=form, query=promql, time_range=where)
        return query_data(data, warnings, self._context(promql, where))

    async def series(
        self, matchers: list[str], *, start: float | None = None, end: float | None = None
    ) -> list[dict[str, str]]:
        """Label sets of the series matching any of ``matchers`` (series selectors)."""
        form = self._matchers_form(matchers, start, end)
        data, _ = await self._call("POST", "api/v1/series", data=form, query=" or ".join(matchers))
        return [dict(item) for item in expect_list(data, self._context(" or ".join(matchers), None))]

    async def label_names(
        self, matchers: list[str] | None = None, *, start: float | None = None, end: float | None = None
    ) -> list[str]:
        """Label names present on series matching ``matchers`` (all series when ``None``)."""
        form = self._matchers_form(matchers or [], start, end)
        data, _ = await self._call("POST", "api/v1/labels", data=form)
        return [str(v) for v in expect_list(data, self._context(None, None))]

    async def label_values(
        self,
        label: str,
        matchers: list[str] | None = None,
        *,
        start: float | None = None,
        end: float | None = None,
    ) -> list[str]:
        """Values of ``label`` (``__name__`` lists metric names) on series matching ``matchers``."""
        if not _LABEL_NAME.match(label):
            raise ToolInputError(f"{label!r} is not a label name.", hint="Label names look like namespace or __name__.")
        params: list[tuple[str, str]] = [("match[]", m) for m in matchers or []]
        params += [(k, _num(v)) for k, v in (("start", start), ("end", end)) if v is not None]
        path = f"api/v1/label/{quote(label, safe='')}/values"
        data, _ = await self._call("GET", path, params=params, query=" or ".join(matchers or []) or None)
        return [str(v) for v in expect_list(data, self._context(None, None))]

    async def metadata(self, metric: str | None = None, *, limit: int | None = None) -> dict[str, list[dict[str, Any]]]:
        """Type, help and unit per metric name, as scraped (``{metric: [{type, help, unit}, ...]}``)."""
        params = {k: str(v) for k, v in (("metric", metric), ("limit", limit)) if v is not None}
        data, _ = await self._call("GET", "api/v1/metadata", params=params)
        if not isinstance(data, dict):
            raise shape_error("metadata", data, self._context(None, None))
        return {str(k): list(v) for k, v in data.items() if isinstance(v, list)}

    async def alerts(self) -> list[dict[str, Any]]:
        """Active (pending and firing) alerts as Prometheus' rule evaluation sees them."""
        data, _ = await self._call("GET", "api/v1/alerts")
        return expect_list(expect_field(data, "alerts", self._context(None, None)), self._context(None, None))

    async def rules(self, rule_type: Literal["alert", "record"] | None = None) -> list[dict[str, Any]]:
        """Rule groups, each with its alerting/recording rules, health and last error."""
        params = {"type": rule_type} if rule_type else {}
        data, _ = await self._call("GET", "api/v1/rules", params=params)
        return expect_list(expect_field(data, "groups", self._context(None, None)), self._context(None, None))

    async def targets(self, state: Literal["active", "dropped", "any"] = "active") -> dict[str, Any]:
        """Scrape targets: ``{"activeTargets": [...], "droppedTargets": [...]}``."""
        data, _ = await self._call("GET", "api/v1/targets", params={"state": state})
        if not isinstance(data, dict):
            raise shape_error("targets", data, self._context(None, None))
        return data

    # -- plumbing ------------------------------------------------------------------------------------------

    def _matchers_form(self, matchers: list[str], start: float | None, end: float | None) -> dict[str, Any]:
        form: dict[str, Any] = {"match[]": matchers} if matchers else {}
        form.update({k: _num(v) for k, v in (("start", start), ("end", end)) if v is not None})
        return form

    def _context(self, query: str | None, time_range: str | None) -> dict[str, Any]:
        return {
            "backend": "prometheus",
            "cluster": self._target.cluster,
            "query": query,
            "time_range": time_range,
        }

    def _scrub(self, text: str) -> str:
        # Error texts may quote a body or URL that carries a token, a password or user:password@.
        return redact(text.replace(self._target.base_url, self._where), self._target.auth.secret_values())

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        data: dict[str, Any] | None = None,
        query: str | None = None,
        time_range: str | None = None,
    ) -> tuple[Any, list[str]]:
        """Send one request and return ``(data, warnings)`` from a success envelope, or raise BackendError."""
        ctx = self._context(query, time_range)
        try:
            response = await self._http.request(
                method,
                self._target.endpoint(path),
                params=params,
                data=data,
                headers=self._target.auth.headers(),
                auth=self._target.auth.httpx_auth(),
                timeout=self._timeout + _HTTP_GRACE_S,
            )
        except TRANSPORT_ERRORS as exc:
            raise transport_error(
                exc,
                backend="Prometheus",
                where=self._where,
                scrub=self._scrub,
                context=ctx,
                hints=_HINTS,
                timeout_s=self._timeout,
            ) from exc
        return unwrap(response, ctx, self._scrub, auth_kind=self._target.auth.kind())
