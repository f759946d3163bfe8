from __future__ import annotations

import asyncio

import pytest
from launchforge_common.db import check_database, create_engine, create_sessionmaker
from launchforge_common.settings import DatabaseSettings
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import AsyncAdaptedQueuePool


async def test_engine_uses_async_pool_with_configured_sizes(database_url: str) -> None:
    settings = DatabaseSettings(database_url=database_url, db_pool_size=3, db_max_overflow=2)
    engine = create_engine(settings)
    try:
        assert isinstance(engine.pool, AsyncAdaptedQueuePool)
        assert engine.pool.size() == 3
        await check_database(engine)
        async with engine.connect() as conn:
            timeout = await conn.scalar(text("SHOW statement_timeout"))
        assert timeout == "15s"
    finally:
        await engine.dispose()


async def test_pool_timeout_raises_instead_of_hanging(database_url: str) -> None:
    settings = DatabaseSettings(
        database_url=database_url, db_pool_size=1, db_max_overflow=0, db_pool_timeout=0.2
    )
    engine = create_engine(settings)
    try:
        async with engine.connect():
            with pytest.raises(PoolTimeoutError):
                async with engine.connect():
                    pass
    finally:
        await engine.dispose()


async def test_concurrent_sessions_share_the_pool(database_url: str) -> None:
    settings = DatabaseSettings(database_url=database_url, db_pool_size=2, db_max_overflow=0)
    engine = create_engine(settings)
    maker = create_sessionmaker(engine)

    async def one(i: int) -> int:
        async with maker() as session:
            await session.execute(text("SELECT pg_sleep(0.02)"))
            value = await session.scalar(text("SELECT CAST(:i AS int)"), {"i": i})
            return int(value or 0)

    try:
        results = await asyncio.gather(*(one(i) for i in range(10)))
        assert sorted(results) == list(range(10))
    finally:
        await engine.dispose()


async def test_readiness_fails_for_unreachable_database() -> None:
    settings = DatabaseSettings(
        database_url="postgresql+asyncpg://postgres@127.0.0.1:1/none", db_connect_timeout=1
    )
    engine = create_engine(settings)
    try:
        with pytest.raises(OSError, match=r"Connect call failed|refused"):
            await check_database(engine)
    finally:
        await engine.dispose()
