"""Credentials at rest: the Fernet key and the cipher that turns :class:`Credentials` into an opaque token.

Call :func:`load_or_create_key` once in an entry point: it takes the key from the settings when one is
configured, otherwise it reads (or creates, mode 0600) ``<data_dir>/fernet.key``. :class:`CredentialCipher`
then encrypts a ``Credentials`` model for the ``credentials_encrypted`` column and decrypts it back when a
backend is called.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr

from tools.fleet.models import Credentials

__all__ = ["KEY_FILE_NAME", "CredentialCipher", "CredentialKeyError", "KeyInfo", "load_or_create_key"]

KEY_FILE_NAME = "fernet.key"


class CredentialKeyError(RuntimeError):
    """The encryption key is malformed, or it is not the key the stored credentials were encrypted with."""


@dataclass(frozen=True)
class KeyInfo:
    """Where the key came from, so an entry point can tell the operator (``created``: "back this up")."""

    key: bytes = field(repr=False)
    source: Literal["settings", "file"]
    path: Path | None = None
    created: bool = False


def _checked(key: bytes, where: str) -> bytes:
    try:
        Fernet(key)
    except ValueError as exc:
        raise CredentialKeyError(
            f"The encryption key from {where} is not a valid Fernet key (32 url-safe base64-encoded bytes). "
            "Generate one with: python -c "
            "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from exc
    return key


def load_or_create_key(data_dir: Path, configured: str | None) -> KeyInfo:
    """Return the Fernet key: ``configured`` (from settings) if given, else ``<data_dir>/fernet.key``.

    The file is created with mode 0600 (and ``data_dir`` with 0700) when it does not exist yet.
    """
    if configured:
        return KeyInfo(
            key=_checked(configured.strip().encode(), "the settings (AIOPS_ENCRYPTION_KEY)"),
            source="settings",
        )
    path = data_dir / KEY_FILE_NAME
    if path.exists():
        return KeyInfo(key=_checked(path.read_bytes().strip(), str(path)), source="file", path=path)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Fernet.generate_key()
    # O_EXCL: if another process created the file meanwhile, fail instead of overwriting its key.
    # The mode is given at creation so the key is never readable by others, not even for an instant.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return KeyInfo(key=_checked(path.read_bytes().strip(), str(path)), source="file", path=path)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key + b"\n")
    return KeyInfo(key=key, source="file", path=path, created=True)


class CredentialCipher:
    """Encrypt and decrypt :class:`Credentials` with one Fernet key. ``repr`` never shows the key."""

    def __init__(self, key: bytes | str) -> None:
        raw = key.encode() if isinstance(key, str) else key
        self._fernet = Fernet(_checked(raw, "the caller"))

    def encrypt(self, credentials: Credentials) -> str:
        """Serialise ``credentials`` with the secret values revealed and return the Fernet token (ASCII)."""
        plain = {
            k: v.get_secret_value() if isinstance(v, SecretStr) else v for k, v in credentials.model_dump().items()
        }
        return self._fernet.encrypt(json.dumps(plain).encode()).decode("ascii")

    def decrypt(self, token: str) -> Credentials:
        """Return the credentials in ``token``; :class:`CredentialKeyError` if another key encrypted them."""
        try:
            plain = self._fernet.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError) as exc:
            raise CredentialKeyError(
                "The stored credentials were encrypted with another key (or are corrupt) and cannot be "
                "decrypted. "
                "Configure the key that was in use when they were stored (AIOPS_ENCRYPTION_KEY or "
                f"<data_dir>/{KEY_FILE_NAME}), or remove and re-add the cluster with its credentials "
                "(aiops cluster remove/add)."
            ) from exc
        return Credentials.model_validate_json(plain)

    def __repr__(self) -> str:
        return "CredentialCipher(key=***)"
