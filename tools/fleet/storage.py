"""What a fleet store is (the :class:`ClusterStore` protocol) and the values it deals in, without any database.

Kept apart from :mod:`tools.fleet.store` (the SQL implementation) so that the registry, its cache and the MCP
servers can be imported, and answer ``tools/list``, without loading SQLAlchemy; the store is opened on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from tools.errors import ToolInputError
from tools.fleet.crypto import CredentialKeyError
from tools.fleet.models import (
    CLUSTER_NAME_PATTERN,
    Capabilities,
    Cluster,
    ClusterSpec,
    ClusterStatus,
    Credentials,
)

__all__ = ["ClusterExistsError", "ClusterList", "ClusterStore", "StoredFleet", "check_cluster_name"]

_NAME = re.compile(CLUSTER_NAME_PATTERN)

# A module-level alias: inside classes that define a ``list`` method, ``list[...]`` would name the method.
ClusterList = list[Cluster]


@dataclass(frozen=True)
class StoredFleet:
    """Every registered cluster with its decrypted credentials, as of ``revision`` (or newer).

    ``unreadable`` maps the clusters whose stored credentials cannot be decrypted to the error saying why; it is
    raised when one of them is called, so one bad token never hides the rest of the fleet. ``repr`` shows no
    credentials.
    """

    revision: int
    clusters: ClusterList
    credentials: dict[str, Credentials] = field(default_factory=dict, repr=False)
    unreadable: dict[str, CredentialKeyError] = field(default_factory=dict, repr=False)


class ClusterExistsError(ToolInputError):
    """A cluster with this name is already registered."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"Cluster {name!r} is already registered.",
            hint="Pick another name, or remove the existing cluster first (aiops cluster remove NAME).",
        )


def check_cluster_name(name: str) -> str:
    """Return ``name`` if it is a valid cluster name, else raise :class:`ToolInputError` saying the rule."""
    if not _NAME.fullmatch(name):
        raise ToolInputError(
            f"Invalid cluster name {name!r}.",
            hint="Use 3-63 characters: lowercase letters, digits and '-', starting and ending with a letter "
            f"or digit (pattern {CLUSTER_NAME_PATTERN}).",
        )
    return name


class ClusterStore(Protocol):
    """Where registered clusters live. ``Cluster`` values never carry secrets; ``get_credentials`` does."""

    def add(self, spec: ClusterSpec, credentials: Credentials | None = None) -> Cluster:
        """Register a cluster; :class:`ClusterExistsError` if the name is taken."""
        ...

    def get(self, name: str) -> Cluster | None:
        """The cluster called ``name``, or ``None``."""
        ...

    def list(self) -> ClusterList:
        """Every cluster, sorted by name."""
        ...

    def update_spec(self, spec: ClusterSpec) -> Cluster:
        """Replace the registered fields of ``spec.name`` (status and credentials are kept)."""
        ...

    def set_credentials(self, name: str, credentials: Credentials | None) -> Cluster:
        """Replace (or with ``None`` delete) the stored credentials of ``name``."""
        ...

    def get_credentials(self, name: str) -> Credentials | None:
        """The decrypted credentials of ``name``; ``None`` if it has none or does not exist."""
        ...

    def remove(self, name: str) -> bool:
        """Delete ``name``; ``False`` if it was not registered."""
        ...

    def record_probe(self, name: str, status: ClusterStatus, capabilities: Capabilities | None) -> Cluster:
        """Store a probe result; ``capabilities=None`` (nothing detected) keeps the previous capabilities."""
        ...

    def revision(self) -> int:
        """The fleet's change counter: it grows with every add, spec update, credential change and removal, and
        with every probe result that changes a cluster's state, endpoint health or capabilities."""
        ...

    def snapshot(self) -> StoredFleet:
        """Every cluster with its decrypted credentials and a revision they are at least as new as."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
