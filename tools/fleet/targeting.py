"""Turn one endpoint of a registered cluster plus its decrypted credentials into a :class:`BackendTarget`.

Used by the registry (``FleetRegistry.targets``, for the metric/log/trace adapters) and by the prober, so both
call a backend with exactly the same auth and TLS.
"""

from __future__ import annotations

from typing import Literal, get_args

from tools.fleet.models import Cluster, Credentials
from tools.targets import BackendAuth, BackendTarget, TlsConfig

__all__ = ["BACKENDS", "Backend", "build_target", "secret_values"]

Backend = Literal["prometheus", "thanos", "alertmanager", "api", "loki", "tempo"]
BACKENDS: tuple[str, ...] = get_args(Backend)


def build_target(cluster: Cluster, backend: str, credentials: Credentials | None) -> BackendTarget | None:
    """The target for ``backend`` of ``cluster``, or ``None`` when the cluster has no such endpoint."""
    base_url = getattr(cluster.endpoints, backend, None)
    if not base_url:
        return None
    creds = credentials or Credentials()
    auth = BackendAuth(
        bearer_token=creds.bearer_token.get_secret_value() if creds.bearer_token else None,
        basic_user=creds.basic_user,
        basic_password=creds.basic_password.get_secret_value() if creds.basic_password else None,
    )
    tls = TlsConfig(
        ca_pem=creds.ca_cert_pem,
        client_cert_pem=creds.client_cert_pem.get_secret_value() if creds.client_cert_pem else None,
        client_key_pem=creds.client_key_pem.get_secret_value() if creds.client_key_pem else None,
        insecure_skip_verify=creds.insecure_skip_verify,
    )
    return BackendTarget(
        cluster=cluster.name,
        backend=backend,
        base_url=str(base_url),
        auth=auth,
        tls=tls,
        labels=dict(cluster.labels),
    )


def secret_values(credentials: Credentials | None) -> list[str]:
    """Every secret string in ``credentials``, for scrubbing them out of error texts."""
    if credentials is None:
        return []
    fields = (
        credentials.bearer_token,
        credentials.basic_password,
        credentials.kubeconfig,
        credentials.client_cert_pem,
        credentials.client_key_pem,
    )
    return [f.get_secret_value() for f in fields if f is not None and f.get_secret_value()]
