"""The read-only allow-list: Secrets and ConfigMaps are refused before anything is built or sent."""

from __future__ import annotations

import httpx
import pytest

from tools.errors import ToolInputError
from tools.kubernetes.guard import (
    NODES,
    PODS,
    ForbiddenPathError,
    Resource,
    check_path,
    check_request_url,
    discovery_path,
    resource_path,
)


def test_allowed_resources_build_the_documented_paths() -> None:
    assert resource_path(NODES) == "/api/v1/nodes"
    assert resource_path(PODS, namespace="apps") == "/api/v1/namespaces/apps/pods"
    assert resource_path(PODS, namespace="apps", name="web-1", subresource="log") == (
        "/api/v1/namespaces/apps/pods/web-1/log"
    )
    deployments = Resource("apps", "v1", "deployments", namespaced=True)
    assert resource_path(deployments, namespace="apps", name="web") == "/apis/apps/v1/namespaces/apps/deployments/web"
    assert discovery_path() == "/apis"
    assert discovery_path("loki.grafana.com", "v1") == "/apis/loki.grafana.com/v1"


@pytest.mark.parametrize(
    "resource",
    [
        Resource("", "v1", "secrets", namespaced=True),
        Resource("", "v1", "configmaps", namespaced=True),
        Resource("external-secrets.io", "v1beta1", "secrets", namespaced=True),
        Resource("", "v1", "serviceaccounts", namespaced=True),
        Resource("rbac.authorization.k8s.io", "v1", "roles", namespaced=True),
    ],
)
def test_resources_off_the_allow_list_are_refused(resource: Resource) -> None:
    with pytest.raises(ForbiddenPathError, match="allow-list"):
        resource_path(resource, namespace="apps")


@pytest.mark.parametrize(
    "name",
    [
        "secrets",
        "SECRETS",
        "configmaps",
        "../secrets",
        "a/../../secrets",
        "%73ecrets",
        "..",
        ".",
        "a/b",
        "x?y=1",
        "Web",
    ],
)
def test_hostile_names_never_become_a_path(name: str) -> None:
    with pytest.raises(ToolInputError):
        resource_path(PODS, namespace=name)
    with pytest.raises(ToolInputError):
        resource_path(PODS, namespace="apps", name=name)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/secrets",
        "/api/v1/namespaces/apps/secrets/db",
        "/apis/external-secrets.io/v1/namespaces/a/secrets",
        "/api/v1/namespaces/apps/pods/../secrets",
        "/api/v1/namespaces/apps/%73ecrets",
        "/api/v1/namespaces/apps/%2573ecrets",
        "/api/v1/namespaces/apps/%252573ecrets",
        "/api/v1/namespaces/apps/SeCrEtS",
        "/api/v1/namespaces/apps/configmaps",
        "/api/v1/namespaces/apps/pods%2F..%2Fsecrets",
        "/api/v1/namespaces/apps/secrets;x",
    ],
)
def test_the_final_check_refuses_every_spelling_of_secrets(path: str) -> None:
    with pytest.raises(ForbiddenPathError):
        check_path(path)
    with pytest.raises(ForbiddenPathError):
        check_request_url(httpx.URL("https://api.hub.test:6443" + path), "GET")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_only_get_is_ever_allowed(method: str) -> None:
    with pytest.raises(ForbiddenPathError, match="only read"):
        check_request_url(httpx.URL("https://api.hub.test:6443/api/v1/nodes"), method)


def test_a_namespace_called_like_a_forbidden_resource_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ForbiddenPathError, match="Secrets and ConfigMaps are never read"):
        resource_path(PODS, namespace="secrets")


def test_discovery_paths_accept_only_group_and_version_shapes() -> None:
    with pytest.raises(ForbiddenPathError):
        discovery_path("loki.grafana.com", "../../api/v1/secrets")
    with pytest.raises(ForbiddenPathError):
        discovery_path("secrets", "v1")
