"""Prometheus' JSON answers: the success/error envelope, the shapes of ``data`` and the errors they become.

Prometheus answers ``{"status": "success"|"error", "data": ..., "errorType": ..., "error": ..., "warnings": [...]}``
(errors usually with HTTP 400/422/503, sometimes with 200). :func:`unwrap` turns a response into ``(data, warnings)``
or the :class:`~tools.errors.BackendError` that explains it: refused credentials, a redirect to a login page, a body
that is not JSON, Prometheus' own error verbatim (:class:`PrometheusAPIError`) or its timeout
(:class:`~tools.errors.BackendTimeoutError`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tools.errors import BackendError, BackendTimeoutError

__all__ = [
    "BODY_LIMIT",
    "PrometheusAPIError",
    "QueryData",
    "expect_field",
    "expect_list",
    "query_data",
    "shape_error",
    "unwrap",
]

BODY_LIMIT = 500
_USER_ERROR_TYPES = {"bad_data", "execution"}


@dataclass(frozen=True)
class QueryData:
    """The ``data`` of a query answer: ``result_type`` and ``result`` as Prometheus sent them, plus warnings.

    Scalar and string results are wrapped as ``[{"metric": {}, "value": [ts, v]}]`` so callers handle one
    shape.
    """

    result_type: str
    result: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)


class PrometheusAPIError(BackendError):
    """Prometheus answered with its error envelope; ``error_type`` and ``error`` are its own words."""

    def __init__(
        self,
        message: str,
        *,
        error_type: str | None,
        error: str | None,
        cluster: str | None = None,
        query: str | None = None,
        time_range: str | None = None,
        status: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.error_type = error_type
        self.error = error
        super().__init__(
            message,
            backend="prometheus",
            cluster=cluster,
            query=query,
            time_range=time_range,
            status=status,
            body=error,
            hint=hint,
        )

    @property
    def is_user_error(self) -> bool:
        """True when the request itself is wrong (bad PromQL or parameters) rather than the backend failing."""
        return self.error_type in _USER_ERROR_TYPES or self.status in (400, 422)


def _hint_for(error_type: str | None) -> str:
    if error_type == "bad_data":
        return "Fix the query or parameters: the text above is Prometheus' own message (position = line:col)."
    if error_type == "execution":
        return "The query parsed but could not run (e.g. many-to-many matching, too many samples): fix it."
    return "The backend failed; retry later or check the cluster's monitoring stack."


def unwrap(
    response: httpx.Response, ctx: dict[str, Any], scrub: Callable[[str], str], *, auth_kind: str = "credentials"
) -> tuple[Any, list[str]]:
    """``(data, warnings)`` of a success envelope; otherwise raise the BackendError that explains the answer."""
    status = response.status_code
    if status in (401, 403):
        raise BackendError(
            f"Prometheus refused the credentials (HTTP {status}): the {auth_kind} sent was not accepted or lacks "
            "access",
            **ctx,
            status=status,
            hint="Check the cluster's stored credentials; an OpenShift service-account token needs e.g. the "
            "cluster-monitoring-view role.",
        )
    if 300 <= status < 400:
        raise BackendError(
            f"Prometheus redirected to {response.headers.get('location', '?')!r} instead of answering",
            **ctx,
            status=status,
            hint="base_url probably points at a login/OAuth proxy page; use the API route or a token.",
        )
    try:
        envelope = response.json()
    except ValueError:
        raise BackendError(
            f"Prometheus answered HTTP {status} with a body that is not JSON",
            **ctx,
            status=status,
            body=scrub(response.text[:BODY_LIMIT]),
            hint="Is base_url the Prometheus/Thanos API (not a console, router error or login page)?",
        ) from None
    if not isinstance(envelope, dict) or "status" not in envelope:
        raise BackendError(
            f"Prometheus answered HTTP {status} with JSON that is not an API envelope",
            **ctx,
            status=status,
            body=scrub(json.dumps(envelope)[:BODY_LIMIT]),
            hint="Is base_url the Prometheus/Thanos API?",
        )
    if envelope.get("status") != "success" or status >= 400:
        _raise_api_error(envelope, status, ctx, scrub)
    warnings = [str(w) for w in envelope.get("warnings") or []]
    return envelope.get("data"), warnings


def _raise_api_error(envelope: dict[str, Any], status: int, ctx: dict[str, Any], scrub: Callable[[str], str]) -> None:
    error_type = envelope.get("errorType")
    error = envelope.get("error")
    error_text = scrub(str(error)) if error is not None else None
    if error_type in ("timeout", "canceled"):
        raise BackendTimeoutError(
            f"Prometheus gave up on the query ({error_type})",
            **ctx,
            status=status,
            body=error_text,
            hint="Narrow the query (fewer series, shorter range, larger step) or use a recording rule.",
        )
    raise PrometheusAPIError(
        f"Prometheus rejected the request ({error_type or 'error'})",
        error_type=str(error_type) if error_type is not None else None,
        error=error_text,
        cluster=ctx["cluster"],
        query=ctx["query"],
        time_range=ctx["time_range"],
        status=status,
        hint=_hint_for(error_type),
    )


def shape_error(what: str, data: Any, ctx: dict[str, Any]) -> BackendError:
    """The error for a success envelope whose ``data`` is not shaped as the endpoint documents."""
    return BackendError(
        f"Prometheus sent an unexpected {what} payload ({type(data).__name__})",
        **ctx,
        body=json.dumps(data)[:BODY_LIMIT],
        hint="Is base_url a Prometheus/Thanos API (not another service)?",
    )


def expect_field(data: Any, key: str, ctx: dict[str, Any]) -> Any:
    """``data[key]`` of an object payload, or a shape error."""
    if not isinstance(data, dict) or key not in data:
        raise shape_error(key, data, ctx)
    return data[key]


def expect_list(data: Any, ctx: dict[str, Any]) -> list[Any]:
    """A list payload (``null`` reads as empty), or a shape error."""
    if data is None:  # Prometheus sends null for an empty label list on some versions
        return []
    if not isinstance(data, list):
        raise BackendError(
            f"Prometheus sent {type(data).__name__} where a list was expected",
            **ctx,
            body=json.dumps(data)[:BODY_LIMIT],
            hint="Is base_url a Prometheus/Thanos API?",
        )
    return data


def query_data(data: Any, warnings: list[str], ctx: dict[str, Any]) -> QueryData:
    """The ``data`` of a query answer as :class:`QueryData` (scalars and strings wrapped as one sample)."""
    if not isinstance(data, dict) or "resultType" not in data:
        raise BackendError(
            "Prometheus sent a query answer without resultType",
            **ctx,
            body=json.dumps(data)[:BODY_LIMIT],
            hint="Is base_url a Prometheus/Thanos API?",
        )
    result_type = str(data["resultType"])
    result = data.get("result")
    if result_type in ("scalar", "string"):
        wrapped = [{"metric": {}, "value": result}] if isinstance(result, list) else []
        return QueryData(result_type, wrapped, warnings)
    return QueryData(result_type, expect_list(result, ctx), warnings)
