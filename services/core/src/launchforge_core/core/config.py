"""Settings of the core service (environment variables prefixed ``CORE_``)."""

from __future__ import annotations

from launchforge_common.settings import DatabaseSettings, ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class CoreSettings(ServiceSettings, DatabaseSettings):
    """Everything core reads from its environment.

    ``REDIS_URL`` is shared by every service and read without the prefix (see
    :class:`ServiceSettings`); everything else is ``CORE_<FIELD>``.
    """

    model_config = SettingsConfigDict(env_prefix="CORE_", extra="ignore", populate_by_name=True)

    service_name: str = "core"
    host: str = "127.0.0.1"
    port: int = Field(default=8002, ge=1, le=65535)

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/launchforge_core"

    # Access tokens are issued by auth and verified here with its JWKS.
    auth_url: str = "http://127.0.0.1:8001"
    jwt_issuer: str = "launchforge-auth"
    jwt_audience: str = "launchforge"
    jwks_cache_ttl: float = Field(default=300.0, gt=0)
    # An unknown kid refetches the JWKS at most once per this many seconds.
    jwks_min_refetch_interval: float = Field(default=5.0, ge=0)
    jwks_timeout: float = Field(default=3.0, gt=0)

    # Seconds a project read by id stays in Redis (writes invalidate it).
    project_cache_ttl: float = Field(default=30.0, gt=0)

    @property
    def jwks_url(self) -> str:
        return f"{self.auth_url.rstrip('/')}/.well-known/jwks.json"
