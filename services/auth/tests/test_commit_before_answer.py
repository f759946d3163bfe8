"""A 2xx means committed: the request's transaction commits before the answer.

The request session's commit is the exit code of a dependency with ``yield``.
With FastAPI's default dependency scope that code runs only after the
response has been sent, so a commit failing then (the database restarted
between the INSERT and the COMMIT) would reach a client already told 201:
an account the user was told exists would not. Found while writing the PostgreSQL
restart drill (tests-e2e/drills), whose lost-write count can only hit it by chance.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from launchforge_auth.config import AuthSettings
from launchforge_auth.main import create_app
from sqlalchemy.ext.asyncio import AsyncSession


async def test_a_failed_commit_is_never_answered_201(
    settings: AuthSettings, monkeypatch: Any
) -> None:
    async def commit_fails(self: AsyncSession) -> None:
        raise ConnectionRefusedError("the database went away before the commit")

    body = {"email": f"commit-{uuid.uuid4().hex[:12]}@example.com", "password": "x" * 16}
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=30) as manager:
        # Exceptions raised after the response stay in the app, as with a
        # real server: the client sees only what was sent.
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://auth.test") as client:
            monkeypatch.setattr(AsyncSession, "commit", commit_fails)
            registered = await client.post("/v1/auth/register", json=body)
            monkeypatch.undo()
            login = await client.post("/v1/auth/login", json=body)

    assert registered.status_code == 503, registered.text
    assert registered.headers["content-type"] == "application/problem+json"
    assert login.status_code == 401, login.text
