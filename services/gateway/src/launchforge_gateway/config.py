"""Gateway settings (env prefix ``GATEWAY_``; ``REDIS_URL`` is shared)."""

from __future__ import annotations

import json
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Annotated, Any

from launchforge_common.settings import ServiceSettings
from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

Network = IPv4Network | IPv6Network


class GatewaySettings(ServiceSettings):
    """Where the gateway listens, where its upstreams are, and how it talks to them."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", populate_by_name=True)

    service_name: str = "gateway"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)

    auth_url: str = "http://127.0.0.1:8001"
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
    # Idle pooled connections are closed after this many seconds. Keep it
    # below the upstream server's keep-alive (uvicorn: 5 s) so the gateway
    # never reuses a connection the upstream is closing.
    upstream_keepalive_timeout: float = Field(default=4.0, gt=0)
    # Time limit of each /readyz check (Redis PING, upstream /readyz).
    readiness_timeout: float = Field(default=1.0, gt=0)

    # Socket peers whose X-Forwarded-* headers are believed (e.g. the ingress).
    # JSON list or comma-separated CIDRs: "10.0.0.0/8,127.0.0.1/32".
    trusted_proxies: Annotated[list[Network], NoDecode] = Field(default_factory=list)

    @field_validator("auth_url", "core_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("upstream URLs must start with http:// or https://")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _parse_networks(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                value = json.loads(text)
            else:
                value = [part for part in (p.strip() for p in text.split(",")) if part]
        if isinstance(value, list | tuple):
            return [
                ip_network(item, strict=False) if isinstance(item, str) else item for item in value
            ]
        return value
