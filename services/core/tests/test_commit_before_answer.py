"""A 2xx means committed: the request's transaction commits before the answer.

The request session's commit is the exit code of a dependency with ``yield``.
With FastAPI's default dependency scope that code runs only after the
response has been sent, so a commit failing then (the database restarted
between the INSERT and the COMMIT) would reach a client already told 201:
a lost write. Found while writing the PostgreSQL restart drill
(tests-e2e/drills), whose lost-write count can only hit it by chance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from launchforge_core.main import create_app
from sqlalchemy.ext.asyncio import AsyncSession


async def test_a_failed_commit_is_never_answered_201(
    make_settings: Callable[..., Any], alice: Any, monkeypatch: Any
) -> None:
    async def commit_fails(self: AsyncSession) -> None:
        raise ConnectionRefusedError("the database went away before the commit")

    app = create_app(make_settings())
    async with LifespanManager(app) as manager:
        # Exceptions raised after the response stay in the app, as with a
        # real server: the client sees only what was sent.
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://core.test") as client:
            monkeypatch.setattr(AsyncSession, "commit", commit_fails)
            created = await client.post(
                "/v1/projects", json={"name": "never committed"}, headers=alice.headers
            )
            monkeypatch.undo()
            listed = await client.get("/v1/projects", headers=alice.headers)

    assert created.status_code == 503, created.text
    assert created.headers["content-type"] == "application/problem+json"
    assert listed.status_code == 200
    assert listed.json()["items"] == []
