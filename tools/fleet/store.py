"""Persistence of the fleet registry: :class:`SqlClusterStore`, the SQL implementation of the ``ClusterStore``
protocol (:mod:`tools.fleet.storage`, re-exported here).

:class:`SqlClusterStore` is the same code for SQLite (embedded mode, the default) and Postgres (deployments):
it opens an engine, migrates the schema when it is behind, and keeps credentials only as Fernet tokens. Its
methods are synchronous; :class:`~tools.fleet.registry.FleetRegistry` runs them in a worker thread and serves
reads from a :class:`~tools.fleet.cache.FleetCache` built from :meth:`ClusterStore.snapshot`.

Every write that changes what a reader sees (add, update, credentials, remove, and a probe result that changes a
cluster's state, endpoint health or capabilities) bumps the one-row ``fleet_revision`` counter in the same
transaction, so other processes on the same database can tell cheaply that their copy is out of date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from tools.errors import UnknownClusterError
from tools.fleet.crypto import CredentialCipher, CredentialKeyError
from tools.fleet.migrate import ensure_schema
from tools.fleet.models import (
    Capabilities,
    Cluster,
    ClusterSpec,
    ClusterStatus,
    ClusterType,
    Credentials,
    Endpoints,
    Environment,
    Platform,
)
from tools.fleet.storage import ClusterExistsError, ClusterList, ClusterStore, StoredFleet, check_cluster_name
from tools.fleet.table import REVISION_ROW_ID, ClusterRow, FleetRevisionRow, utc

__all__ = [
    "ClusterExistsError",
    "ClusterList",
    "ClusterStore",
    "SqlClusterStore",
    "StoredFleet",
    "check_cluster_name",
]

_REVISION = select(FleetRevisionRow.revision).where(col(FleetRevisionRow.id) == REVISION_ROW_ID)
_BUMP = (
    sa.update(FleetRevisionRow)
    .where(col(FleetRevisionRow.id) == REVISION_ROW_ID)
    .values(revision=col(FleetRevisionRow.revision) + 1)
)


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        # Embedded mode: the data directory may not exist yet on first start.
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # pre_ping: a Postgres restart must not leave dead connections in the pool.
    return sa.create_engine(url, pool_pre_ping=True)


class SqlClusterStore:
    """:class:`ClusterStore` on any SQLAlchemy database (tested on SQLite and Postgres). Migrates on open when
    the schema is behind.

    :meth:`snapshot` decrypts each stored token once per process: it keeps the decrypted credentials of the tokens
    it last saw (in memory only) and decrypts again only tokens that are new.
    """

    def __init__(
        self, url: str, cipher: CredentialCipher, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._engine = _engine(url)
        self._cipher = cipher
        self._clock = clock
        # Fernet token -> its decrypted credentials (tokens are unique per encryption: a change is a new token).
        self._decrypted: dict[str, Credentials] = {}
        ensure_schema(self._engine)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for health checks and tests)."""
        return self._engine

    def close(self) -> None:
        """Dispose of the connection pool."""
        self._engine.dispose()

    def add(self, spec: ClusterSpec, credentials: Credentials | None = None) -> Cluster:
        """Register a cluster; :class:`ClusterExistsError` if the name is taken."""
        check_cluster_name(spec.name)
        now = self._clock()
        row = ClusterRow(
            name=spec.name,
            **_spec_columns(spec),
            status=ClusterStatus().model_dump(mode="json"),
            capabilities=Capabilities().model_dump(mode="json"),
            created_at=now,
            updated_at=now,
        )
        self._apply_credentials(row, credentials)
        with Session(self._engine) as session:
            if session.get(ClusterRow, spec.name) is not None:
                raise ClusterExistsError(spec.name)
            session.add(row)
            try:
                session.exec(_BUMP)  # flushes the insert first
                session.commit()
            except IntegrityError as exc:  # another writer won the race between get() and commit()
                raise ClusterExistsError(spec.name) from exc
            session.refresh(row)
            return _to_cluster(row)

    def get(self, name: str) -> Cluster | None:
        """The cluster called ``name``, or ``None``."""
        with Session(self._engine) as session:
            row = session.get(ClusterRow, name)
            return _to_cluster(row) if row is not None else None

    def list(self) -> ClusterList:
        """Every cluster, sorted by name."""
        with Session(self._engine) as session:
            rows = session.exec(select(ClusterRow).order_by(col(ClusterRow.name))).all()
            return [_to_cluster(r) for r in rows]

    def update_spec(self, spec: ClusterSpec) -> Cluster:
        """Replace the registered fields of ``spec.name`` (status and credentials are kept)."""
        with Session(self._engine) as session:
            row = self._require(session, spec.name)
            for column, value in _spec_columns(spec).items():
                setattr(row, column, value)
            row.updated_at = self._clock()
            return self._save(session, row)

    def set_credentials(self, name: str, credentials: Credentials | None) -> Cluster:
        """Replace (or with ``None`` delete) the stored credentials of ``name``."""
        with Session(self._engine) as session:
            row = self._require(session, name)
            self._apply_credentials(row, credentials)
            row.updated_at = self._clock()
            return self._save(session, row)

    def get_credentials(self, name: str) -> Credentials | None:
        """The decrypted credentials of ``name``; ``None`` if it has none or does not exist."""
        with Session(self._engine) as session:
            row = session.get(ClusterRow, name)
            if row is None or row.credentials_encrypted is None:
                return None
            return self._cipher.decrypt(row.credentials_encrypted)

    def remove(self, name: str) -> bool:
        """Delete ``name``; ``False`` if it was not registered."""
        with Session(self._engine) as session:
            row = session.get(ClusterRow, name)
            if row is None:
                return False
            session.delete(row)
            session.exec(_BUMP)
            session.commit()
            return True

    def record_probe(self, name: str, status: ClusterStatus, capabilities: Capabilities | None) -> Cluster:
        """Store a probe result; ``capabilities=None`` (nothing detected) keeps the previous capabilities."""
        # updated_at tracks what an operator changed; probe times live in status.last_probe.
        with Session(self._engine) as session:
            row = self._require(session, name)
            before = _conclusions(row.status, row.capabilities)
            row.status = status.model_dump(mode="json")
            if capabilities is not None:
                row.capabilities = capabilities.model_dump(mode="json")
            # A probe that concludes what the last one did changes only times and latencies: no revision bump, so
            # other replicas do not reload the fleet every few seconds for nothing.
            return self._save(session, row, bump=_conclusions(row.status, row.capabilities) != before)

    def revision(self) -> int:
        """The fleet's change counter (see the Protocol)."""
        with Session(self._engine) as session:
            return session.exec(_REVISION).one()

    def snapshot(self) -> StoredFleet:
        """Every cluster with its decrypted credentials; only tokens not seen before are decrypted."""
        with Session(self._engine) as session:
            # The revision first: the rows read after it are at least as new, never older.
            revision = session.exec(_REVISION).one()
            rows = session.exec(select(ClusterRow).order_by(col(ClusterRow.name))).all()
            clusters = [_to_cluster(r) for r in rows]
            tokens = {r.name: r.credentials_encrypted for r in rows if r.credentials_encrypted is not None}
        known, decrypted = self._decrypted, {}
        credentials: dict[str, Credentials] = {}
        unreadable: dict[str, CredentialKeyError] = {}
        for name, token in tokens.items():
            try:
                creds = known[token] if token in known else self._cipher.decrypt(token)
            except CredentialKeyError as exc:
                unreadable[name] = exc
                continue
            decrypted[token] = credentials[name] = creds
        self._decrypted = decrypted  # forget the tokens that are gone
        return StoredFleet(revision, clusters, credentials, unreadable)

    def _require(self, session: Session, name: str) -> ClusterRow:
        row = session.get(ClusterRow, name)
        if row is None:
            known = list(session.exec(select(ClusterRow.name).order_by(col(ClusterRow.name))).all())
            raise UnknownClusterError([name], known)
        return row

    @staticmethod
    def _save(session: Session, row: ClusterRow, *, bump: bool = True) -> Cluster:
        session.add(row)
        if bump:
            session.exec(_BUMP)
        session.commit()
        session.refresh(row)
        return _to_cluster(row)

    def _apply_credentials(self, row: ClusterRow, credentials: Credentials | None) -> None:
        # An all-defaults Credentials is "no credentials": store no token rather than an encrypted empty one.
        if credentials is None or not credentials.model_dump(exclude_defaults=True):
            row.credentials_encrypted = None
            row.credential_kinds = []
            return
        row.credentials_encrypted = self._cipher.encrypt(credentials)
        row.credential_kinds = credentials.kinds()


