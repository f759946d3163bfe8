"""The body of every service's Alembic ``env.py`` (async engine, ``run_sync``).

Each service's ``alembic/env.py`` is three lines that call
:func:`run_alembic_env` with its metadata and how to find its database URL,
so the migration rules are written once: types and server defaults compared,
one transaction per migration, a caller's open connection reused (tests that
migrate inside their own transaction), otherwise a throwaway async engine
with no pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine


def run_alembic_env(context: Any, *, metadata: MetaData, database_url: Callable[[], str]) -> None:
    """Run the migrations Alembic asked for (offline SQL or online)."""

    def configure(connection: Connection | None = None, url: str | None = None) -> None:
        context.configure(
            connection=connection,
            url=url,
            target_metadata=metadata,
            compare_type=True,
            compare_server_default=True,
            literal_binds=connection is None,
            dialect_opts={"paramstyle": "named"} if connection is None else {},
            transaction_per_migration=True,
        )

    def run(connection: Connection) -> None:
        configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_async_engine(database_url(), poolclass=pool.NullPool)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(run)
                await connection.commit()
        finally:
            await engine.dispose()

    if context.is_offline_mode():
        configure(url=database_url())
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
    else:
        asyncio.run(run_async())
