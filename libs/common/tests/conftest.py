"""Fixtures for the common library's tests: a real PostgreSQL and real Redis."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator

import pytest
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
