"""Settings base shared by every service.

Each service subclasses :class:`ServiceSettings` and sets its own env prefix
(``GATEWAY_``, ``AUTH_``, ``CORE_``). ``REDIS_URL`` is shared by all services,
so it is read without a prefix. The groups of settings more than one service
has (where it listens, how it checks auth's tokens, which proxies it trusts)
are mixins here, so each is declared, parsed and documented once; a service
only restates a field to give it another default.
"""

from __future__ import annotations

import json
import os
from functools import cached_property
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BeforeValidator, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from launchforge_common.client_ip import Network, TrustedProxies

Environment = Literal["development", "test", "production"]


def parse_cidrs(value: Any) -> Any:
    """CIDRs from a JSON list or comma-separated text (``"10.0.0.0/8, ::1"``).

    Host bits are allowed (``10.1.2.3/8`` is ``10.0.0.0/8``) and a bare
    address is its /32 or /128; anything else fails validation naming it.
    """
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            value = json.loads(text)
        else:
            value = [part for part in (p.strip() for p in text.split(",")) if part]
    if isinstance(value, list | tuple):
        return [_network(item) for item in value]
    return value


def _network(item: Any) -> Network:
    if isinstance(item, IPv4Network | IPv6Network):
        return item
    if not isinstance(item, str):  # pydantic would take 5 as 0.0.0.5/32
        raise ValueError(f"a network is a CIDR string, got {item!r}")
    return ip_network(item.strip(), strict=False)


def _parse_optional_cidrs(value: Any) -> Any:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "null", "none")):
        return None
    return parse_cidrs(value)


# A list of networks in any environment variable: the one parser for all of them.
CidrList = Annotated[list[Network], NoDecode, BeforeValidator(parse_cidrs)]
# The same, where unset (None, or "null" in the environment) means "the default rule".
OptionalCidrList = Annotated[list[Network] | None, NoDecode, BeforeValidator(_parse_optional_cidrs)]
# A TCP port a service listens on (0: any free one).
Port = Annotated[int, Field(ge=0, le=65535)]


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


class ListenerSettings(BaseSettings):
    """Where the service's HTTP server listens (``<P>_HOST``, ``<P>_PORT``)."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    host: str = "127.0.0.1"
    port: Port = 8000


class TokenSettings(BaseSettings):
    """The ``iss`` and ``aud`` of access tokens: auth writes them, the others require them."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    jwt_issuer: str = "launchforge-auth"
    jwt_audience: str = "launchforge"


class TokenVerifierSettings(TokenSettings):
    """How a service checks credentials auth issued: JWTs by its JWKS, API keys by introspection."""

    auth_url: str = "http://127.0.0.1:8001"
    # Seconds a fetched JWKS is used, and the least time between two refetches
    # caused by unknown key ids (forged kids cannot make a service flood auth).
    jwks_cache_ttl: float = Field(default=300.0, gt=0)
    jwks_min_refetch_interval: float = Field(default=5.0, ge=0)
    # Seconds an introspected API key answer is cached (longest a revoked key works).
    introspection_cache_ttl: float = Field(default=15.0, ge=0)
    # Sent as X-Internal-Token to auth's introspection (matches AUTH_INTERNAL_TOKEN).
    internal_token: SecretStr | None = None

    @property
    def jwks_url(self) -> str:
        return f"{self.auth_url.rstrip('/')}/.well-known/jwks.json"

    @property
    def internal_token_value(self) -> str | None:
        return self.internal_token.get_secret_value() if self.internal_token else None


class TrustedProxySettings(BaseSettings):
    """Socket peers whose forwarding headers are believed (``<P>_TRUSTED_PROXIES``).

    The rule they feed is :mod:`launchforge_common.client_ip`.
    """

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    # JSON list or comma-separated CIDRs: "10.0.0.0/8,127.0.0.1/32".
    trusted_proxies: CidrList = Field(default_factory=list)

    @cached_property
    def proxy_trust(self) -> TrustedProxies:
        """One instance per settings object: its trust answers are cached per peer."""
        return TrustedProxies(self.trusted_proxies)

    def trusted_proxy_networks(self) -> list[Network]:
        return list(self.trusted_proxies)
