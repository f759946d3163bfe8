"""The gateway's settings from the shared mixins keep their GATEWAY_ names."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from launchforge_gateway.config import GatewaySettings


def test_shared_groups_read_their_gateway_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_HOST", "0.0.0.0")  # noqa: S104
    monkeypatch.setenv("GATEWAY_PORT", "9000")
    monkeypatch.setenv("GATEWAY_AUTH_URL", "http://auth:8001/")
    monkeypatch.setenv("GATEWAY_JWT_ISSUER", "iss-x")
    monkeypatch.setenv("GATEWAY_JWT_AUDIENCE", "aud-x")
    monkeypatch.setenv("GATEWAY_JWKS_CACHE_TTL", "12")
    monkeypatch.setenv("GATEWAY_INTROSPECTION_CACHE_TTL", "3")
    monkeypatch.setenv("GATEWAY_INTERNAL_TOKEN", "tok")
    monkeypatch.setenv("GATEWAY_DIAGNOSTICS_NETWORKS", '["10.9.0.0/16"]')
    settings = GatewaySettings()
    assert (settings.host, settings.port) == ("0.0.0.0", 9000)  # noqa: S104
    assert settings.auth_url == "http://auth:8001"  # the gateway's own URL check still runs
    assert settings.jwks_url == "http://auth:8001/.well-known/jwks.json"
    assert (settings.jwt_issuer, settings.jwt_audience) == ("iss-x", "aud-x")
    assert (settings.jwks_cache_ttl, settings.introspection_cache_ttl) == (12.0, 3.0)
    assert settings.internal_token_value == "tok"
    assert settings.diagnostics_networks == [ip_network("10.9.0.0/16")]
    assert GatewaySettings().trusted_proxies == []


def test_default_port_and_diagnostics() -> None:
    settings = GatewaySettings()
    assert settings.port == 8000
    assert ip_network("10.0.0.0/8") in settings.diagnostics_networks
