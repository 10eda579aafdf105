"""Throwaway X.509 material for TLS tests: a CA, a server certificate and a client certificate it signs, and a
second CA that signed nothing of ours.

Everything is generated in-process with ``cryptography`` (EC P-256 keys, one-day validity), written as PEM to a
directory for servers that only read files (uvicorn), and kept as text for clients that take PEM strings
(:class:`~tools.targets.TlsConfig`).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["CertFiles", "Issued", "TlsMaterial", "issue_ca", "issue_leaf", "make_tls_material"]

_VALIDITY = timedelta(days=1)
_CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Issued:
    """A certificate and its private key, both PEM text."""

    cert_pem: str
    key_pem: str
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class CertFiles:
    """Where an :class:`Issued` pair was written."""

    cert: Path
    key: Path


@dataclass(frozen=True)
class TlsMaterial:
    """The whole set a TLS test needs, as PEM text and as files."""

    ca: Issued
    server: Issued
    client: Issued
    other_ca: Issued
    ca_file: Path
    server_files: CertFiles


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "aiops-nextgen tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _pem(cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> Issued:
    return Issued(
        cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
        cert=cert,
        key=key,
    )


def _builder(subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey) -> x509.CertificateBuilder:
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _CLOCK_SKEW)
        .not_valid_after(now + _VALIDITY)
    )


def issue_ca(common_name: str) -> Issued:
    """A self-signed CA certificate (may sign leaves, not other CAs)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name)
    cert = (
        _builder(name, name, key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return _pem(cert, key)


def issue_leaf(ca: Issued, common_name: str, *, dns: list[str], ips: list[str], client: bool = False) -> Issued:
    """A leaf certificate signed by ``ca``: a server certificate for ``dns``/``ips``, or a client one."""
    key = ec.generate_private_key(ec.SECP256R1())
    sans: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    sans += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
    usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
    builder = (
        _builder(_name(common_name), ca.cert.subject, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return _pem(builder.sign(ca.key, hashes.SHA256()), key)


def make_tls_material(directory: Path) -> TlsMaterial:
    """Generate the CA, server (127.0.0.1 + localhost), client and unrelated CA; write what servers read."""
    ca = issue_ca("aiops test CA")
    server = issue_leaf(ca, "127.0.0.1", dns=["localhost"], ips=["127.0.0.1"])
    client = issue_leaf(ca, "aiops-nextgen client", dns=[], ips=[], client=True)
    other_ca = issue_ca("unrelated test CA")
    directory.mkdir(parents=True, exist_ok=True)
    ca_file = directory / "ca.crt"
    ca_file.write_text(ca.cert_pem)
    server_files = CertFiles(cert=directory / "server.crt", key=directory / "server.key")
    server_files.cert.write_text(server.cert_pem)
    server_files.key.write_text(server.key_pem)
    server_files.key.chmod(0o600)
    return TlsMaterial(
        ca=ca, server=server, client=client, other_ca=other_ca, ca_file=ca_file, server_files=server_files
    )
