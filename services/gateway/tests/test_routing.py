"""The route table and settings parsing (no servers)."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from launchforge_common.client_ip import TrustedProxies
from launchforge_gateway.config import GatewaySettings
from launchforge_gateway.routing import RoutingTable


@pytest.mark.parametrize(
    ("path", "upstream"),
    [
        ("/v1/auth/login", "auth"),
        ("/v1/auth/oauth/github/callback", "auth"),
        ("/.well-known/jwks.json", "auth"),
        ("/v1/projects", "core"),
        ("/v1/projects/p1/files", "core"),
        ("/v1/builds/b1/events", "core"),
        ("/v1/usage", "core"),
        ("/v1/provider-keys/k1", "core"),
        ("/v1/specs/validate", "core"),
        ("/v1/specsx", None),
        ("/mcp", "core"),
        ("/mcp/x", None),
        ("/mcpx", None),
        ("/preview/b1/t0k/api/items", "core"),
        ("/previewx", None),
        ("/internal/x", None),
        ("/internal/auth/users", None),
        ("/v1/projectsx", None),
        ("/v1/usage/extra", None),
        ("/v1/authx", None),
        ("/.well-known/other", None),
        ("/v1/projects/../../internal/x", None),
        ("/v1/auth/./login", None),
        ("/", None),
        ("*", None),
    ],
)
def test_routes(path: str, upstream: str | None) -> None:
    assert RoutingTable().resolve(path) == upstream


def test_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")
    monkeypatch.setenv("GATEWAY_CORE_URL", "http://core:8002/")
    monkeypatch.setenv("GATEWAY_UPSTREAM_READ_TIMEOUT", "5")
    monkeypatch.setenv("REDIS_URL", "redis://redis:6379/3")
    settings = GatewaySettings()
    assert settings.trusted_proxies == [ip_network("10.0.0.0/8"), ip_network("127.0.0.1/32")]
    assert settings.core_url == "http://core:8002"
    assert settings.upstream_read_timeout == 5.0
    assert settings.redis_url == "redis://redis:6379/3"
    assert settings.service_name == "gateway"

    monkeypatch.setenv("GATEWAY_TRUSTED_PROXIES", '["192.168.0.0/16"]')
    assert GatewaySettings().trusted_proxies == [ip_network("192.168.0.0/16")]


def test_settings_reject_bad_upstream_url() -> None:
    with pytest.raises(ValueError, match="http"):
        GatewaySettings(core_url="core:8002")


def test_trusted_proxies() -> None:
    trusted = TrustedProxies([ip_network("10.0.0.0/8"), ip_network("fd00::/8")])
    assert trusted.is_trusted("10.1.2.3")
    assert trusted.is_trusted("::ffff:10.1.2.3")
    assert trusted.is_trusted("fd00::1")
    assert not trusted.is_trusted("11.0.0.1")
    assert not trusted.is_trusted("not-an-ip")
    assert not trusted.is_trusted(None)
    assert not TrustedProxies([]).is_trusted("10.1.2.3")
