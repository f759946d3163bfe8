"""Core's settings from the shared mixins keep their CORE_ names and defaults."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from launchforge_core.config import CoreSettings


def test_shared_groups_read_their_core_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORE_PORT", "9002")
    monkeypatch.setenv("CORE_AUTH_URL", "http://auth:8001/")
    monkeypatch.setenv("CORE_JWT_AUDIENCE", "aud-x")
    monkeypatch.setenv("CORE_JWKS_MIN_REFETCH_INTERVAL", "7")
    monkeypatch.setenv("CORE_INTERNAL_TOKEN", "tok")
    monkeypatch.setenv("CORE_INTROSPECTION_CACHE_TTL", "4")
    monkeypatch.setenv("CORE_PROVIDER_ALLOWED_NETWORKS", '["10.0.4.0/24"]')
    settings = CoreSettings()
    assert settings.port == 9002
    assert settings.jwks_url == "http://auth:8001/.well-known/jwks.json"
    assert settings.jwt_audience == "aud-x"
    assert settings.jwks_min_refetch_interval == 7.0
    assert settings.internal_token_value == "tok"
    assert settings.introspection_cache_ttl == 4.0
    assert settings.allowed_provider_networks == [ip_network("10.0.4.0/24")]


def test_unset_provider_networks_keep_their_environment_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert CoreSettings().port == 8002
    assert CoreSettings(environment="development").allowed_provider_networks == [
        ip_network("127.0.0.0/8"),
        ip_network("::1/128"),
    ]
    monkeypatch.setenv("CORE_PROVIDER_ALLOWED_NETWORKS", "null")
    assert CoreSettings().provider_allowed_networks is None
