"""Gateway settings (env prefix ``GATEWAY_``; ``REDIS_URL`` is shared)."""

from __future__ import annotations

import json
from ipaddress import ip_network
from typing import Annotated, Any, Literal

from launchforge_common.settings import (
    CidrList,
    ListenerSettings,
    Port,
    ServiceSettings,
    TokenVerifierSettings,
    TrustedProxySettings,
)
from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

MiB = 1024 * 1024

# Paths that pass without a token (besides everything outside /v1): the ways
# to obtain or renew a token, and the public key set. Probes and /metrics are
# the gateway's own and never authenticated.
DEFAULT_PUBLIC_PATHS = (
    "/v1/auth/register",
    "/v1/auth/login",
    "/v1/auth/refresh",
    "/v1/auth/verify-email",
    "/v1/auth/verify-email/resend",
    "/v1/auth/password/forgot",
    "/v1/auth/password/reset",
    "/.well-known/jwks.json",
)


class RouteRateLimit(BaseModel):
    """A per-route policy replacing the default ones for matching requests.

    ``path`` is exact, or a prefix when it ends with ``/*``; ``method`` empty
    matches every method; ``by`` says whose bucket it is: the client IP, or
    the authenticated principal (user or API key, the IP when anonymous).
    """

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,31}$")
    path: str
    method: str = ""
    limit: int = Field(ge=1)
    window: int = Field(default=60, ge=1)
    by: Literal["ip", "principal"] = "ip"


class RouteBodyLimit(BaseModel):
    """A per-route request body size limit (``path`` exact or ``prefix/*``)."""

    path: str
    method: str = ""
    limit: int = Field(ge=0)


DEFAULT_ROUTE_RATE_LIMITS = (
    RouteRateLimit(name="login", path="/v1/auth/login", method="POST", limit=5, window=60),
    RouteRateLimit(name="register", path="/v1/auth/register", method="POST", limit=10, window=60),
    RouteRateLimit(
        name="password-forgot", path="/v1/auth/password/forgot", method="POST", limit=5, window=60
    ),
    # Checking a spec is CPU work in core (up to a few hundred ms for the largest);
    # an editor checks once a person pauses, far below this.
    RouteRateLimit(
        name="spec-check",
        path="/v1/specs/validate",
        method="POST",
        limit=60,
        window=60,
        by="principal",
    ),
    # Reading a change request and editing the spec: the same CPU work as a check.
    RouteRateLimit(
        name="spec-edit", path="/v1/specs/edit", method="POST", limit=60, window=60, by="principal"
    ),
)

DEFAULT_PLAN_LIMITS = {"free": 300, "starter": 600, "pro": 1200, "enterprise": 3000}


