"""The cluster record of the fleet registry and its parts.

:class:`ClusterSpec` is what an operator registers; :class:`Cluster` is what the registry returns (spec plus
status and capabilities, **never credentials** — only which kinds of credential are stored).
:class:`Credentials` holds secrets as ``SecretStr`` and exists only between the encrypted column and a
:class:`~tools.targets.BackendTarget`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import httpx
from pydantic import BaseModel, Field, SecretStr, StringConstraints, field_validator

__all__ = [
    "API_CAPABILITIES",
    "CLUSTER_NAME_PATTERN",
    "PROBE_INTERVAL_SECONDS",
    "Capabilities",
    "Cluster",
    "ClusterName",
    "ClusterSpec",
    "ClusterState",
    "ClusterStatus",
    "ClusterType",
    "Credentials",
    "EndpointHealth",
    "EndpointName",
    "Endpoints",
    "Environment",
    "Platform",
]

# Capabilities detected from the Kubernetes API (the others come from Prometheus); kept as they were when the API
# could not tell.
API_CAPABILITIES = ("monitoring_stack", "lokistack", "tempostack", "gpu_operator", "ptp_operator", "sriov_operator")

# A DNS-label-like name (3-63 chars): it appears in URLs, label values and CLI arguments.
CLUSTER_NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$"

ClusterName = Annotated[str, StringConstraints(pattern=CLUSTER_NAME_PATTERN)]


class ClusterType(StrEnum):
    """Role of the cluster in the fleet."""

    HUB = "HUB"
    SPOKE = "SPOKE"
    EDGE = "EDGE"
    FAR_EDGE = "FAR_EDGE"


class Platform(StrEnum):
    """Distribution of Kubernetes the cluster runs."""

    OPENSHIFT = "OPENSHIFT"
    KUBERNETES = "KUBERNETES"
    MICROSHIFT = "MICROSHIFT"


class Environment(StrEnum):
    """Lifecycle environment of the cluster."""

    PRODUCTION = "PRODUCTION"
    STAGING = "STAGING"
    DEVELOPMENT = "DEVELOPMENT"
    LAB = "LAB"


class ClusterState(StrEnum):
    """Health derived from the last probe: every configured endpoint up → ONLINE, some → DEGRADED,
    none → OFFLINE, never probed or nothing to probe → UNKNOWN."""

    ONLINE = "ONLINE"
    DEGRADED = "DEGRADED"
    OFFLINE = "OFFLINE"
    UNKNOWN = "UNKNOWN"


# Seconds between background probes, by cluster type (edge links are slower and costlier to poll).
PROBE_INTERVAL_SECONDS: dict[ClusterType, int] = {
    ClusterType.HUB: 15,
    ClusterType.SPOKE: 30,
    ClusterType.EDGE: 60,
    ClusterType.FAR_EDGE: 120,
}

EndpointName = str  # one of Endpoints' field names


class Endpoints(BaseModel):
    """Base URLs of the cluster's backends; ``None`` when the cluster does not expose one."""

    api: str | None = Field(default=None, description="Kubernetes API server, e.g. https://api.c1.example:6443")
    prometheus: str | None = Field(default=None, description="Prometheus (or an in-cluster Thanos querier) base URL")
    thanos: str | None = Field(default=None, description="Thanos querier base URL, when separate from prometheus")
    alertmanager: str | None = None
    loki: str | None = None
    tempo: str | None = None

    @field_validator("api", "prometheus", "thanos", "alertmanager", "loki", "tempo")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        # Reject at registration what would otherwise fail every later call (or leak a password in every output).
        if value is None:
            return None
        try:
            url = httpx.URL(value)
        except (httpx.InvalidURL, ValueError) as exc:
            raise ValueError(f"{value!r} is not a valid URL: {exc}") from exc
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"{value!r} must be an absolute http:// or https:// URL")
        if url.userinfo:
            raise ValueError(
                "endpoint URLs must not embed user:password@ (it would be stored in clear and shown); "
                "use --basic-user/--basic-password-env or --token-file instead"
            )
        return value

    def configured(self) -> dict[str, str]:
        """The endpoints that have a URL, by name."""
        return {k: v for k, v in self.model_dump().items() if v}


