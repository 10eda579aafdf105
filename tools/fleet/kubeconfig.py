"""Import a cluster from a kubeconfig: API URL, TLS material and credentials of one context.

:func:`parse_kubeconfig` reads the context asked for (default: ``current-context``) and returns an
:class:`ImportedCluster` ready for ``FleetRegistry.add``:

- the context's cluster ``server`` → ``endpoints.api``; ``certificate-authority-data`` (base64) →
  ``ca_cert_pem``; ``insecure-skip-tls-verify`` → ``insecure_skip_verify``;
- the user's ``token`` → ``bearer_token``; ``client-certificate-data``/``client-key-data`` → client cert/key;
  ``username``/``password`` → basic auth;
- a minimal kubeconfig holding only that context, its cluster and its user → the ``kubeconfig`` credential.

**Cluster name**: the name of the kubeconfig *cluster entry* the context points at, lower-cased, each run of
characters outside ``[a-z0-9]`` replaced by ``-``, trimmed of leading/trailing ``-`` and cut to 63 characters.
``oc login`` names its context ``default/api-c1-example-com:6443/kube:admin`` and its cluster entry
``api-c1-example-com:6443``, which gives ``api-c1-example-com-6443``. Pass ``name=`` to choose another.

Users that authenticate through an ``exec`` plugin or an ``auth-provider``, and file references
(``tokenFile``, ``client-certificate``, ``certificate-authority`` paths), are refused with a message saying
what to do instead: nothing is stored that the registry could not use.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import SecretStr, ValidationError

from tools.errors import ToolInputError
from tools.fleet.models import ClusterSpec, Credentials, Endpoints

__all__ = ["ImportedCluster", "cluster_name_from", "parse_kubeconfig"]

_FLATTEN_HINT = "Export a self-contained kubeconfig with: kubectl config view --raw --flatten --minify --context <name>"


@dataclass(frozen=True)
class ImportedCluster:
    """One kubeconfig context turned into what the registry stores. ``repr`` hides the credentials."""

    spec: ClusterSpec
    credentials: Credentials = field(repr=False)
    context: str
    server: str


def cluster_name_from(raw: str) -> str:
    """Sanitise a kubeconfig cluster name into a registry cluster name (see the module docstring)."""
    name = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")[:63].rstrip("-")
    if len(name) < 3:
        raise ToolInputError(
            f"Cannot derive a cluster name from {raw!r}.",
            hint="Give the cluster a name explicitly (3-63 characters).",
        )
    return name


def _named(doc: dict[str, Any], section: str) -> dict[str, dict[str, Any]]:
    entries = doc.get(section) or []
    if not isinstance(entries, list):
        raise ToolInputError(f"The kubeconfig's {section!r} is not a list.")
    kind = section[:-1]  # "contexts" → "context": the key holding each entry's body
    return {str(e["name"]): (e.get(kind) or {}) for e in entries if isinstance(e, dict) and e.get("name") is not None}


def _decode(value: str, what: str) -> str:
    try:
        return base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ToolInputError(f"The kubeconfig's {what} is not valid base64 PEM data.") from exc


def _pick_context(doc: dict[str, Any], contexts: dict[str, dict[str, Any]], wanted: str | None) -> str:
    available = ", ".join(sorted(contexts)) or "none"
    if wanted is not None:
        if wanted not in contexts:
            raise ToolInputError(
                f"Context {wanted!r} is not in the kubeconfig.", hint=f"Available contexts: {available}."
            )
        return wanted
    current = doc.get("current-context")
    if current in contexts:
        return str(current)
    if len(contexts) == 1:
        return next(iter(contexts))
    raise ToolInputError(
        "The kubeconfig has no usable current-context; choose one.", hint=f"Available contexts: {available}."
    )


def _credentials(user_name: str, user: dict[str, Any], cluster: dict[str, Any]) -> Credentials:
    if user.get("exec") or user.get("auth-provider"):
        how = "an exec plugin" if user.get("exec") else "an auth-provider"
        raise ToolInputError(
            f"User {user_name!r} authenticates through {how}, which is not supported yet.",
            hint="Use a token instead (on OpenShift: oc whoami -t, or a service account token), "
            "or a client certificate.",
        )
    for file_key in ("tokenFile", "client-certificate", "client-key"):
        if user.get(file_key):
            raise ToolInputError(
                f"User {user_name!r} refers to a file ({file_key}), which cannot be imported.",
                hint=_FLATTEN_HINT,
            )
    if cluster.get("certificate-authority"):
        raise ToolInputError("The cluster refers to a CA file (certificate-authority).", hint=_FLATTEN_HINT)
    ca = cluster.get("certificate-authority-data")
    cert = user.get("client-certificate-data")
    key = user.get("client-key-data")
    return Credentials(
        bearer_token=SecretStr(str(user["token"])) if user.get("token") else None,
        basic_user=str(user["username"]) if user.get("username") else None,
        basic_password=SecretStr(str(user["password"])) if user.get("password") else None,
        client_cert_pem=SecretStr(_decode(cert, "client-certificate-data")) if cert else None,
        client_key_pem=SecretStr(_decode(key, "client-key-data")) if key else None,
        ca_cert_pem=_decode(ca, "certificate-authority-data") if ca else None,
        insecure_skip_verify=bool(cluster.get("insecure-skip-tls-verify", False)),
    )


def parse_kubeconfig(text: str, context: str | None = None, *, name: str | None = None) -> ImportedCluster:
    """Read one context of the kubeconfig ``text``; :class:`ToolInputError` says what is wrong or missing."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ToolInputError(f"The kubeconfig is not valid YAML: {exc}") from exc
    if not isinstance(doc, dict):
        raise ToolInputError("The kubeconfig is not a YAML mapping (apiVersion, clusters, users, contexts).")
    contexts = _named(doc, "contexts")
    chosen = _pick_context(doc, contexts, context)
    ctx = contexts[chosen]
    cluster_name, user_name = str(ctx.get("cluster", "")), str(ctx.get("user", ""))
    cluster = _named(doc, "clusters").get(cluster_name)
    if cluster is None or not cluster.get("server"):
        raise ToolInputError(f"Context {chosen!r} points at cluster {cluster_name!r}, which has no server URL.")
    user = _named(doc, "users").get(user_name, {})
    credentials = _credentials(user_name, user, cluster)
    # Keep only what this context needs: the other contexts' secrets must not be stored with this cluster.
    minimal = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster_name, "cluster": cluster}],
        "users": [{"name": user_name, "user": user}],
        "contexts": [{"name": chosen, "context": ctx}],
        "current-context": chosen,
    }
    credentials = credentials.model_copy(update={"kubeconfig": SecretStr(yaml.safe_dump(minimal, sort_keys=False))})
    server = str(cluster["server"])
    try:
        spec = ClusterSpec(name=name or cluster_name_from(cluster_name), endpoints=Endpoints(api=server))
    except ValidationError as exc:
        raise ToolInputError(f"Invalid cluster name {name!r}.", hint="Use 3-63 characters: a-z, 0-9 and '-'.") from exc
    return ImportedCluster(spec=spec, credentials=credentials, context=chosen, server=server)
