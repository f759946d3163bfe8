from __future__ import annotations

import pytest
from launchforge_common.settings import DatabaseSettings, ServiceSettings
from pydantic_settings import SettingsConfigDict


class DemoSettings(ServiceSettings, DatabaseSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_", extra="ignore", populate_by_name=True)


def test_prefixed_variables_and_shared_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_DATABASE_URL", "postgresql://u:p@db:5432/x")
    monkeypatch.setenv("DEMO_DB_POOL_SIZE", "7")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6380/2")
    monkeypatch.setenv("DEMO_REDIS_URL", "redis://ignored:1/0")
    settings = DemoSettings()
    assert settings.database_url == "postgresql+asyncpg://u:p@db:5432/x"
    assert settings.db_pool_size == 7
    assert settings.redis_url == "redis://cache:6380/2"


def test_invalid_pool_size_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_DB_POOL_SIZE", "0")
    with pytest.raises(ValueError, match="db_pool_size"):
        DemoSettings()