class Credentials(BaseModel):
    """Secrets for reaching the cluster's backends. Stored encrypted; never returned by any tool or API."""

    bearer_token: SecretStr | None = None
    basic_user: str | None = None
    basic_password: SecretStr | None = None
    kubeconfig: SecretStr | None = None
    client_cert_pem: SecretStr | None = None
    client_key_pem: SecretStr | None = None
    ca_cert_pem: str | None = None
    insecure_skip_verify: bool = False

    def kinds(self) -> list[str]:
        """Which kinds of credential are present (safe to show)."""
        kinds: list[str] = []
        if self.bearer_token:
            kinds.append("bearer_token")
        if self.basic_user:
            kinds.append("basic_auth")
        if self.kubeconfig:
            kinds.append("kubeconfig")
        if self.client_cert_pem:
            kinds.append("client_cert")
        if self.ca_cert_pem:
            kinds.append("ca_cert")
        return kinds


class EndpointHealth(BaseModel):
    """Result of probing one endpoint."""

    endpoint: str
    url: str
    healthy: bool
    status_code: int | None = None
    latency_ms: float | None = None
    error: str | None = None
    checked_at: datetime


class ClusterStatus(BaseModel):
    """Derived health of the cluster and the evidence for it."""

    state: ClusterState = ClusterState.UNKNOWN
    last_probe: datetime | None = None
    endpoints: dict[str, EndpointHealth] = Field(default_factory=dict)
    message: str | None = None


class Capabilities(BaseModel):
    """What the cluster actually has, detected from its Prometheus metrics and its Kubernetes API (never assumed)."""

    gpu: bool = Field(default=False, description="DCGM exporter metrics present (DCGM_FI_DEV_GPU_UTIL)")
    ptp: bool = Field(default=False, description="linuxptp-daemon metrics present (openshift_ptp_offset_ns)")
    sriov: bool = Field(default=False, description="SR-IOV network metrics present")
    thanos: bool = Field(default=False, description="A Thanos querier answers for this cluster")
    kube_state_metrics: bool = False
    node_exporter: bool = False
    monitoring_stack: bool = Field(
        default=False, description="API: thanos-querier or prometheus-k8s Service in openshift-monitoring"
    )
    lokistack: bool = Field(default=False, description="API: a LokiStack (lokistacks.loki.grafana.com) exists")
    tempostack: bool = Field(default=False, description="API: a TempoStack (tempostacks.tempo.grafana.com) exists")
    gpu_operator: bool = Field(
        default=False,
        description="API: an NVIDIA ClusterPolicy (clusterpolicies.nvidia.com) or dcgm-exporter DaemonSet",
    )
    ptp_operator: bool = Field(default=False, description="API: a PtpConfig (ptpconfigs.ptp.openshift.io) exists")
    sriov_operator: bool = Field(
        default=False, description="API: SriovNetworkNodeStates (sriovnetwork.openshift.io) exist"
    )
    detected_at: datetime | None = None
    metrics_checked: list[str] = Field(default_factory=list, description="Metric names that were looked for")


class ClusterSpec(BaseModel):
    """What an operator registers."""

    name: ClusterName
    type: ClusterType = ClusterType.SPOKE
    platform: Platform = Platform.OPENSHIFT
    environment: Environment = Environment.DEVELOPMENT
    region: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    endpoints: Endpoints = Field(default_factory=Endpoints)


class Cluster(ClusterSpec):
    """A registered cluster as the registry returns it. Carries no secrets."""

    status: ClusterStatus = Field(default_factory=ClusterStatus)
    capabilities: Capabilities = Field(default_factory=Capabilities)
    credential_kinds: list[str] = Field(default_factory=list, description="Kinds of credential stored (no values)")
    created_at: datetime
    updated_at: datetime
