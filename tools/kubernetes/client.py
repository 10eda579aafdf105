"""A GET-only async client for the Kubernetes/OpenShift API of one cluster.

One :class:`KubeClient` talks to one :class:`~tools.targets.BackendTarget` (the cluster's ``api`` endpoint with its
stored token, client certificate and CA) through an injected ``httpx.AsyncClient``. It can list a collection (with
``limit``/``continue``), get one object, read a pod's log, and read discovery documents — nothing else: every path
comes from :mod:`tools.kubernetes.guard` and the final URL is checked again right before sending.

Failures become :class:`~tools.errors.BackendError` with the API's own ``Status`` message and reason verbatim:
401/403 name the verb and resource the credentials could not reach, 404 is :class:`KubeNotFoundError`, 410 (an
expired ``continue`` token) is :class:`KubeExpiredError`, timeouts are :class:`~tools.errors.BackendTimeoutError`.
Tokens never appear in an error: they are scrubbed out of every text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tools.errors import BackendError
from tools.kubernetes.guard import (
    PODS,
    Resource,
    check_request_url,
    discovery_path,
    resource_path,
    validate_name,
)
from tools.targets import BackendTarget, display_url, redact
from tools.transport import TRANSPORT_ERRORS, FailureHints, transport_error

__all__ = ["KubeClient", "KubeExpiredError", "KubeList", "KubeNotFoundError"]

_HINTS = FailureHints(
    timeout="Narrow the request (a namespace, a selector, a smaller limit) or retry later.",
    unreachable="Check the cluster's api URL, its CA bundle/client certificate and network reachability.",
    endpoint="Fix the cluster's api endpoint in the fleet registry (aiops cluster remove/add).",
)

_BODY_LIMIT = 500


class KubeNotFoundError(BackendError):
    """The API answered 404: the object (or the resource type itself) does not exist on this cluster."""


class KubeExpiredError(BackendError):
    """The API answered 410 Gone/Expired: a ``continue`` token is too old to resume the listing."""


@dataclass(frozen=True)
class KubeList:
    """One page of a list call: the items, the token for the next page (``None`` on the last) and the count left."""

    items: list[dict[str, Any]]
    continue_token: str | None = None
    remaining: int | None = None
    resource_version: str | None = None


def _status_of(response: httpx.Response) -> tuple[str | None, str | None]:
    """``(message, reason)`` of a Kubernetes ``Status`` body, or ``(None, None)``."""
    try:
        body = response.json()
    except ValueError:
        return None, None
    if isinstance(body, dict) and body.get("kind") == "Status":
        message, reason = body.get("message"), body.get("reason")
        return (str(message) if message else None), (str(reason) if reason else None)
    return None, None


class KubeClient:
    """Read-only calls to one cluster's API server. Build one per target per call; it holds no connections."""

    def __init__(self, http: httpx.AsyncClient, target: BackendTarget, *, timeout: float = 15.0) -> None:
        self._http = http
        self._target = target
        self._timeout = timeout
        self._where = display_url(target.base_url)

    @property
    def target(self) -> BackendTarget:
        """The endpoint this client talks to."""
        return self._target

    async def list(
        self,
        resource: Resource,
        *,
        namespace: str | None = None,
        limit: int | None = None,
        continue_token: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> KubeList:
        """One page of ``resource`` (all namespaces when ``namespace`` is ``None`` and it is namespaced)."""
        params = {
            k: v
            for k, v in (
                ("limit", str(limit) if limit else None),
                ("continue", continue_token or None),
                ("labelSelector", label_selector or None),
                ("fieldSelector", field_selector or None),
            )
            if v
        }
        path = resource_path(resource, namespace=namespace)
        body = await self._json(path, params, verb="list", resource=resource, namespace=namespace)
        items = body.get("items")
        if not isinstance(items, list):
            raise self._shape_error(f"list {resource.describe()}", body)
        raw_meta = body.get("metadata")
        meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
        remaining = meta.get("remainingItemCount")
        return KubeList(
            items=[i for i in items if isinstance(i, dict)],
            continue_token=str(meta["continue"]) if meta.get("continue") else None,
            remaining=int(remaining) if isinstance(remaining, int) else None,
            resource_version=str(meta["resourceVersion"]) if meta.get("resourceVersion") else None,
        )

    async def get(self, resource: Resource, name: str, *, namespace: str | None = None) -> dict[str, Any]:
        """One object; :class:`KubeNotFoundError` when it does not exist."""
        path = resource_path(resource, namespace=namespace, name=name)
        return await self._json(path, {}, verb="get", resource=resource, namespace=namespace, name=name)

    async def pod_log(
        self,
        namespace: str,
        pod: str,
        *,
        container: str | None = None,
        tail_lines: int | None = None,
        previous: bool = False,
        limit_bytes: int | None = None,
    ) -> str:
        """The (tail of the) log of one container of a pod, as text."""
        if container is not None:
            validate_name(container, "container")
        path = resource_path(PODS, namespace=namespace, name=pod, subresource="log")
        params = {
            k: v
            for k, v in (
                ("container", container),
                ("tailLines", str(tail_lines) if tail_lines else None),
                ("previous", "true" if previous else None),
                ("limitBytes", str(limit_bytes) if limit_bytes else None),
            )
            if v
        }
        response = await self._send(path, params, verb="get", resource=PODS, namespace=namespace, name=f"{pod}/log")
        return response.text

    async def discovery(self, group: str | None = None, version: str | None = None) -> dict[str, Any]:
        """``/apis`` (APIGroupList) or ``/apis/<group>/<version>`` (APIResourceList)."""
        path = discovery_path(group, version)
        what = Resource(group or "", version or "", "discovery", namespaced=False)
        return await self._json(path, {}, verb="discover", resource=what)

    async def version(self) -> dict[str, Any]:
        """``/version``: the Kubernetes version of the API server (``gitVersion``, ``major``, ``minor``...)."""
        what = Resource("", "", "version", namespaced=False)
        return await self._json("/version", {}, verb="get", resource=what)

    # -- plumbing ------------------------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        return redact(text.replace(self._target.base_url, self._where), self._target.auth.secret_values())

    def _shape_error(self, what: str, body: Any) -> BackendError:
        return BackendError(
            f"The Kubernetes API sent an unexpected answer to {what}",
            backend="api",
            cluster=self._target.cluster,
            body=self._scrub(str(body)[:_BODY_LIMIT]),
            hint="Is the cluster's api URL the Kubernetes API server (not a console or proxy page)?",
        )

    async def _json(
        self,
        path: str,
        params: dict[str, str],
        *,
        verb: str,
        resource: Resource,
        namespace: str | None = None,
        name: str | None = None,
    ) -> dict[str, Any]:
        response = await self._send(path, params, verb=verb, resource=resource, namespace=namespace, name=name)
        try:
            body = response.json()
        except ValueError:
            raise self._shape_error(f"{verb} {resource.describe()}", response.text) from None
        if not isinstance(body, dict):
            raise self._shape_error(f"{verb} {resource.describe()}", body)
        return body

    async def _send(
        self,
        path: str,
        params: dict[str, str],
        *,
        verb: str,
        resource: Resource,
        namespace: str | None,
        name: str | None,
    ) -> httpx.Response:
        url = httpx.URL(self._target.url(path), params=params)
        check_request_url(url, "GET")
        what = f"{verb} {resource.describe()}" + (f" {name!r}" if name else "")
        what += f" in namespace {namespace!r}" if namespace else (" (all namespaces)" if resource.namespaced else "")
        ctx: dict[str, Any] = {"backend": "api", "cluster": self._target.cluster, "query": what}
        try:
            response = await self._http.get(
                url,
                headers={**self._target.auth.headers(), "Accept": "application/json, */*"},
                auth=self._target.auth.httpx_auth(),
                timeout=self._timeout,
            )
        except TRANSPORT_ERRORS as exc:
            raise transport_error(
                exc,
                backend="Kubernetes API",
                where=self._where,
                scrub=self._scrub,
                context=ctx,
                hints=_HINTS,
                timeout_s=self._timeout,
            ) from exc
        if response.is_success:
            return response
        raise self._error(response, what, resource, ctx)

    def _error(self, response: httpx.Response, what: str, resource: Resource, ctx: dict[str, Any]) -> BackendError:
        status = response.status_code
        message, reason = _status_of(response)
        body = self._scrub(message if message else response.text[:_BODY_LIMIT].strip())
        said = f"HTTP {status}{' ' + reason if reason else ''}"
        if status == 401:
            return BackendError(
                f"The Kubernetes API refused the credentials ({said}) for {what}: the "
                f"{self._target.auth.kind()} sent was not accepted (expired, revoked or wrong cluster)",
                **ctx,
                status=status,
                body=body,
                hint="Update the cluster's stored token or client certificate in the fleet registry.",
            )
        if status == 403:
            return BackendError(
                f"The stored credentials are not allowed to {what} ({said}: RBAC)",
                **ctx,
                status=status,
                body=body,
                hint=f"Grant the service account get/list on {resource.describe()} (e.g. the cluster-reader "
                "ClusterRole), or ask about a namespace it can read.",
            )
        if status == 404:
            return KubeNotFoundError(f"Not found: {what} ({said})", **ctx, status=status, body=body)
        if status == 410:
            return KubeExpiredError(
                f"The continue token for {what} has expired ({said})",
                **ctx,
                status=status,
                body=body,
                hint="Repeat the call without cursor to start the listing again.",
            )
        if 300 <= status < 400:
            return BackendError(
                f"The Kubernetes API redirected to {response.headers.get('location', '?')!r} instead of answering",
                **ctx,
                status=status,
                hint="The api URL probably points at a console or OAuth login page; use the API server URL (:6443).",
            )
        hint = (
            "The request itself was refused: fix the argument the message names (selector, container, ...)."
            if status in (400, 422)
            else "The API server failed; retry later or check the cluster's control plane."
        )
        return BackendError(f"The Kubernetes API answered {said} to {what}", **ctx, status=status, body=body, hint=hint)
