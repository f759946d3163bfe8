"""Alembic environment for the auth service (async engine, run_sync).

The URL comes from :class:`AuthSettings` (``AUTH_DATABASE_URL``), or from the
settings object a caller put in ``config.attributes["settings"]``; never from
alembic.ini. A caller may also pass an open sync ``connection`` in
``config.attributes`` to run inside its own transaction.
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from launchforge_auth.core.config import AuthSettings
from launchforge_auth.models import Base
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

config = context.config

if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _settings() -> AuthSettings:
    settings = config.attributes.get("settings")
    return settings if isinstance(settings, AuthSettings) else AuthSettings()


def _configure(connection: Connection | None = None, url: str | None = None) -> None:
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
        literal_binds=connection is None,
        transaction_per_migration=True,
    )


def run_migrations_offline() -> None:
    _configure(url=_settings().database_url)
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    engine = create_async_engine(_settings().database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        do_run_migrations(connection)
    else:
        asyncio.run(run_async_migrations())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
