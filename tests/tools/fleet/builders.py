"""Small builders of fleet records shared by the fleet tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr

from tools.fleet.crypto import CredentialCipher
from tools.fleet.models import (
    Capabilities,
    ClusterSpec,
    ClusterState,
    ClusterStatus,
    ClusterType,
    Credentials,
    EndpointHealth,
    Endpoints,
    Environment,
)

TOKEN = "sha256~Zm9vYmFyLXNlY3JldC10b2tlbi0xMjM0NTY3ODkw"  # looks like an OpenShift token; unique in any dump
T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def spec(
    name: str = "spoke-a",
    *,
    type: ClusterType = ClusterType.SPOKE,
    environment: Environment = Environment.DEVELOPMENT,
    labels: dict[str, str] | None = None,
    **endpoints: str,
) -> ClusterSpec:
    """A cluster spec; endpoint URLs as keyword arguments (api=..., prometheus=...)."""
    return ClusterSpec(
        name=name,
        type=type,
        environment=environment,
        labels=labels or {},
        endpoints=Endpoints(**endpoints),
    )


def token_credentials(token: str = TOKEN, **extra: Any) -> Credentials:
    """Credentials carrying a bearer token (plus any other fields)."""
    return Credentials(bearer_token=SecretStr(token), **extra)


def online_status(at: datetime = T0, *endpoints: str) -> ClusterStatus:
    """An ONLINE status with a healthy result for each endpoint name."""
    return ClusterStatus(
        state=ClusterState.ONLINE,
        last_probe=at,
        endpoints={
            e: EndpointHealth(endpoint=e, url=f"https://{e}.example", healthy=True, status_code=200, checked_at=at)
            for e in endpoints
        },
        message="ok",
    )


def capabilities(**flags: bool) -> Capabilities:
    """Capabilities with the given flags set, detected at T0."""
    return Capabilities(**flags, detected_at=T0)


class CountingCipher(CredentialCipher):
    """A real cipher that counts its decryptions (how often a secret was turned back into clear text)."""

    def __init__(self, key: bytes) -> None:
        super().__init__(key)
        self.decryptions = 0

    def decrypt(self, token: str) -> Credentials:
        self.decryptions += 1
        return super().decrypt(token)
