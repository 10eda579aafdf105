"""Importing a cluster from a kubeconfig."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import yaml

from tools.errors import ToolInputError
from tools.fleet.kubeconfig import cluster_name_from, parse_kubeconfig

CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBfakeCA\n-----END CERTIFICATE-----\n"
CERT_PEM = "-----BEGIN CERTIFICATE-----\nMIIBclient\n-----END CERTIFICATE-----\n"
KEY_PEM = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIfake\n-----END EC PRIVATE KEY-----\n"
OC_CONTEXT = "default/api-c1-example-com:6443/kube:admin"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def kubeconfig(current: str | None = OC_CONTEXT, extra_users: dict[str, Any] | None = None) -> str:
    """An ``oc login``-style kubeconfig plus a client-cert context on a second cluster."""
    doc: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": "api-c1-example-com:6443",
                "cluster": {
                    "server": "https://api.c1.example.com:6443",
                    "certificate-authority-data": b64(CA_PEM),
                },
            },
            {
                "name": "edge",
                "cluster": {"server": "https://10.0.0.5:6443", "insecure-skip-tls-verify": True},
            },
        ],
        "users": [
            {"name": "kube:admin/api-c1-example-com:6443", "user": {"token": "sha256~c1-token"}},
            {
                "name": "edge-admin",
                "user": {"client-certificate-data": b64(CERT_PEM), "client-key-data": b64(KEY_PEM)},
            },
            *({"name": n, "user": u} for n, u in (extra_users or {}).items()),
        ],
        "contexts": [
            {
                "name": OC_CONTEXT,
                "context": {
                    "cluster": "api-c1-example-com:6443",
                    "user": "kube:admin/api-c1-example-com:6443",
                },
            },
            {"name": "edge-ctx", "context": {"cluster": "edge", "user": "edge-admin"}},
            *({"name": f"{n}-ctx", "context": {"cluster": "edge", "user": n}} for n in (extra_users or {})),
        ],
    }
    if current is not None:
        doc["current-context"] = current
    return yaml.safe_dump(doc)


def test_a_token_user_of_the_current_context_is_imported() -> None:
    imported = parse_kubeconfig(kubeconfig())

    assert imported.context == OC_CONTEXT
    assert imported.spec.name == "api-c1-example-com-6443"
    assert imported.spec.endpoints.api == "https://api.c1.example.com:6443"
    creds = imported.credentials
    assert creds.bearer_token is not None
    assert creds.bearer_token.get_secret_value() == "sha256~c1-token"
    assert creds.ca_cert_pem == CA_PEM
    assert creds.client_cert_pem is None
    assert creds.insecure_skip_verify is False
    assert "sha256~c1-token" not in repr(imported)


def test_the_stored_kubeconfig_holds_only_the_selected_context() -> None:
    imported = parse_kubeconfig(kubeconfig())
    assert imported.credentials.kubeconfig is not None
    stored = yaml.safe_load(imported.credentials.kubeconfig.get_secret_value())
    assert [c["name"] for c in stored["contexts"]] == [OC_CONTEXT]
    assert [c["name"] for c in stored["clusters"]] == ["api-c1-example-com:6443"]
    assert [u["name"] for u in stored["users"]] == ["kube:admin/api-c1-example-com:6443"]
    assert stored["current-context"] == OC_CONTEXT
    assert b64(KEY_PEM) not in imported.credentials.kubeconfig.get_secret_value()


def test_a_client_certificate_user_is_imported_from_the_chosen_context() -> None:
    imported = parse_kubeconfig(kubeconfig(), "edge-ctx")

    assert imported.context == "edge-ctx"
    assert imported.spec.name == "edge"
    assert imported.spec.endpoints.api == "https://10.0.0.5:6443"
    creds = imported.credentials
    assert creds.client_cert_pem is not None
    assert creds.client_cert_pem.get_secret_value() == CERT_PEM
    assert creds.client_key_pem is not None
    assert creds.client_key_pem.get_secret_value() == KEY_PEM
    assert creds.bearer_token is None
    assert creds.insecure_skip_verify is True
    assert creds.kinds() == ["kubeconfig", "client_cert"]


def test_an_explicit_name_replaces_the_derived_one() -> None:
    assert parse_kubeconfig(kubeconfig(), name="prod-east").spec.name == "prod-east"
    with pytest.raises(ToolInputError, match="Invalid cluster name 'Prod_East'"):
        parse_kubeconfig(kubeconfig(), name="Prod_East")


def test_an_unknown_context_lists_the_available_ones() -> None:
    with pytest.raises(ToolInputError) as info:
        parse_kubeconfig(kubeconfig(), "staging")
    assert str(info.value) == (
        f"Context 'staging' is not in the kubeconfig. Hint: Available contexts: {OC_CONTEXT}, edge-ctx."
    )


def test_without_a_current_context_several_contexts_need_a_choice() -> None:
    with pytest.raises(ToolInputError, match=r"no usable current-context.*Available contexts: default/"):
        parse_kubeconfig(kubeconfig(current=None))


@pytest.mark.parametrize(
    ("user", "how"),
    [
        (
            {
                "exec": {
                    "command": "oc",
                    "args": ["sso-login"],
                    "apiVersion": "client.authentication.k8s.io/v1",
                }
            },
            "exec plugin",
        ),
        ({"auth-provider": {"name": "oidc", "config": {"id-token": "eyJ"}}}, "auth-provider"),
    ],
)
def test_plugin_users_are_refused_with_what_to_do_instead(user: dict[str, Any], how: str) -> None:
    with pytest.raises(ToolInputError, match=f"authenticates through an? {how}, which is not supported yet") as info:
        parse_kubeconfig(kubeconfig(extra_users={"sso": user}), "sso-ctx")
    assert "oc whoami -t" in str(info.value)


def test_file_references_ask_for_a_flattened_kubeconfig() -> None:
    text = kubeconfig(extra_users={"file-user": {"client-certificate": "/home/me/.kube/cert.pem"}})
    with pytest.raises(ToolInputError, match="--flatten"):
        parse_kubeconfig(text, "file-user-ctx")


@pytest.mark.parametrize("text", ["", "- just\n- a list\n", "clusters: [\n"])
def test_malformed_documents_are_input_errors(text: str) -> None:
    with pytest.raises(ToolInputError):
        parse_kubeconfig(text)


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("api-c1-example-com:6443", "api-c1-example-com-6443"),
        ("My_Cluster.Prod", "my-cluster-prod"),
        ("--edge--", "edge"),
        ("x" * 70, "x" * 63),
    ],
)
def test_cluster_names_are_sanitised_to_the_name_rule(raw: str, name: str) -> None:
    assert cluster_name_from(raw) == name


def test_a_name_that_sanitises_to_too_little_asks_for_an_explicit_one() -> None:
    with pytest.raises(ToolInputError, match="Give the cluster a name explicitly"):
        cluster_name_from("::a::")
