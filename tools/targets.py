"""Where and how to reach one backend of one cluster: :class:`BackendTarget` and the client pool that serves it.

The fleet registry resolves a cluster selection into targets (URL plus decrypted credentials); adapters such as the
Prometheus client take a target and an ``httpx.AsyncClient`` from :class:`HttpClientPool`. Tests hand the pool an
``httpx.MockTransport`` (or use respx) so no adapter ever builds its own client.
"""

from __future__ import annotations

import functools
import ssl
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

__all__ = ["BackendAuth", "BackendTarget", "HttpClientPool", "TlsConfig", "display_url", "redact"]

_MAX_ORIGINS = 100_000


def display_url(url: str) -> str:
    """``url`` without any ``user:password@`` part, safe to show or store."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret in ``text`` with ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


@dataclass(frozen=True, repr=False)
class BackendAuth:
    """Credentials sent with every request to a backend. ``repr`` never shows them."""

    bearer_token: str | None = None
    basic_user: str | None = None
    basic_password: str | None = None

    def headers(self) -> dict[str, str]:
        """HTTP headers carrying the bearer token, if any (basic auth goes through ``httpx_auth``)."""
        return {"Authorization": f"Bearer {self.bearer_token}"} if self.bearer_token else {}

    def secret_values(self) -> list[str]:
        """The secret strings (token, password), for redacting them from error texts."""
        return [v for v in (self.bearer_token, self.basic_password) if v]

    def kind(self) -> str:
        """Which credential is sent: ``bearer token``, ``basic auth`` or ``no credentials`` (safe to show)."""
        if self.bearer_token:
            return "bearer token"
        return "basic auth" if self.basic_user else "no credentials"

    def httpx_auth(self) -> httpx.BasicAuth | None:
        """An httpx basic-auth object when a user is set."""
        if self.basic_user is None:
            return None
        return httpx.BasicAuth(self.basic_user, self.basic_password or "")

    def __repr__(self) -> str:
        kinds = [k for k, v in (("bearer", self.bearer_token), ("basic", self.basic_user)) if v]
        return f"BackendAuth({'+'.join(kinds) or 'none'})"


@dataclass(frozen=True, repr=False)
class TlsConfig:
    """TLS material for one cluster: a custom CA bundle, an optional client certificate (mTLS), or no verification."""

    ca_pem: str | None = None
    client_cert_pem: str | None = None
    client_key_pem: str | None = None
    insecure_skip_verify: bool = False

    def is_default(self) -> bool:
        """True when the system trust store and no client certificate apply."""
        return not (self.ca_pem or self.client_cert_pem or self.insecure_skip_verify)

    def ssl_context(self) -> ssl.SSLContext | bool:
        """Build the ``verify=`` argument for httpx."""
        if self.insecure_skip_verify and not self.client_cert_pem:
            return False
        ctx = ssl.create_default_context(cadata=self.ca_pem) if self.ca_pem else ssl.create_default_context()
        if self.insecure_skip_verify:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        if self.client_cert_pem:
            # ssl can only load a cert chain from files; write them to a private temp dir and drop them at once.
            with tempfile.TemporaryDirectory() as tmp:
                cert = Path(tmp) / "tls.crt"
                key = Path(tmp) / "tls.key"
                cert.write_text(self.client_cert_pem)
                cert.chmod(0o600)
                key_path: Path | None = None
                if self.client_key_pem:
                    key.write_text(self.client_key_pem)
                    key.chmod(0o600)
                    key_path = key
                ctx.load_cert_chain(cert, key_path)
        return ctx

    def __repr__(self) -> str:
        return (
            f"TlsConfig(ca={'yes' if self.ca_pem else 'no'}, mtls={'yes' if self.client_cert_pem else 'no'}, "
            f"insecure={self.insecure_skip_verify})"
        )


@dataclass(frozen=True)
class BackendTarget:
    """One backend endpoint of one cluster, with what is needed to call it."""

    cluster: str
    backend: str  # "prometheus", "thanos", "alertmanager", "api", "loki", "tempo"
    base_url: str
    auth: BackendAuth = field(default_factory=BackendAuth)
    tls: TlsConfig = field(default_factory=TlsConfig)
    labels: dict[str, str] = field(default_factory=dict)

    def url(self, path: str) -> str:
        """Join ``path`` to the base URL (which may carry a path prefix, e.g. a Thanos route)."""
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def endpoint(self, path: str) -> httpx.URL:
        """:meth:`url` as a parsed ``httpx.URL``, parsed once per process (httpx would parse the string again on
        every request: ~40 us)."""
        return _parsed(self.base_url, path)


@functools.lru_cache(maxsize=4096)
def _parsed(base_url: str, path: str) -> httpx.URL:
    # httpx.URL is immutable: one parsed copy can serve every request.
    return httpx.URL(base_url.rstrip("/") + "/" + path.lstrip("/"))


class HttpClientPool:
    """Long-lived ``httpx.AsyncClient`` objects, one per backend origin (scheme, host, port) and TLS configuration.

    One client per origin keeps each connection pool small: httpcore scans every pooled connection on each
    request event, so a single client shared by hundreds of clusters slows a wide fan-out down to the point of
    spurious timeouts (encode/httpcore#1035). Open the pool in an entry point's lifespan and close it with
    :meth:`aclose`. ``transport`` replaces the network in tests (``httpx.MockTransport``); ``timeout`` is the
    default per-request timeout in seconds.
    """

    def __init__(
        self,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        max_connections_per_origin: int = 32,
    ) -> None:
        self._transport = transport
        self._timeout = timeout
        self._limits = httpx.Limits(
            max_connections=max_connections_per_origin, max_keepalive_connections=max_connections_per_origin
        )
        self._clients: dict[tuple[str, TlsConfig], httpx.AsyncClient] = {}
        # base URL -> origin, so a call does not parse the URL again (~25 us each).
        self._origins: dict[str, str] = {}
        # Building an SSL context loads the CA bundle (~20 ms): one per TLS configuration, shared by its origins.
        self._ssl: dict[TlsConfig, ssl.SSLContext | bool] = {}

    def for_target(self, target: BackendTarget) -> httpx.AsyncClient:
        """The shared client for ``target``'s origin and TLS configuration."""
        origin = self._origins.get(target.base_url)
        if origin is None:
            url = httpx.URL(target.base_url)
            origin = f"{url.scheme}://{url.host}:{url.port or ''}"
            if len(self._origins) >= _MAX_ORIGINS:  # bounded whatever the fleet churn
                self._origins.clear()
            self._origins[target.base_url] = origin
        return self.client(target.tls, origin=origin)

    def client(self, tls: TlsConfig | None = None, *, origin: str = "") -> httpx.AsyncClient:
        """Return the shared client for ``origin`` and ``tls`` (the default trust store when ``None``)."""
        key = (origin, tls or TlsConfig())
        existing = self._clients.get(key)
        if existing is not None:
            return existing
        verify = self._ssl.get(key[1])
        if verify is None:
            verify = ssl.create_default_context() if key[1].is_default() else key[1].ssl_context()
            self._ssl[key[1]] = verify
        client = httpx.AsyncClient(
            transport=self._transport,
            timeout=self._timeout,
            limits=self._limits,
            verify=verify,
            headers={"User-Agent": "aiops-nextgen"},
            follow_redirects=False,
        )
        self._clients[key] = client
        return client

    async def aclose(self) -> None:
        """Close every client."""
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()
        self._ssl.clear()
        self._origins.clear()
