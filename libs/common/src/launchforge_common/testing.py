"""Helpers for tests that need their own fresh PostgreSQL database.

Every test run creates databases with unique names, migrates them, and drops
them at the end, so runs never see each other's (or a developer's) data.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.engine import make_url


def admin_dsn(database_url: str) -> str:
    """A plain asyncpg DSN for the server's maintenance database."""
    url = make_url(database_url).set(drivername="postgresql", database="postgres")
    return url.render_as_string(hide_password=False)


def with_database(database_url: str, name: str) -> str:
    url = make_url(database_url).set(database=name)
    return url.render_as_string(hide_password=False)


async def create_database(database_url: str, name: str) -> str:
    conn = await asyncpg.connect(admin_dsn(database_url))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(database_url, name)


async def drop_database(database_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_dsn(database_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@asynccontextmanager
async def temporary_database(database_url: str, prefix: str) -> AsyncIterator[str]:
    """Yield the URL of a brand-new database, dropped on exit."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    url = await create_database(database_url, name)
    try:
        yield url
    finally:
        await drop_database(database_url, name)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
