"""The one place the environment is read: :class:`Settings` (pydantic-settings, prefix ``AIOPS_``).

Each entry point (``aiops`` CLI commands, the HTTP server, tests) builds a ``Settings`` in its ``main()`` and hands
plain values down. Nothing else reads environment variables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "aiops-nextgen"


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set with an ``AIOPS_<FIELD>`` environment variable or ``.env``."""

    model_config = SettingsConfigDict(env_prefix="AIOPS_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="Embedded database, key file, demo data")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default sqlite:///<data_dir>/aiops.db. Postgres: postgresql+psycopg://",
    )
    encryption_key: SecretStr | None = Field(
        default=None, description="Fernet key for credentials at rest; embedded mode creates <data_dir>/fernet.key"
    )

    # MCP surface: every client pays for each listed tool's schema on every turn, so serve only what it needs.
    toolsets: str = Field(
        default="all",
        description="Toolsets served by `aiops mcp|serve` (overridden by --toolsets): comma-separated names from "
        "fleet, metrics, alerts, k8s, logs, traces, gpu, cnf and ask (the agent as aiops_ask), or all",
    )
    output_schemas: Literal["none", "full"] = Field(
        default="none",
        description="full = list each tool's result schema in tools/list (for clients that validate structured "
        "results); none = serve them only as the aiops://schemas/{tool} resource",
    )

    # HTTP transport
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    http_token: SecretStr | None = Field(default=None, description="Bearer token required when not on loopback")
    allowed_hosts: list[str] = Field(
        default_factory=list, description="Extra Host header values accepted (DNS-rebinding protection)"
    )

    # Fan-out and guardrails
    fanout_concurrency: int = Field(default=32, ge=1, le=1024)
    cluster_timeout_s: float = Field(default=15.0, gt=0, description="Per-cluster timeout of one fan-out call")
    query_timeout_s: float = Field(
        default=12.0, gt=0, description="Prometheus query timeout (capped at 0.9 x cluster_timeout_s)"
    )
    max_range_s: int = Field(default=7 * 24 * 3600, gt=0, description="Longest range a query may cover")
    max_points_per_series: int = Field(default=11_000, gt=0)
    max_series: int = Field(default=1_000, gt=0, description="Series kept per query before summarising")
    response_max_bytes: int = Field(default=12_000, gt=1000, description="Cap on a tool's JSON response")
    metric_names_cache_s: float = Field(
        default=60.0, ge=0, description="How long metrics_list_names reuses an endpoint's metric names (0 = never)"
    )

    # Thanos / ACM global view: one querier answers for the whole fleet, series carry a cluster label.
    metrics_mode: Literal["direct", "global"] = "direct"
    global_querier_url: str | None = None
    global_querier_token: SecretStr | None = Field(default=None, description="Bearer token for the global querier")
    global_cluster_label: str = "cluster"

    # Background health probes (per-type intervals are fixed by cluster type)
    probe_enabled: bool = True

    # Agents: an OpenAI-compatible LLM (vLLM by default), an optional fallback, personas, chat sessions (docs/llm.md)
    llm_base_url: str | None = Field(default=None, description="e.g. http://vllm:8000/v1; unset = no LLM")
    llm_model: str | None = Field(default=None, description="Model id as the server lists it at /v1/models")
    llm_api_key: SecretStr | None = None
    llm_provider: str = Field(default="vllm", description="vllm, llamacpp, ollama, openai, anthropic, gemini, ...")
    llm_timeout_s: float = Field(default=60.0, gt=0)
    llm_fallback_base_url: str | None = None
    llm_fallback_model: str | None = None
    llm_fallback_api_key: SecretStr | None = None
    llm_fallback_provider: str = "openai-compatible"
    personas_dir: Path | None = Field(default=None, description="Directory of custom persona YAML files")
    sessions_url: str | None = Field(
        default=None,
        description="Chat sessions and checkpoints; default sqlite:///<data_dir>/sessions.db, Postgres by URL",
    )

    def resolved_sessions_url(self) -> str:
        """Where chat sessions live: ``sessions_url``, else a SQLite file beside the registry."""
        return self.sessions_url or f"sqlite:///{self.data_dir / 'sessions.db'}"

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the embedded SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'aiops.db'}"
