"""Auth's settings from the shared mixins keep their AUTH_ names and defaults."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from launchforge_auth.config import AuthSettings


def test_shared_groups_read_their_auth_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_HOST", "0.0.0.0")  # noqa: S104
    monkeypatch.setenv("AUTH_PORT", "9001")
    monkeypatch.setenv("AUTH_JWT_ISSUER", "iss-x")
    monkeypatch.setenv("AUTH_JWT_AUDIENCE", "aud-x")
    monkeypatch.setenv("AUTH_TRUSTED_PROXIES", '["10.42.0.0/16"]')  # as the chart writes it
    settings = AuthSettings()
    assert (settings.host, settings.port) == ("0.0.0.0", 9001)  # noqa: S104
    assert (settings.jwt_issuer, settings.jwt_audience) == ("iss-x", "aud-x")
    assert settings.trusted_proxies == [ip_network("10.42.0.0/16")]
    monkeypatch.setenv("AUTH_TRUSTED_PROXIES", "[]")
    assert AuthSettings().trusted_proxies == []


def test_defaults() -> None:
    settings = AuthSettings()
    assert settings.port == 8001
    assert settings.trusted_proxies == [ip_network("127.0.0.0/8"), ip_network("::1/128")]
    assert settings.proxy_trust.is_trusted("::ffff:127.0.0.1")
