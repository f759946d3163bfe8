"""Fixtures for the common library's tests: a real PostgreSQL and real Redis."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager

import pytest
from fastapi import FastAPI
from launchforge_common.app import create_service_app, open_database
from launchforge_common.settings import DatabaseSettings, ServiceSettings
from launchforge_common.testing import PrivateRedis, temporary_database
from redis.asyncio import Redis

BASE_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with temporary_database(BASE_DATABASE_URL, "lf_test_common") as url:
        yield url


@pytest.fixture
async def redis_client() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server binary not installed")
    with PrivateRedis() as server:
        yield server


class DatabaseServiceSettings(ServiceSettings, DatabaseSettings):
    pass


@pytest.fixture
def app_on_database() -> Callable[[str], FastAPI]:
    """Build a service app whose lifespan opens the shared database engine on a URL;
    a test adds the routes it needs."""

    def build(database_url: str) -> FastAPI:
        settings = DatabaseServiceSettings(service_name="demo", database_url=database_url)

        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            async with open_database(app, settings):
                yield

        return create_service_app(settings, title="demo", lifespan=lifespan)

    return build
