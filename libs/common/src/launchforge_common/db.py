"""Pooled async database access (SQLAlchemy 2 + asyncpg).

One engine per process, created in the service's lifespan and disposed on
shutdown. Async engines use ``AsyncAdaptedQueuePool`` by default; passing the
sync ``QueuePool`` (as the seed did) raises, so we only pass pool sizes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from starlette.requests import Request

from launchforge_common.settings import DatabaseSettings


def create_engine(settings: DatabaseSettings, **overrides: Any) -> AsyncEngine:
    """Create the service's pooled async engine from its settings."""
    connect_args: dict[str, Any] = {"timeout": settings.db_connect_timeout}
    if settings.db_statement_timeout_ms:
        connect_args["server_settings"] = {
            "statement_timeout": str(settings.db_statement_timeout_ms),
        }
    options: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
        "pool_recycle": settings.db_pool_recycle,
        "pool_pre_ping": True,
        "echo": settings.db_echo,
        "connect_args": connect_args,
    }
    options.update(overrides)
    return create_async_engine(settings.database_url, **options)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded attributes after commit (safe to serialise)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one session per request, committed if the route succeeds.

    Repositories only flush; this is the single place that commits, so a route
    that raises leaves nothing half-written. Declare it with
    ``Depends(get_session, scope="function")`` so the commit runs before the
    response is sent: with the default scope FastAPI runs it afterwards, and a
    commit failing then would follow a 2xx the client already received.
    """
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with maker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


async def check_database(engine: AsyncEngine) -> None:
    """Readiness probe: raises if the database does not answer ``SELECT 1``."""
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


def redact_url(url: str) -> str:
    """A database URL safe to log (password hidden)."""
    return make_url(url).render_as_string(hide_password=True)


async def release_connection(session: AsyncSession) -> None:
    """End a request's read-only transaction before a long wait (a password hash).

    argon2 takes 100-300 ms in a worker thread; a session holding its pooled
    connection meanwhile lets a burst of logins exhaust the pool and stall
    every other route. Ending the transaction returns the connection; the
    session takes another for its next statement (``expire_on_commit`` is off,
    so loaded objects stay usable). The one exception to "get_session is the
    single place that commits": call it only before the request's first write.
    """
    await session.commit()
