"""The shared settings groups and the one CIDR-list type, read as services read them."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from launchforge_common.settings import (
    CidrList,
    ListenerSettings,
    OptionalCidrList,
    Port,
    ServiceSettings,
    TokenVerifierSettings,
    TrustedProxySettings,
)
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict


class DemoSettings(ServiceSettings, ListenerSettings, TokenVerifierSettings, TrustedProxySettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_", extra="ignore", populate_by_name=True)

    port: Port = 8123
    allowed: OptionalCidrList = None
    scrapers: CidrList = []


def test_mixin_fields_take_the_service_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_HOST", "0.0.0.0")  # noqa: S104
    monkeypatch.setenv("DEMO_JWT_ISSUER", "issuer-x")
    monkeypatch.setenv("DEMO_AUTH_URL", "http://auth:8001/")
    monkeypatch.setenv("DEMO_INTERNAL_TOKEN", "s3cret")
    monkeypatch.setenv("HOST", "ignored")
    settings = DemoSettings()
    assert settings.host == "0.0.0.0"  # noqa: S104
    assert settings.port == 8123  # the service's own default
    assert settings.jwt_issuer == "issuer-x"
    assert settings.jwks_url == "http://auth:8001/.well-known/jwks.json"
    assert settings.internal_token_value == "s3cret"
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    "value",
    ['["10.0.0.0/8", "::1/128"]', "10.0.0.0/8, ::1", "10.1.2.3/8,::1/128", " 10.0.0.0/8 ,::1 "],
)
def test_cidr_lists_read_json_or_comma_separated(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("DEMO_TRUSTED_PROXIES", value)
    monkeypatch.setenv("DEMO_SCRAPERS", value)
    settings = DemoSettings()
    expected = [ip_network("10.0.0.0/8"), ip_network("::1/128")]
    assert settings.trusted_proxies == expected
    assert settings.scrapers == expected


def test_trusted_proxies_feed_the_client_ip_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_TRUSTED_PROXIES", "10.0.0.0/8")
    settings = DemoSettings()
    assert settings.proxy_trust is settings.proxy_trust  # one instance, one cache
    scope = {"client": ("10.0.0.2", 1), "headers": [(b"x-forwarded-for", b"203.0.113.9")]}
    assert settings.proxy_trust.client_ip(scope) == "203.0.113.9"
    assert DemoSettings().trusted_proxy_networks() == [ip_network("10.0.0.0/8")]


def test_defaults_are_empty_lists() -> None:
    settings = DemoSettings()
    assert settings.trusted_proxies == []
    assert settings.allowed is None
    assert not settings.proxy_trust.is_trusted("127.0.0.1")


@pytest.mark.parametrize("value", ["", "null", "None"])
def test_optional_cidr_list_unset(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("DEMO_ALLOWED", value)
    assert DemoSettings().allowed is None


def test_optional_cidr_list_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_ALLOWED", "[]")
    assert DemoSettings().allowed == []
    monkeypatch.setenv("DEMO_ALLOWED", "192.168.1.0/24")
    assert DemoSettings().allowed == [ip_network("192.168.1.0/24")]


@pytest.mark.parametrize("value", ["not-a-network", "10.0.0.0/33", '["10.0.0.0/8", 5]', "[oops"])
def test_bad_cidrs_fail_validation(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("DEMO_TRUSTED_PROXIES", value)
    with pytest.raises(ValidationError, match="trusted_proxies"):
        DemoSettings()


def test_port_range() -> None:
    with pytest.raises(ValidationError, match="port"):
        DemoSettings(port=70000)
