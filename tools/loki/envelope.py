"""Loki's HTTP answers: the success envelope, the shapes of ``data`` and the errors failures become.

Loki answers ``{"status": "success", "data": ...}``. Its errors are usually **plain text** (a bad LogQL query gives
HTTP 400 with e.g. ``parse error at line 1, col 12: syntax error: unexpected IDENTIFIER``); some proxies and
versions send JSON (``{"status": "error", "error": ...}`` or ``{"message": ...}``). :func:`unwrap` turns a response
into ``data`` or the :class:`~tools.errors.BackendError` that explains it, with Loki's own words verbatim.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from tools.errors import BackendError, BackendTimeoutError

__all__ = ["BODY_LIMIT", "LokiData", "expect_list", "query_data", "unwrap"]

BODY_LIMIT = 1_000
_RESULT_TYPES = ("streams", "matrix", "vector", "scalar")
_TIMEOUT_WORDS = ("context deadline exceeded", "timeout exceeded", "query timed out")


@dataclass(frozen=True)
class LokiData:
    """The ``data`` of a query answer: ``result_type`` (streams, matrix, vector) and ``result`` as Loki sent them.

    A scalar is wrapped as ``[{"metric": {}, "value": [ts, v]}]`` so callers handle the vector shape.
    """

    result_type: str
    result: list[dict[str, Any]]


def _error_text(response: httpx.Response) -> str:
    """Loki's error message: the plain-text body, or the ``error``/``message`` of a JSON body."""
    text = response.text.strip()
    try:
        body = json.loads(text)
    except ValueError:
        return text
    if isinstance(body, dict):
        for key in ("error", "message"):
            if isinstance(body.get(key), str) and body[key]:
                return str(body[key])
    return text


def unwrap(
    response: httpx.Response, ctx: dict[str, Any], scrub: Callable[[str], str], *, auth_kind: str = "credentials"
) -> Any:
    """The ``data`` of a success envelope; otherwise raise the BackendError that explains the answer."""
    status = response.status_code
    if status in (401, 403):
        raise BackendError(
            f"Loki refused the credentials (HTTP {status}): the {auth_kind} sent was not accepted or lacks access",
            **ctx,
            status=status,
            body=scrub(_error_text(response))[:BODY_LIMIT] or None,
            hint="Check the cluster's stored token. Behind an OpenShift LokiStack gateway it needs read access to the "
            "tenant (e.g. the cluster-logging-application-view role for application logs; infrastructure and audit "
            "logs need their own roles).",
        )
    if 300 <= status < 400:
        raise BackendError(
            f"Loki redirected to {response.headers.get('location', '?')!r} instead of answering",
            **ctx,
            status=status,
            hint="The loki URL probably points at a login/OAuth page; register the API or gateway route with a token.",
        )
    if status >= 400:
        _raise_http_error(response, status, ctx, scrub)
    try:
        envelope = response.json()
    except ValueError:
        raise BackendError(
            f"Loki answered HTTP {status} with a body that is not JSON",
            **ctx,
            status=status,
            body=scrub(response.text[:BODY_LIMIT]),
            hint="Is the registered loki URL the Loki API (or a LokiStack gateway tenant route such as "
            "https://gateway/api/logs/v1/application), not a console or login page?",
        ) from None
    if not isinstance(envelope, dict) or envelope.get("status") != "success":
        raise BackendError(
            f"Loki answered HTTP {status} without a success envelope",
            **ctx,
            status=status,
            body=scrub(json.dumps(envelope)[:BODY_LIMIT]),
            hint="Is the registered loki URL a Loki API?",
        )
    return envelope.get("data")


def _raise_http_error(response: httpx.Response, status: int, ctx: dict[str, Any], scrub: Callable[[str], str]) -> None:
    message = scrub(_error_text(response))[:BODY_LIMIT]
    lowered = message.lower()
    if status == 504 or any(word in lowered for word in _TIMEOUT_WORDS):
        raise BackendTimeoutError(
            f"Loki gave up on the query (HTTP {status})",
            **ctx,
            status=status,
            body=message or None,
            hint='Narrow the query: a shorter range, more exact stream matchers, or a line filter such as |= "error".',
        )
    if status == 400:
        raise BackendError(
            "Loki rejected the query",
            **ctx,
            status=status,
            body=message or None,
            hint="Fix the LogQL or parameters: the text above is Loki's own message (line/col point into the query).",
        )
    if status == 404:
        hint = (
            "No Loki API at this URL: register the Loki base URL (or a LokiStack gateway route ending in "
            "/api/logs/v1/<tenant>, tenant application, infrastructure or audit)."
        )
    elif status == 429:
        hint = "Loki is rate limiting this tenant: retry later or narrow the query."
    else:
        hint = "Loki failed; retry later or check the cluster's logging stack (querier, query-frontend, gateway)."
    raise BackendError(f"Loki answered HTTP {status}", **ctx, status=status, body=message or None, hint=hint)


def expect_list(data: Any, ctx: dict[str, Any], what: str) -> list[Any]:
    """A list payload (``null`` reads as empty: Loki sends it for an empty label list), or a shape error."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise BackendError(
            f"Loki sent {type(data).__name__} where a list of {what} was expected",
            **ctx,
            body=json.dumps(data)[:BODY_LIMIT],
            hint="Is the registered loki URL a Loki API?",
        )
    return data


def query_data(data: Any, ctx: dict[str, Any]) -> LokiData:
    """The ``data`` of a query answer as :class:`LokiData`."""
    if not isinstance(data, dict) or data.get("resultType") not in _RESULT_TYPES:
        raise BackendError(
            "Loki sent a query answer without a known resultType",
            **ctx,
            body=json.dumps(data)[:BODY_LIMIT],
            hint="Is the registered loki URL a Loki API?",
        )
    result_type = str(data["resultType"])
    result = data.get("result")
    if result_type == "scalar":
        return LokiData("vector", [{"metric": {}, "value": result}] if isinstance(result, list) else [])
    return LokiData(result_type, [r for r in expect_list(result, ctx, "results") if isinstance(r, dict)])
