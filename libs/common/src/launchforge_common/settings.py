"""Settings base shared by every service.

Each service subclasses :class:`ServiceSettings` and sets its own env prefix
(``GATEWAY_``, ``AUTH_``, ``CORE_``). ``REDIS_URL`` is shared by all services,
so it is read without a prefix.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "test", "production"]


class ServiceSettings(BaseSettings):
    """Settings every service has: identity, environment, logging, Redis."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service_name: str = "launchforge"
    environment: Environment = "development"
    log_level: str = "INFO"
    log_json: bool = True
    # Access lines (one per request) are written together at most this many
    # seconds apart (one write per batch, not per line); every other line at
    # once. 0 writes every access line at once too.
    log_flush_interval: float = Field(default=0.1, ge=0, le=5)

    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        validation_alias=AliasChoices("REDIS_URL", "redis_url"),
    )
    redis_connect_timeout: float = 0.5
    redis_read_timeout: float = 0.5

    # After a Redis error, seconds before Redis is tried again: keeps a
    # down Redis from costing a connect timeout on every single request.
    redis_retry_after: float = 1.0

    # Seconds in-flight requests get to finish once the server stops accepting.
    shutdown_timeout: float = 10.0
    # Seconds between SIGTERM and that moment: /readyz answers 503 and every
    # response closes its connection while requests are still served, so load
    # balancers and keep-alive clients move away first (see server.py).
    # Unset: 5 s in production, none elsewhere (tests and `make dev` stop at once).
    shutdown_drain_seconds: float | None = Field(default=None, ge=0, le=300)

    # Request bodies: at most this many bytes (413 beyond), all of it within
    # body_timeout seconds of the headers (408 after). The gateway enforces
    # its own limits first; these keep a service from reading an unbounded
    # body however a request reaches it (launchforge_common/body_limit.py).
    max_body_size: int = Field(default=1024 * 1024, ge=0)
    body_timeout: float = Field(default=60.0, gt=0)

    # OpenTelemetry: off (default), console, or otlp (to OTEL_EXPORTER_OTLP_ENDPOINT).
    tracing: Literal["off", "console", "otlp"] = "off"

    @model_validator(mode="before")
    @classmethod
    def _unprefixed_environment(cls, data: Any) -> Any:
        """Honour a bare ``ENVIRONMENT`` (or refuse a conflicting one), never ignore it.

        ``ENVIRONMENT=production`` with no ``<P>_ENVIRONMENT`` used to leave a
        service in development mode, with development keys and mail outbox.
        """
        prefix = str(cls.model_config.get("env_prefix") or "")
        bare = os.environ.get("ENVIRONMENT")
        if not prefix or bare is None or not isinstance(data, dict):
            return data
        explicit = data.get("environment", os.environ.get(f"{prefix}ENVIRONMENT"))
        if explicit is None:
            return {**data, "environment": bare}
        if explicit != bare:
            raise ValueError(
                f"ENVIRONMENT={bare!r} contradicts {prefix}ENVIRONMENT={explicit!r}; "
                "set one of them"
            )
        return data

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def drain_seconds(self) -> float:
        """The SIGTERM drain in effect (``shutdown_drain_seconds`` or its default)."""
        if self.shutdown_drain_seconds is not None:
            return self.shutdown_drain_seconds
        return 5.0 if self.is_production else 0.0


class DatabaseSettings(BaseSettings):
    """Connection-pool settings for a service that owns a PostgreSQL database."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/launchforge"
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_timeout: float = Field(default=5.0, gt=0)
    db_pool_recycle: int = Field(default=1800, ge=-1)
    db_connect_timeout: float = Field(default=5.0, gt=0)
    db_statement_timeout_ms: int = Field(default=15000, ge=0)
    db_echo: bool = False

    @model_validator(mode="after")
    def _normalise_driver(self) -> DatabaseSettings:
        """Accept plain ``postgresql://`` URLs and use the asyncpg driver for them."""
        url = self.database_url
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                self.database_url = "postgresql+asyncpg://" + url[len(prefix) :]
        return self