def _spec_columns(spec: ClusterSpec) -> dict[str, Any]:
    # Fresh containers every time (never mutate in place): plain JSON columns do not track in-place changes.
    return {
        "type": spec.type.value,
        "platform": spec.platform.value,
        "environment": spec.environment.value,
        "region": spec.region,
        "labels": dict(spec.labels),
        "endpoints": spec.endpoints.model_dump(mode="json"),
    }


def _conclusions(status: dict[str, Any], capabilities: dict[str, Any]) -> tuple[Any, ...]:
    # What a probe concluded, without its times and latencies (stored JSON, so plain dicts).
    endpoints = {
        name: (h.get("url"), h.get("healthy"), h.get("status_code"), h.get("error"))
        for name, h in (status.get("endpoints") or {}).items()
    }
    found = {k: v for k, v in capabilities.items() if k != "detected_at"}
    return status.get("state"), status.get("message"), endpoints, found


def _to_cluster(row: ClusterRow) -> Cluster:
    return Cluster(
        name=row.name,
        type=ClusterType(row.type),
        platform=Platform(row.platform),
        environment=Environment(row.environment),
        region=row.region,
        labels=row.labels,
        endpoints=Endpoints.model_validate(row.endpoints),
        status=ClusterStatus.model_validate(row.status),
        capabilities=Capabilities.model_validate(row.capabilities),
        credential_kinds=list(row.credential_kinds),
        created_at=utc(row.created_at),
        updated_at=utc(row.updated_at),
    )
