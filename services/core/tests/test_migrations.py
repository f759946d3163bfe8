"""Core's Alembic migrations: match the models, downgrade and upgrade cleanly."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from launchforge_common.testing import temporary_database
from launchforge_core.migrations import downgrade, upgrade
from launchforge_core.models import Base
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

BASE_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


def _schema(conn: Connection) -> dict[str, Any]:
    insp = inspect(conn)
    tables = set(insp.get_table_names())
    indexes = (
        {ix["name"]: ix for ix in insp.get_indexes("projects")} if "projects" in tables else {}
    )
    return {"tables": tables, "indexes": indexes}


def _diff(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def _inspect(url: str) -> tuple[dict[str, Any], list[Any]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_schema), await conn.run_sync(_diff)
    finally:
        await engine.dispose()


async def test_downgrade_to_base_and_upgrade_again() -> None:
    async with temporary_database(BASE_DATABASE_URL, "lf_test_core_mig") as url:
        await asyncio.to_thread(upgrade, url, "head")
        schema, diff = await _inspect(url)
        assert "projects" in schema["tables"]
        index = schema["indexes"]["ix_projects_owner_id_created_at_id"]
        assert index["column_names"] == ["owner_id", "created_at", "id"]
        assert index["column_sorting"] == {"created_at": ("desc",), "id": ("desc",)}
        # The migration creates exactly what the models describe.
        assert diff == []

        await asyncio.to_thread(downgrade, url, "base")
        schema, _ = await _inspect(url)
        assert schema["tables"] == {"alembic_version"}

        await asyncio.to_thread(upgrade, url, "head")
        schema, diff = await _inspect(url)
        assert "projects" in schema["tables"]
        assert diff == []


async def test_cli_migrate_uses_core_database_url(monkeypatch) -> None:
    from launchforge_core.__main__ import main

    async with temporary_database(BASE_DATABASE_URL, "lf_test_core_cli") as url:
        # A plain postgresql:// URL, as operators write it, is accepted too.
        monkeypatch.setenv(
            "CORE_DATABASE_URL", url.replace("postgresql+asyncpg://", "postgresql://")
        )
        assert await asyncio.to_thread(main, ["migrate"]) == 0
        schema, diff = await _inspect(url)
        assert "projects" in schema["tables"]
        assert diff == []
