from __future__ import annotations

import base64
import os

import pytest
from launchforge_auth.config import AuthSettings
from launchforge_common.crypto import DEVELOPMENT_KEY
from pydantic import ValidationError


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("AUTH_"):
            monkeypatch.delenv(name)


def test_defaults() -> None:
    settings = AuthSettings()
    assert settings.service_name == "auth"
    assert (settings.host, settings.port) == ("127.0.0.1", 8001)
    assert settings.database_url == "postgresql+asyncpg://postgres@127.0.0.1:5432/launchforge_auth"
    assert (settings.jwt_issuer, settings.jwt_audience) == ("launchforge-auth", "launchforge")
    assert settings.access_token_ttl_seconds == 900
    assert settings.proxy_headers is False
    assert settings.argon2_memory_cost == 65536


def test_environment_variables_use_the_auth_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_DATABASE_URL", "postgresql://u@db:5432/auth")
    monkeypatch.setenv("AUTH_PORT", "9001")
    monkeypatch.setenv("AUTH_ACCESS_TOKEN_TTL_SECONDS", "600")
    monkeypatch.setenv("PORT", "1")  # unprefixed: ignored
    settings = AuthSettings()
    assert settings.database_url == "postgresql+asyncpg://u@db:5432/auth"
    assert settings.port == 9001
    assert settings.access_token_ttl_seconds == 600


def test_production_refuses_to_start_without_a_key_encryption_key() -> None:
    with pytest.raises(ValidationError, match="must be configured in production"):
        AuthSettings(environment="production")


def test_production_refuses_the_development_key() -> None:
    dev = f"dev:{base64.b64encode(DEVELOPMENT_KEY).decode()}"
    with pytest.raises(ValidationError, match="refused in production"):
        AuthSettings(environment="production", key_encryption_keys=dev)


def test_production_accepts_a_real_key_and_errors_never_show_it() -> None:
    key = base64.b64encode(os.urandom(32)).decode()
    settings = AuthSettings(
        environment="production",
        key_encryption_keys=f"prod:{key}",
        mail_backend="smtp",
        internal_token="internal-token-for-this-test",
    )
    assert settings.key_ring().primary_key_id == "prod"
    assert key not in repr(settings)

    short = base64.b64encode(b"too short").decode()
    with pytest.raises(ValidationError) as info:
        AuthSettings(environment="production", key_encryption_keys=f"prod:{short}")
    assert short not in str(info.value)
    assert "exactly 32 bytes" in str(info.value)


def test_argon2_memory_must_cover_parallelism() -> None:
    with pytest.raises(ValidationError, match="argon2_memory_cost"):
        AuthSettings(argon2_memory_cost=8, argon2_parallelism=4)


def test_production_refuses_the_log_only_mail_backend() -> None:
    key = base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(ValidationError, match="mail_backend must be 'smtp'"):
        AuthSettings(environment="production", key_encryption_keys=f"prod:{key}")


def test_trusted_proxies_must_be_networks() -> None:
    with pytest.raises(ValidationError):
        AuthSettings(trusted_proxies=["not-a-network"])
    assert AuthSettings(trusted_proxies=["10.0.0.0/8"]).trusted_proxy_networks()[0].prefixlen == 8


def test_production_requires_the_internal_token() -> None:
    key = base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(ValidationError, match="AUTH_INTERNAL_TOKEN"):
        AuthSettings(
            environment="production", key_encryption_keys=f"prod:{key}", mail_backend="smtp"
        )


def test_an_unprefixed_environment_is_honoured_not_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTH_ENVIRONMENT", raising=False)
    monkeypatch.setenv("ENVIRONMENT", "production")
    # production rules apply: the development key-encryption default is refused
    with pytest.raises(ValidationError, match="production"):
        AuthSettings()
    monkeypatch.setenv("ENVIRONMENT", "test")
    assert AuthSettings().environment == "test"


def test_a_contradicting_unprefixed_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("AUTH_ENVIRONMENT", "development")
    with pytest.raises(ValidationError, match="contradicts AUTH_ENVIRONMENT"):
        AuthSettings()
    monkeypatch.setenv("AUTH_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="must be configured in production"):
        AuthSettings()  # agreeing values: production