def _json_or_csv(value: Any) -> Any:
    """Environment lists: a JSON document, or comma-separated strings."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(("[", "{")):
            return json.loads(text)
        return [part for part in (p.strip() for p in text.split(",")) if part]
    return value


class GatewaySettings(
    ServiceSettings, ListenerSettings, TokenVerifierSettings, TrustedProxySettings
):
    """Where the gateway listens, where its upstreams are, and how it talks to them.

    Listener, token checks (JWKS, introspection, ``GATEWAY_INTERNAL_TOKEN``)
    and trusted proxies are the shared mixins of ``launchforge_common.settings``.
    """

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", populate_by_name=True)

    service_name: str = "gateway"
    port: Port = 8000

    core_url: str = "http://127.0.0.1:8002"

    # Seconds to open a TCP connection to an upstream.
    upstream_connect_timeout: float = Field(default=2.0, gt=0)
    # Seconds allowed between two reads from an upstream (not a total), so a
    # long SSE stream that keeps sending is never cut.
    upstream_read_timeout: float = Field(default=30.0, gt=0)
    # Seconds to wait for a free pooled connection (includes connecting).
    upstream_pool_timeout: float = Field(default=5.0, gt=0)
    # Connections kept open to each upstream, at most.
    upstream_pool_size: int = Field(default=100, ge=1)
    # Long-lived streams (Server-Sent Events) use a pool of their own, so open
    # streams never make ordinary requests wait for a connection; each
    # principal (user, or client IP without one) may hold this many at once
    # per gateway replica (429 beyond).
    upstream_stream_pool_size: int = Field(default=1000, ge=1)
    streams_per_principal: int = Field(default=10, ge=1)
    # Idle pooled connections are closed after this many seconds. Keep it
    # below the upstream server's keep-alive (uvicorn: 5 s) so the gateway
    # never reuses a connection the upstream is closing.
    upstream_keepalive_timeout: float = Field(default=4.0, gt=0)
    # Time limit of each /readyz check (Redis PING, upstream /readyz).
    readiness_timeout: float = Field(default=1.0, gt=0)

    # --- rate limiting (GCRA in Redis, see middleware/ratelimit.py) ---
    rate_limit_enabled: bool = True
    # Window every limit below is counted over, in seconds.
    rate_limit_window: int = Field(default=60, ge=1)
    # Anonymous traffic, per client IP.
    rate_limit_anonymous: int = Field(default=100, ge=1)
    # Authenticated users, per user, by the token's plan claim (unknown plans
    # get rate_limit_user).
    rate_limit_user: int = Field(default=300, ge=1)
    rate_limit_plans: Annotated[dict[str, int], NoDecode] = Field(
        default_factory=lambda: dict(DEFAULT_PLAN_LIMITS)
    )
    # Per API key.
    rate_limit_api_key: int = Field(default=600, ge=1)
    # Live previews (/preview/{build_id}/{token}/...), per client IP:
    # a preview page loads its scripts and calls its API without credentials,
    # and must not spend the anonymous budget login and refresh share.
    rate_limit_preview: int = Field(default=600, ge=1)
    # API keys not in the introspection cache that one client IP may have
    # looked up at auth per window: checked before the lookup, so random lf_
    # keys cost the guesser, not an introspection and a query each.
    rate_limit_key_lookups: int = Field(default=60, ge=1)
    rate_limit_routes: Annotated[list[RouteRateLimit], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_ROUTE_RATE_LIMITS)
    )
    # What to do while Redis is down: a per-replica in-process limiter
    # ("local") or 503 for everything rate limited ("closed").
    rate_limit_redis_down: Literal["local", "closed"] = "local"
    rate_limit_key_prefix: str = Field(default="lf:rl", pattern=r"^[A-Za-z0-9:_.-]{1,64}$")

    # --- request size limits ---
    max_body_size: int = Field(default=10 * MiB, ge=0)
    body_size_routes: Annotated[list[RouteBodyLimit], NoDecode] = Field(default_factory=list)
    # Seconds the whole request body may take to arrive once the headers are
    # in: a client trickling (or stalling) its body gets 408 instead of
    # holding a connection, and an upstream one, for as long as it likes.
    body_timeout: float = Field(default=60.0, gt=0)

    # --- CORS ---
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    cors_allow_credentials: bool = True
    cors_max_age: int = Field(default=600, ge=0)

    # --- security headers ---
    # Strict-Transport-Security max-age in seconds; 0 leaves the header out.
    hsts_max_age: int = Field(default=63072000, ge=0)
    hsts_include_subdomains: bool = True
    hsts_preload: bool = False
    content_security_policy: str = (
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )

    # --- edge authentication ---
    # Off only for tests of the bare proxy; refused in production.
    edge_auth_enabled: bool = True
    public_paths: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_PUBLIC_PATHS)
    )

    # --- proxy ---
    # Extra tries (after the first) when connecting to an upstream fails,
    # for idempotent methods only.
    upstream_connect_retries: int = Field(default=1, ge=0, le=5)

    # --- observability ---
    metrics_enabled: bool = True
    # Clients (by the address trusted_proxies resolve) that may read /metrics
    # and the detailed /readyz: in-cluster scrapers and probes. Anyone else
    # gets a 404 for /metrics and only the overall status from /readyz, since
    # the gateway is the public entry.
    diagnostics_networks: CidrList = Field(
        default_factory=lambda: [
            ip_network(n)
            for n in (
                "127.0.0.0/8",
                "::1/128",
                "10.0.0.0/8",
                "172.16.0.0/12",
                "192.168.0.0/16",
                "fc00::/7",
            )
        ]
    )

    @field_validator("rate_limit_plans", mode="before")
    @classmethod
    def _parse_plans(cls, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value)
        return value

    @field_validator(
        "rate_limit_routes", "body_size_routes", "cors_origins", "public_paths", mode="before"
    )
    @classmethod
    def _parse_lists(cls, value: Any) -> Any:
        return _json_or_csv(value)

    @field_validator("cors_origins")
    @classmethod
    def _check_origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise ValueError(f"CORS origin must be * or an http(s) origin, got {origin!r}")
            if origin.endswith("/"):
                raise ValueError(f"CORS origin must not end with '/': {origin!r}")
        return value

    @model_validator(mode="after")
    def _check_combinations(self) -> GatewaySettings:
        if "*" in self.cors_origins and self.cors_allow_credentials:
            raise ValueError(
                "GATEWAY_CORS_ORIGINS='*' with credentials would let any site act as the user; "
                "list the origins or set GATEWAY_CORS_ALLOW_CREDENTIALS=false"
            )
        if not self.edge_auth_enabled and self.is_production:
            raise ValueError("GATEWAY_EDGE_AUTH_ENABLED=false is refused in production")
        return self

    @field_validator("auth_url", "core_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("upstream URLs must start with http:// or https://")
        return value
