"""The Fernet key (settings or key file) and the credential cipher."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from tests.tools.fleet.builders import TOKEN, token_credentials
from tools.fleet.crypto import KEY_FILE_NAME, CredentialCipher, CredentialKeyError, load_or_create_key
from tools.fleet.models import Credentials


def test_a_missing_key_file_is_created_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    info = load_or_create_key(data_dir, None)

    path = data_dir / KEY_FILE_NAME
    assert info.created is True
    assert info.source == "file"
    assert info.path == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().strip() == info.key
    Fernet(info.key)  # a usable key


def test_an_existing_key_file_is_reused(tmp_path: Path) -> None:
    first = load_or_create_key(tmp_path, None)
    second = load_or_create_key(tmp_path, None)
    assert second.created is False
    assert second.key == first.key


def test_a_configured_key_wins_and_creates_no_file(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    info = load_or_create_key(tmp_path, key)
    assert (info.source, info.key, info.path, info.created) == ("settings", key.encode(), None, False)
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_a_malformed_configured_key_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CredentialKeyError, match=r"AIOPS_ENCRYPTION_KEY\) is not a valid Fernet key"):
        load_or_create_key(tmp_path, "not-a-key")


def test_the_key_never_shows_in_repr(tmp_path: Path) -> None:
    info = load_or_create_key(tmp_path, None)
    assert info.key.decode() not in repr(info)
    assert info.key.decode() not in repr(CredentialCipher(info.key))


def test_credentials_round_trip_with_every_secret_revealed_only_inside_the_token() -> None:
    cipher = CredentialCipher(Fernet.generate_key())
    creds = token_credentials(
        basic_user="admin",
        basic_password=SecretStr("pw"),
        client_key_pem=SecretStr("-----BEGIN PRIVATE KEY-----"),
        insecure_skip_verify=True,
    )
    token = cipher.encrypt(creds)
    assert TOKEN not in token
    back = cipher.decrypt(token)
    assert back == creds
    assert back.bearer_token is not None
    assert back.bearer_token.get_secret_value() == TOKEN  # the real value, not pydantic's mask


def test_another_key_fails_with_a_message_that_says_what_to_do() -> None:
    token = CredentialCipher(Fernet.generate_key()).encrypt(Credentials(bearer_token=SecretStr("x")))
    with pytest.raises(CredentialKeyError, match="encrypted with another key") as info:
        CredentialCipher(Fernet.generate_key()).decrypt(token)
    assert "AIOPS_ENCRYPTION_KEY" in str(info.value)
