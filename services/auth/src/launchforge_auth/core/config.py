"""Settings of the auth service (environment variables prefixed ``AUTH_``)."""

from __future__ import annotations

from pathlib import Path

from argon2 import DEFAULT_MEMORY_COST, DEFAULT_PARALLELISM, DEFAULT_TIME_COST
from launchforge_common.crypto import KeyRing, KeyRingError
from launchforge_common.settings import DatabaseSettings, ServiceSettings
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict


class AuthSettings(ServiceSettings, DatabaseSettings):
    # hide_input_in_errors: a validation error must never print a secret.
    model_config = SettingsConfigDict(
        env_prefix="AUTH_", extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )

    service_name: str = "auth"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/launchforge_auth"

    host: str = "127.0.0.1"
    port: int = Field(default=8001, ge=1, le=65535)
    # Trust X-Forwarded-* only when explicitly told which proxies may send them.
    proxy_headers: bool = False
    forwarded_allow_ips: str = "127.0.0.1"

    jwt_issuer: str = "launchforge-auth"
    jwt_audience: str = "launchforge"
    access_token_ttl_seconds: int = Field(default=900, ge=30, le=86400)
    jwt_leeway_seconds: float = Field(default=5.0, ge=0)
    jwks_max_age_seconds: int = Field(default=60, ge=0)

    # argon2id cost; argon2-cffi's defaults (RFC 9106 low-memory profile).
    argon2_time_cost: int = Field(default=DEFAULT_TIME_COST, ge=1)
    argon2_memory_cost: int = Field(default=DEFAULT_MEMORY_COST, ge=8)  # KiB
    argon2_parallelism: int = Field(default=DEFAULT_PARALLELISM, ge=1)
    # Hashes computed at once: each one holds argon2_memory_cost KiB of RAM.
    password_hash_concurrency: int = Field(default=4, ge=1)

    # "id:base64key,id2:base64key", newest first (AES-256-GCM, 32-byte keys).
    key_encryption_keys: SecretStr | None = None
    # PEM of an Ed25519 private key (a mounted secret); when unset the key is
    # kept, encrypted, in the signing_keys table.
    signing_key_file: Path | None = None

    # Where `launchforge-auth migrate` finds alembic.ini (default: services/auth/).
    alembic_ini: Path | None = None

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> AuthSettings:
        if self.argon2_memory_cost < 8 * self.argon2_parallelism:
            raise ValueError("argon2_memory_cost must be at least 8 * argon2_parallelism KiB")
        if self.key_encryption_keys is None and not self.is_production:
            return self  # development key, warned about when the app starts
        try:
            self.key_ring()
        except KeyRingError as exc:
            raise ValueError(f"key_encryption_keys: {exc}") from exc
        return self

    def key_ring(self) -> KeyRing:
        """The key-encryption ring (the development key outside production)."""
        config = self.key_encryption_keys.get_secret_value() if self.key_encryption_keys else None
        return KeyRing.from_settings(config, environment=self.environment)
