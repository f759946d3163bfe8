"""Fixtures for the auth service: a fresh, migrated PostgreSQL database per
run, real Redis, and the app driven in-process through its lifespan."""

from __future__ import annotations

import asyncio
import os
import re
import types
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from launchforge_auth.config import AuthSettings
from launchforge_auth.main import create_app
from launchforge_auth.migrations import upgrade
from launchforge_common.testing import temporary_database
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

BASE_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)

# Cheapest argon2id parameters: tests exercise the logic, not the cost.
FAST_ARGON2: dict[str, Any] = {
    "argon2_time_cost": 1,
    "argon2_memory_cost": 8,
    "argon2_parallelism": 1,
}

SettingsFactory = Callable[..., AuthSettings]


@pytest.fixture(scope="session")
def make_settings() -> SettingsFactory:
    def make(database_url: str, **overrides: Any) -> AuthSettings:
        values: dict[str, Any] = {
            "database_url": database_url,
            "environment": "test",
            "log_json": False,
            "db_pool_size": 5,
            # Lockout state of this run only (the Redis is shared).
            "redis_key_prefix": f"lf:auth:test:{uuid.uuid4().hex[:12]}",
            "mail_poll_interval_seconds": 0.1,
            **FAST_ARGON2,
        }
        values.update(overrides)
        return AuthSettings(**values)

    return make


@pytest.fixture(scope="session")
def migrate() -> Callable[[AuthSettings], Awaitable[None]]:
    async def run(settings: AuthSettings) -> None:
        # env.py runs its own event loop, so it goes in a thread.
        await asyncio.to_thread(upgrade, settings, "head")

    return run


@pytest.fixture(scope="session")
async def database_url(
    make_settings: SettingsFactory, migrate: Callable[[AuthSettings], Awaitable[None]]
) -> AsyncIterator[str]:
    async with temporary_database(BASE_DATABASE_URL, "lf_test_auth") as url:
        await migrate(make_settings(url))
        yield url


@pytest.fixture
async def fresh_database_url(
    make_settings: SettingsFactory, migrate: Callable[[AuthSettings], Awaitable[None]]
) -> AsyncIterator[str]:
    """A second migrated database, for tests that need an empty one."""
    async with temporary_database(BASE_DATABASE_URL, "lf_test_auth") as url:
        await migrate(make_settings(url))
        yield url


@pytest.fixture(scope="session")
def settings(make_settings: SettingsFactory, database_url: str) -> AuthSettings:
    return make_settings(database_url)


@dataclass
class Running:
    app: FastAPI
    client: httpx.AsyncClient


RunApp = Callable[[AuthSettings], AbstractAsyncContextManager[Running]]


@pytest.fixture(scope="session")
def run_app() -> RunApp:
    """Start an app through its lifespan and give an httpx client bound to it."""

    @asynccontextmanager
    async def run(settings: AuthSettings) -> AsyncIterator[Running]:
        app = create_app(settings)
        async with (
            LifespanManager(app, startup_timeout=30) as manager,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=manager.app), base_url="http://auth.test"
            ) as client,
        ):
            yield Running(app, client)

    return run


@pytest.fixture(scope="session")
async def running(run_app: RunApp, settings: AuthSettings) -> AsyncIterator[Running]:
    async with run_app(settings) as running:
        yield running


@pytest.fixture(scope="session")
def app(running: Running) -> FastAPI:
    return running.app


@pytest.fixture(scope="session")
def client(running: Running) -> httpx.AsyncClient:
    return running.client


@pytest.fixture(scope="session")
async def db(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A separate engine for asserting on (and arranging) database state."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    yield engine
    await engine.dispose()


@pytest.fixture
def email() -> str:
    return f"user-{uuid.uuid4().hex[:12]}@example.com"


PASSWORD = "correct horse battery staple"


@dataclass
class Account:
    id: str
    email: str
    password: str


@pytest.fixture
def register(client: httpx.AsyncClient) -> Callable[..., Awaitable[Account]]:
    async def make(email: str | None = None, password: str = PASSWORD) -> Account:
        email = email or f"user-{uuid.uuid4().hex[:12]}@example.com"
        response = await client.post(
            "/v1/auth/register", json={"email": email, "password": password}
        )
        assert response.status_code == 201, response.text
        return Account(id=response.json()["id"], email=email.lower(), password=password)

    return make


@pytest.fixture
def login(client: httpx.AsyncClient) -> Callable[[Account], Awaitable[str]]:
    async def make(account: Account) -> str:
        response = await client.post(
            "/v1/auth/login", json={"email": account.email, "password": account.password}
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    return make


@pytest.fixture
def login_pair(client: httpx.AsyncClient) -> Callable[..., Awaitable[dict[str, Any]]]:
    """Log in; the whole token response (access and refresh token)."""

    async def make(account: Account, **headers: str) -> dict[str, Any]:
        response = await client.post(
            "/v1/auth/login",
            json={"email": account.email, "password": account.password},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    return make


def mail_token(body: str) -> str:
    """The ``token`` query parameter of the link in a mail body."""
    match = re.search(r"[?&]token=([A-Za-z0-9_\-]+)", body)
    assert match, body
    return match.group(1)


@pytest.fixture
def read_outbox(client: httpx.AsyncClient) -> Callable[..., Awaitable[list[dict[str, Any]]]]:
    """Mail sent to an address (newest first), through the development outbox."""

    async def read(email: str, kind: str | None = None) -> list[dict[str, Any]]:
        response = await client.get("/internal/dev/outbox", params={"email": email})
        assert response.status_code == 200, response.text
        mails: list[dict[str, Any]] = response.json()
        return [m for m in mails if kind is None or m["kind"] == kind]

    return read


@pytest.fixture
def latest_token(
    read_outbox: Callable[..., Awaitable[list[dict[str, Any]]]],
) -> Callable[[str, str], Awaitable[str]]:
    async def latest(email: str, kind: str) -> str:
        mails = await read_outbox(email, kind)
        assert mails, f"no {kind} mail for {email}"
        return mail_token(mails[0]["body"])

    return latest


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def auth_helpers() -> Any:
    """Plain helper functions for test modules (importlib mode: no test imports)."""
    return types.SimpleNamespace(mail_token=mail_token, bearer=bearer)
