"""The storage suite: every test runs on SQLite and on Postgres (see ``store_case`` in conftest)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr, ValidationError

from tests.tools.fleet.builders import (
    T0,
    TOKEN,
    CountingCipher,
    capabilities,
    online_status,
    spec,
    token_credentials,
)
from tests.tools.fleet.conftest import StoreCase
from tools.errors import ToolInputError, UnknownClusterError
from tools.fleet.crypto import CredentialCipher, CredentialKeyError
from tools.fleet.models import ClusterSpec, ClusterState, ClusterType, Credentials, Environment
from tools.fleet.store import ClusterExistsError, SqlClusterStore


def test_added_cluster_is_returned_by_get_and_list(store_case: StoreCase) -> None:
    store = store_case.store
    added = store.add(spec("spoke-b", api="https://api.c2.example:6443", labels={"site": "lon"}), token_credentials())
    store.add(spec("spoke-a", type=ClusterType.HUB, environment=Environment.PRODUCTION))

    got = store.get("spoke-b")
    assert got == added
    assert got is not None
    assert got.endpoints.api == "https://api.c2.example:6443"
    assert got.labels == {"site": "lon"}
    assert got.credential_kinds == ["bearer_token"]
    assert got.status.state is ClusterState.UNKNOWN
    assert isinstance(got.created_at, datetime)
    assert got.created_at.tzinfo is not None
    assert [c.name for c in store.list()] == ["spoke-a", "spoke-b"]
    hub = store.get("spoke-a")
    assert hub is not None
    assert (hub.type, hub.environment, hub.credential_kinds) == (ClusterType.HUB, Environment.PRODUCTION, [])


def test_get_of_an_unknown_name_is_none(store_case: StoreCase) -> None:
    assert store_case.store.get("nope") is None


def test_remove_deletes_once(store_case: StoreCase) -> None:
    store = store_case.store
    store.add(spec("spoke-a"), token_credentials())
    assert store.remove("spoke-a") is True
    assert store.remove("spoke-a") is False
    assert store.get("spoke-a") is None
    assert store.get_credentials("spoke-a") is None
    assert store.list() == []


def test_adding_a_name_twice_is_a_clear_error(store_case: StoreCase) -> None:
    store_case.store.add(spec("spoke-a"))
    with pytest.raises(ClusterExistsError, match="'spoke-a' is already registered"):
        store_case.store.add(spec("spoke-a", api="https://other.example"))
    assert store_case.store.get("spoke-a") is not None


@pytest.mark.parametrize("bad", ["C1", "a", "ab_c", "-abc", "abc-", "a" * 64, "has space", "dot.name"])
def test_names_outside_the_rule_are_rejected(store_case: StoreCase, bad: str) -> None:
    with pytest.raises(ValidationError):
        ClusterSpec(name=bad)
    # Even a spec built without validation cannot reach the database.
    with pytest.raises(ToolInputError, match="Invalid cluster name"):
        store_case.store.add(ClusterSpec.model_construct(name=bad))
    assert store_case.store.list() == []


def test_record_probe_round_trips_status_and_capabilities(store_case: StoreCase) -> None:
    store = store_case.store
    store.add(spec("spoke-a", api="https://api.example", prometheus="https://prom.example"))
    status = online_status(datetime.fromisoformat("2026-11-20T12:00:00+00:00"), "api", "prometheus")

    recorded = store.record_probe("spoke-a", status, capabilities(gpu=True, kube_state_metrics=True))

    assert store.get("spoke-a") == recorded
    assert recorded.status == status
    assert recorded.capabilities.gpu is True
    assert recorded.capabilities.ptp is False
    assert recorded.status.endpoints["prometheus"].status_code == 200


def test_record_probe_without_capabilities_keeps_the_previous_ones(store_case: StoreCase) -> None:
    store = store_case.store
    store.add(spec("spoke-a", api="https://api.example"))
    store.record_probe("spoke-a", online_status(), capabilities(gpu=True))
    after = store.record_probe("spoke-a", online_status(), None)
    assert after.capabilities.gpu is True


def test_record_probe_of_an_unknown_cluster_names_the_known_ones(store_case: StoreCase) -> None:
    store_case.store.add(spec("spoke-a"))
    with pytest.raises(UnknownClusterError, match="Known clusters: spoke-a"):
        store_case.store.record_probe("spoke-z", online_status(), None)


def test_update_spec_keeps_status_and_credentials(store_case: StoreCase) -> None:
    store = store_case.store
    store.add(spec("spoke-a", api="https://api.example"), token_credentials())
    store.record_probe("spoke-a", online_status(), None)

    updated = store.update_spec(spec("spoke-a", api="https://api2.example", labels={"a": "b"}))

    assert updated.endpoints.api == "https://api2.example"
    assert updated.labels == {"a": "b"}
    assert updated.status.state is ClusterState.ONLINE
    assert updated.updated_at >= updated.created_at
    creds = store.get_credentials("spoke-a")
    assert creds is not None
    assert creds.bearer_token == SecretStr(TOKEN)


def test_set_credentials_replaces_and_clears(store_case: StoreCase) -> None:
    store = store_case.store
    store.add(spec("spoke-a"), token_credentials())
    replaced = store.set_credentials("spoke-a", Credentials(basic_user="admin", basic_password=SecretStr("pw")))
    assert replaced.credential_kinds == ["basic_auth"]
    creds = store.get_credentials("spoke-a")
    assert creds is not None
    assert creds.bearer_token is None
    assert creds.basic_password is not None
    assert creds.basic_password.get_secret_value() == "pw"

    cleared = store.set_credentials("spoke-a", None)
    assert cleared.credential_kinds == []
    assert store.get_credentials("spoke-a") is None


def test_credentials_are_encrypted_at_rest_and_decrypt_back(store_case: StoreCase) -> None:
    creds = token_credentials(ca_cert_pem="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    store_case.store.add(spec("secret-holder", api="https://api.example"), creds)

    raw = store_case.raw_dump()
    assert b"secret-holder" in raw  # the dump really holds the row...
    assert TOKEN.encode() not in raw  # ...but not the token in clear
    assert b"BEGIN CERTIFICATE" not in raw
    with store_case.store.engine.connect() as conn:
        column = conn.exec_driver_sql("SELECT credentials_encrypted FROM clusters").scalar_one()
    assert column.startswith("gAAAA")  # a Fernet token
    assert store_case.store.get_credentials("secret-holder") == creds


def test_another_key_cannot_read_the_credentials_and_says_so(store_case: StoreCase) -> None:
    store_case.store.add(spec("spoke-a"), token_credentials())
    other = SqlClusterStore(store_case.url, CredentialCipher(Fernet.generate_key()))
    try:
        assert other.get("spoke-a") is not None  # everything but the secrets stays readable
        with pytest.raises(CredentialKeyError, match="encrypted with another key"):
            other.get_credentials("spoke-a")
    finally:
        other.close()


def test_the_cluster_record_never_contains_credentials(store_case: StoreCase) -> None:
    cluster = store_case.store.add(
        spec("spoke-a"), token_credentials(basic_user="u", basic_password=SecretStr("pw-xyz"))
    )
    text = cluster.model_dump_json()
    assert TOKEN not in text
    assert "pw-xyz" not in text
    assert cluster.credential_kinds == ["bearer_token", "basic_auth"]


def test_opening_twice_migrates_once(store_case: StoreCase, cipher: CredentialCipher) -> None:
    store_case.store.add(spec("spoke-a"))
    again = SqlClusterStore(store_case.url, cipher)
    try:
        assert [c.name for c in again.list()] == ["spoke-a"]
    finally:
        again.close()


def test_every_write_a_reader_must_see_bumps_the_revision_once(store_case: StoreCase) -> None:
    store = store_case.store
    seen = [store.revision()]

    def bumped() -> int:
        seen.append(store.revision())
        return seen[-1] - seen[-2]

    store.add(spec("spoke-a"), token_credentials())
    assert bumped() == 1
    with pytest.raises(ClusterExistsError):
        store.add(spec("spoke-a"))
    assert bumped() == 0  # the failed add rolled its bump back
    store.update_spec(spec("spoke-a", api="https://api.example"))
    assert bumped() == 1
    store.set_credentials("spoke-a", None)
    assert bumped() == 1
    assert store.remove("spoke-a") is True
    assert bumped() == 1
    assert store.remove("spoke-a") is False
    assert bumped() == 0


def test_a_probe_bumps_the_revision_only_when_its_conclusion_changes(store_case: StoreCase) -> None:
    store = store_case.store
    store.add(spec("spoke-a", api="https://api.example"))
    start = store.revision()

    store.record_probe("spoke-a", online_status(T0, "api"), capabilities(gpu=True))
    assert store.revision() == start + 1  # UNKNOWN -> ONLINE, gpu found
    later = T0 + timedelta(seconds=30)
    store.record_probe(
        "spoke-a", online_status(later, "api"), capabilities(gpu=True).model_copy(update={"detected_at": later})
    )
    latest = store.record_probe("spoke-a", online_status(later, "api"), None)
    assert store.revision() == start + 1  # same conclusion, newer times: nothing for other replicas to reload
    assert latest.status.last_probe == later

    store.record_probe("spoke-a", online_status(later, "api"), capabilities(gpu=False))
    assert store.revision() == start + 2  # capabilities changed
    unhealthy = online_status(later, "api")
    unhealthy.endpoints["api"].healthy = False
    store.record_probe("spoke-a", unhealthy, None)
    assert store.revision() == start + 3  # endpoint health changed


def test_snapshot_holds_every_cluster_and_decrypts_each_token_once(store_case: StoreCase, key: bytes) -> None:
    counting = CountingCipher(key)
    store = SqlClusterStore(store_case.url, counting)
    try:
        store.add(spec("spoke-a"), token_credentials())
        store.add(spec("spoke-b"), Credentials(basic_user="u", basic_password=SecretStr("pw-b")))
        store.add(spec("spoke-c"))
        revision = store.revision()

        first = store.snapshot()
        second = store.snapshot()

        assert counting.decryptions == 2
        assert first.revision == second.revision == revision
        assert [c.name for c in second.clusters] == ["spoke-a", "spoke-b", "spoke-c"]
        assert second.credentials["spoke-a"] == token_credentials()
        assert "spoke-c" not in second.credentials
        assert TOKEN not in repr(second) and "pw-b" not in repr(second)

        store.set_credentials("spoke-b", token_credentials("another-token"))
        third = store.snapshot()
        assert counting.decryptions == 3  # only the new token
        assert third.credentials["spoke-b"] == token_credentials("another-token")
    finally:
        store.close()


def test_snapshot_with_another_key_lists_the_fleet_and_names_the_unreadable_credentials(
    store_case: StoreCase,
) -> None:
    store_case.store.add(spec("spoke-a"), token_credentials())
    store_case.store.add(spec("spoke-b"))
    other = SqlClusterStore(store_case.url, CredentialCipher(Fernet.generate_key()))
    try:
        snapshot = other.snapshot()
    finally:
        other.close()
    assert [c.name for c in snapshot.clusters] == ["spoke-a", "spoke-b"]
    assert snapshot.credentials == {}
    assert list(snapshot.unreadable) == ["spoke-a"]
    assert "encrypted with another key" in str(snapshot.unreadable["spoke-a"])
