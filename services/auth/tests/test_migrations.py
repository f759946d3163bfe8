from __future__ import annotations

import asyncio
import os
from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from launchforge_auth.config import AuthSettings
from launchforge_auth.migrations import downgrade, upgrade
from launchforge_auth.models import Base
from launchforge_common.testing import temporary_database
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

BASE_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


ALL_TABLES = [
    "alembic_version",
    "api_keys",
    "mail_outbox",
    "one_time_tokens",
    "refresh_tokens",
    "sessions",
    "signing_keys",
    "users",
]


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_upgrade_from_empty_matches_models_and_downgrades_cleanly(
    make_settings: Callable[..., AuthSettings],
) -> None:
    async with temporary_database(BASE_DATABASE_URL, "lf_test_auth_mig") as url:
        settings = make_settings(url)
        engine = create_async_engine(url, poolclass=NullPool)
        tables_sql = text(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' ORDER BY table_name"
        )
        try:
            await asyncio.to_thread(upgrade, settings, "head")
            async with engine.connect() as conn:
                tables = (await conn.scalars(tables_sql)).all()
                assert tables == ALL_TABLES
                assert await conn.scalar(text("SELECT version_num FROM alembic_version")) == "0002"
                # The migration and the ORM models describe the same schema.
                assert await conn.run_sync(_diff) == []
                # The email constraint really lives in the database.
                constraints = (
                    await conn.scalars(
                        text(
                            "SELECT conname FROM pg_constraint"
                            " WHERE conrelid = 'users'::regclass ORDER BY conname"
                        )
                    )
                ).all()
                assert constraints == [
                    "ck_users_email_lowercase",
                    "ck_users_plan",
                    "pk_users",
                    "uq_users_email",
                ]

            await asyncio.to_thread(downgrade, settings, "base")
            async with engine.connect() as conn:
                assert (await conn.scalars(tables_sql)).all() == ["alembic_version"]
                assert await conn.scalar(text("SELECT count(*) FROM alembic_version")) == 0

            # And back up again: the downgrade left nothing behind that blocks it.
            await asyncio.to_thread(upgrade, settings, "head")
            async with engine.connect() as conn:
                assert (await conn.scalars(tables_sql)).all() == ALL_TABLES
        finally:
            await engine.dispose()


async def test_database_rejects_non_lowercase_email(database_url: str) -> None:
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            with pytest.raises(IntegrityError, match="ck_users_email_lowercase"):
                await conn.execute(
                    text("INSERT INTO users (email, password_hash) VALUES ('Upper@x.io', 'h')")
                )
            await conn.rollback()
    finally:
        await engine.dispose()
