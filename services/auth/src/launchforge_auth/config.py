"""Settings of the auth service (environment variables prefixed ``AUTH_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from argon2 import DEFAULT_MEMORY_COST, DEFAULT_PARALLELISM, DEFAULT_TIME_COST
from launchforge_common.crypto import KeyRing, KeyRingError
from launchforge_common.settings import (
    CidrList,
    DatabaseSettings,
    ListenerSettings,
    Port,
    ServiceSettings,
    TokenSettings,
    TrustedProxySettings,
    parse_cidrs,
)
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

LOOPBACK_NETWORKS = ("127.0.0.0/8", "::1/128")


class AuthSettings(
    ServiceSettings, DatabaseSettings, ListenerSettings, TokenSettings, TrustedProxySettings
):
    """Everything auth reads from its environment (``AUTH_<FIELD>``; ``REDIS_URL`` bare).

    Listener, token ``iss``/``aud`` and trusted proxies are the shared mixins of
    ``launchforge_common.settings``.
    """

    # hide_input_in_errors: a validation error must never print a secret.
    model_config = SettingsConfigDict(
        env_prefix="AUTH_", extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )

    service_name: str = "auth"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/launchforge_auth"

    port: Port = 8001
    # Trust X-Forwarded-* only when explicitly told which proxies may send them.
    proxy_headers: bool = False
    forwarded_allow_ips: str = "127.0.0.1"

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

    # Signing-key rotation: every replica re-reads the key set this often (so a
    # rotation reaches all of them without a restart); with a max age set, the
    # first replica to notice an older active key rotates it.
    key_reload_interval_seconds: float = Field(default=30.0, gt=0, le=3600)
    signing_key_max_age_seconds: int | None = Field(default=None, ge=60)

    # Sessions and refresh tokens.
    refresh_token_ttl_seconds: int = Field(default=30 * 86400, ge=60)
    session_max_age_seconds: int = Field(default=90 * 86400, ge=60)
    # A spent token presented again within this many seconds of its first use
    # gets a new pair in the same session (its holder lost the first answer:
    # a navigation or a dropped connection); later, it revokes the session.
    refresh_reuse_grace_seconds: float = Field(default=10.0, ge=0, le=120)

    # One-time tokens sent by mail.
    email_verification_ttl_seconds: int = Field(default=24 * 3600, ge=60)
    password_reset_ttl_seconds: int = Field(default=3600, ge=60)

    # Brute force: failures counted in Redis per account and per client IP.
    login_failure_window_seconds: int = Field(default=900, ge=1)
    login_max_account_failures: int = Field(default=5, ge=1)
    login_max_ip_failures: int = Field(default=50, ge=1)
    login_lockout_base_seconds: float = Field(default=30.0, gt=0)
    login_lockout_max_seconds: float = Field(default=900.0, gt=0)
    # Namespace of auth's Redis keys (lockout state).
    redis_key_prefix: str = "lf:auth"
    # Peers whose X-Forwarded-For / Forwarded is believed (JSON list or
    # comma-separated CIDRs); the gateway is believed by its internal token.
    trusted_proxies: CidrList = Field(default_factory=lambda: parse_cidrs(LOOPBACK_NETWORKS))

    # Mail: "log" keeps mail in the outbox table and logs a line (development);
    # "smtp" sends it (required in production).
    mail_backend: Literal["log", "smtp"] = "log"
    mail_from: str = "LaunchForge <no-reply@localhost>"
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    mail_poll_interval_seconds: float = Field(default=2.0, gt=0)
    mail_max_attempts: int = Field(default=8, ge=1)
    # Links in mail point here (the public URL of the web app / gateway).
    public_url: str = "http://127.0.0.1:8000"

    # Seconds between purges of expired tokens, old sessions and sent mail.
    purge_interval_seconds: float = Field(default=3600.0, gt=0)

    # When set, /internal/* requires this value in X-Internal-Token.
    internal_token: SecretStr | None = None

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
        if self.is_production and self.mail_backend != "smtp":
            raise ValueError("mail_backend must be 'smtp' in production")
        if self.is_production and self.internal_token is None:
            # Without it anyone who reaches auth's port can introspect API keys.
            raise ValueError("internal_token (AUTH_INTERNAL_TOKEN) must be set in production")
        return self

    def key_ring(self) -> KeyRing:
        """The key-encryption ring (the development key outside production)."""
        config = self.key_encryption_keys.get_secret_value() if self.key_encryption_keys else None
        return KeyRing.from_settings(config, environment=self.environment)
