"""The fleet registry: which clusters exist, how to reach them, and how healthy they are.

Build it in an entry point's lifespan::

    key = load_or_create_key(settings.data_dir, configured_key)
    store = SqlClusterStore(settings.resolved_database_url(), CredentialCipher(key.key))
    registry = FleetRegistry(store, prober=Prober(pool), events=InProcessEventBus())
    ProbeScheduler(registry).run(stop)  # as a background task

then hand ``registry`` to the MCP tools and the CLI. ``store.close()`` on shutdown. The registry answers reads
from memory (see :mod:`tools.fleet.cache` for how fresh they are across replicas).

``SqlClusterStore``, ``ensure_schema`` and ``upgrade`` are loaded on first access: they import SQLAlchemy, which a
server answering its first ``tools/list`` does not need yet (see :mod:`tools.fleet.lazy_store`); the kubeconfig
reader (PyYAML) likewise, for the one CLI command that uses it.
"""

from typing import TYPE_CHECKING, Any

from tools.fleet.cache import FleetCache, FleetView
from tools.fleet.capabilities import CAPABILITY_METRICS, capability_query
from tools.fleet.crypto import CredentialCipher, CredentialKeyError, KeyInfo, load_or_create_key
from tools.fleet.events import EventBus, FleetEvent, InProcessEventBus, Subscription
from tools.fleet.lazy_store import LazyClusterStore, StoreUnavailableError
from tools.fleet.models import (
    CLUSTER_NAME_PATTERN,
    PROBE_INTERVAL_SECONDS,
    Capabilities,
    Cluster,
    ClusterName,
    ClusterSpec,
    ClusterState,
    ClusterStatus,
    ClusterType,
    Credentials,
    EndpointHealth,
    Endpoints,
    Environment,
    Platform,
)
from tools.fleet.probe import ClusterProber, ProbeOutcome, Prober, derive_state
from tools.fleet.registry import FleetRegistry, enabled_capabilities
from tools.fleet.scheduler import ProbeScheduler, due_clusters
from tools.fleet.storage import ClusterExistsError, ClusterStore, StoredFleet, check_cluster_name
from tools.fleet.summary import FleetSummary, summarise
from tools.fleet.targeting import BACKENDS, Backend, build_target

__all__ = [
    "BACKENDS",
    "CAPABILITY_METRICS",
    "CLUSTER_NAME_PATTERN",
    "PROBE_INTERVAL_SECONDS",
    "Backend",
    "Capabilities",
    "Cluster",
    "ClusterExistsError",
    "ClusterName",
    "ClusterProber",
    "ClusterSpec",
    "ClusterState",
    "ClusterStatus",
    "ClusterStore",
    "ClusterType",
    "CredentialCipher",
    "CredentialKeyError",
    "Credentials",
    "EndpointHealth",
    "Endpoints",
    "Environment",
    "EventBus",
    "FleetCache",
    "FleetEvent",
    "FleetRegistry",
    "FleetSummary",
    "FleetView",
    "ImportedCluster",
    "InProcessEventBus",
    "KeyInfo",
    "LazyClusterStore",
    "Platform",
    "ProbeOutcome",
    "ProbeScheduler",
    "Prober",
    "SqlClusterStore",
    "StoreUnavailableError",
    "StoredFleet",
    "Subscription",
    "build_target",
    "capability_query",
    "check_cluster_name",
    "cluster_name_from",
    "derive_state",
    "due_clusters",
    "enabled_capabilities",
    "ensure_schema",
    "load_or_create_key",
    "parse_kubeconfig",
    "summarise",
    "upgrade",
]

if TYPE_CHECKING:
    from tools.fleet.kubeconfig import ImportedCluster, cluster_name_from, parse_kubeconfig
    from tools.fleet.migrate import ensure_schema, upgrade
    from tools.fleet.store import SqlClusterStore

_LAZY = {
    "SqlClusterStore": "tools.fleet.store",
    "ensure_schema": "tools.fleet.migrate",
    "upgrade": "tools.fleet.migrate",
    "ImportedCluster": "tools.fleet.kubeconfig",
    "cluster_name_from": "tools.fleet.kubeconfig",
    "parse_kubeconfig": "tools.fleet.kubeconfig",
}


def __getattr__(name: str) -> Any:
    """Import the SQL-backed names on first access (PEP 562)."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'tools.fleet' has no attribute {name!r}")
