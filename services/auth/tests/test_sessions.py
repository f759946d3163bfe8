"""Sessions and rotating refresh tokens: rotation, reuse detection, the
concurrent-refresh race, listing and revoking sessions."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import jwt
import pytest
from launchforge_auth.config import AuthSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

Register = Callable[..., Awaitable[Any]]
LoginPair = Callable[..., Awaitable[dict[str, Any]]]
RunApp = Callable[[AuthSettings], AbstractAsyncContextManager[Any]]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/v1/auth/refresh", json={"refresh_token": token})


@pytest.fixture(scope="module")
async def strict(
    run_app: RunApp, make_settings: Callable[..., AuthSettings], database_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    """An app with no reuse grace window: any second use is treated as theft."""
    settings = make_settings(database_url, refresh_reuse_grace_seconds=0)
    async with run_app(settings) as running:
        yield running.client


async def test_login_returns_a_refresh_token_and_a_session_bound_access_token(
    client: httpx.AsyncClient, db: AsyncEngine, register: Register, login_pair: LoginPair
) -> None:
    account = await register()
    pair = await login_pair(account, **{"User-Agent": "pytest-agent/1.0"})
    assert pair["token_type"] == "bearer"
    assert len(pair["refresh_token"]) >= 40
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    assert set(claims) == {
        "sub", "sid", "plan", "roles", "email_verified", "iss", "aud", "iat", "exp", "jti"
    }  # fmt: skip
    async with db.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT user_id, user_agent FROM sessions WHERE id = :id"),
                {"id": uuid.UUID(claims["sid"])},
            )
        ).one()
        stored = (await conn.scalars(text("SELECT token_hash FROM refresh_tokens"))).all()
    assert str(row.user_id) == account.id
    assert row.user_agent == "pytest-agent/1.0"
    # Only hashes are stored: the token itself is nowhere in the table.
    assert all(pair["refresh_token"].encode() not in bytes(h) for h in stored)
    assert all(len(bytes(h)) == 32 for h in stored)


async def test_refresh_rotates_and_keeps_the_session(
    client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    account = await register()
    first = await login_pair(account)
    response = await _refresh(client, first["refresh_token"])
    assert response.status_code == 200, response.text
    second = response.json()
    assert set(second) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert second["refresh_token"] != first["refresh_token"]
    sid = [
        jwt.decode(p["access_token"], options={"verify_signature": False})["sid"]
        for p in (first, second)
    ]
    assert sid[0] == sid[1]
    me = await client.get("/v1/auth/me", headers=_bearer(second["access_token"]))
    assert me.status_code == 200
    third = await _refresh(client, second["refresh_token"])
    assert third.status_code == 200


async def test_reuse_of_a_spent_token_revokes_the_whole_family(
    strict: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    account = await register()
    stolen = (await login_pair(account))["refresh_token"]
    # The owner refreshes twice: the family now has a live grandchild.
    child = (await _refresh(strict, stolen)).json()["refresh_token"]
    grandchild = (await _refresh(strict, child)).json()["refresh_token"]

    # The thief replays the stolen (spent) token.
    replay = await _refresh(strict, stolen)
    assert replay.status_code == 401
    assert replay.headers["content-type"] == "application/problem+json"
    # Both the thief's and the owner's tokens are dead now.
    assert (await _refresh(strict, grandchild)).status_code == 401
    assert (await _refresh(strict, child)).status_code == 401
    # Other sessions of the same account are untouched.
    other = (await login_pair(account))["refresh_token"]
    assert (await _refresh(strict, other)).status_code == 200


async def test_reuse_within_the_grace_window_gets_a_pair_in_the_same_session(
    client: httpx.AsyncClient, settings: AuthSettings, register: Register, login_pair: LoginPair
) -> None:
    """A holder who lost the answer to its refresh (the page navigated away
    mid-request) presents the spent token again and stays logged in."""
    assert settings.refresh_reuse_grace_seconds > 0
    account = await register()
    original = await login_pair(account)
    sid = jwt.decode(original["access_token"], options={"verify_signature": False})["sid"]
    lost = (await _refresh(client, original["refresh_token"])).json()
    again = await _refresh(client, original["refresh_token"])
    assert again.status_code == 200, again.text
    retried = again.json()
    assert retried["refresh_token"] not in (lost["refresh_token"], original["refresh_token"])
    assert jwt.decode(retried["access_token"], options={"verify_signature": False})["sid"] == sid
    # Both successors work: the family lives on and rotates as before.
    branches = []
    for successor in (retried, lost):
        answer = await _refresh(client, successor["refresh_token"])
        assert answer.status_code == 200, answer.text
        branches.append(answer.json()["refresh_token"])
    # A logout of the session ends every pair it holds, the re-issued ones too.
    out = await client.post("/v1/auth/logout", headers=_bearer(retried["access_token"]))
    assert out.status_code == 204, out.text
    for token in branches:
        assert (await _refresh(client, token)).status_code == 401


async def test_reuse_after_the_grace_window_still_revokes_the_session(
    client: httpx.AsyncClient,
    db: AsyncEngine,
    settings: AuthSettings,
    register: Register,
    login_pair: LoginPair,
) -> None:
    account = await register()
    pair = await login_pair(account)
    sid = jwt.decode(pair["access_token"], options={"verify_signature": False})["sid"]
    original = pair["refresh_token"]
    child = (await _refresh(client, original)).json()["refresh_token"]
    async with db.begin() as conn:  # the first use, moved to just before the window
        await conn.execute(
            text(
                "UPDATE refresh_tokens SET used_at = used_at - make_interval(secs => :s)"
                " WHERE session_id = :sid AND used_at IS NOT NULL"
            ),
            {"s": settings.refresh_reuse_grace_seconds + 1, "sid": uuid.UUID(sid)},
        )
    assert (await _refresh(client, original)).status_code == 401
    assert (await _refresh(client, child)).status_code == 401


async def test_reuse_within_the_grace_window_of_a_revoked_session_is_refused(
    client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    account = await register()
    pair = await login_pair(account)
    child = (await _refresh(client, pair["refresh_token"])).json()
    out = await client.post("/v1/auth/logout", headers=_bearer(child["access_token"]))
    assert out.status_code == 204, out.text
    assert (await _refresh(client, pair["refresh_token"])).status_code == 401


async def test_concurrent_refreshes_of_one_token_all_stay_logged_in_within_the_grace_window(
    client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    account = await register()
    for _ in range(3):
        token = (await login_pair(account))["refresh_token"]
        responses = await asyncio.gather(*(_refresh(client, token) for _ in range(4)))
        assert [r.status_code for r in responses] == [200] * 4, [r.text for r in responses]
        successors = {r.json()["refresh_token"] for r in responses}
        assert len(successors) == 4  # each its own token, stored hashed, single-use


async def test_with_no_grace_window_exactly_one_of_two_concurrent_refreshes_succeeds(
    strict: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    account = await register()
    for _ in range(3):
        token = (await login_pair(account))["refresh_token"]
        responses = await asyncio.gather(*(_refresh(strict, token) for _ in range(4)))
        codes = sorted(r.status_code for r in responses)
        assert codes == [200, 401, 401, 401], [r.text for r in responses]


async def test_unknown_and_garbage_refresh_tokens_are_401(client: httpx.AsyncClient) -> None:
    assert (await _refresh(client, "x" * 43)).status_code == 401
    missing = await client.post("/v1/auth/refresh", json={})
    assert missing.status_code == 422
    too_long = await _refresh(client, "x" * 1000)
    assert too_long.status_code == 422


async def test_expired_refresh_token_is_refused(
    client: httpx.AsyncClient, db: AsyncEngine, register: Register, login_pair: LoginPair
) -> None:
    account = await register()
    pair = await login_pair(account)
    sid = jwt.decode(pair["access_token"], options={"verify_signature": False})["sid"]
    async with db.begin() as conn:
        await conn.execute(
            text(
                "UPDATE refresh_tokens SET expires_at = now() - interval '1 s'"
                " WHERE session_id = :s"
            ),
            {"s": uuid.UUID(sid)},
        )
    assert (await _refresh(client, pair["refresh_token"])).status_code == 401


async def test_sessions_list_logout_and_logout_all(
    client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    account = await register()
    laptop = await login_pair(account, **{"User-Agent": "laptop"})
    phone = await login_pair(account, **{"User-Agent": "phone"})
    tablet = await login_pair(account, **{"User-Agent": "tablet"})

    listed = await client.get("/v1/auth/sessions", headers=_bearer(laptop["access_token"]))
    assert listed.status_code == 200
    sessions = listed.json()
    assert {s["user_agent"] for s in sessions} == {"laptop", "phone", "tablet"}
    assert [s["current"] for s in sessions if s["user_agent"] == "laptop"] == [True]
    assert set(sessions[0]) == {"id", "created_at", "last_used_at", "user_agent", "ip", "current"}

    # Revoke the phone's session from the laptop: its refresh fails at once.
    phone_id = next(s["id"] for s in sessions if s["user_agent"] == "phone")
    deleted = await client.delete(
        f"/v1/auth/sessions/{phone_id}", headers=_bearer(laptop["access_token"])
    )
    assert deleted.status_code == 204
    assert (await _refresh(client, phone["refresh_token"])).status_code == 401

    # Logout ends only the caller's session.
    out = await client.post("/v1/auth/logout", headers=_bearer(tablet["access_token"]))
    assert out.status_code == 204
    assert (await _refresh(client, tablet["refresh_token"])).status_code == 401
    again = await client.post("/v1/auth/logout", headers=_bearer(tablet["access_token"]))
    assert again.status_code == 204
    laptop_next = await _refresh(client, laptop["refresh_token"])
    assert laptop_next.status_code == 200

    left = await client.get("/v1/auth/sessions", headers=_bearer(laptop["access_token"]))
    assert [s["user_agent"] for s in left.json()] == ["laptop"]

    everywhere = await client.post("/v1/auth/logout-all", headers=_bearer(laptop["access_token"]))
    assert everywhere.status_code == 204
    assert (await _refresh(client, laptop_next.json()["refresh_token"])).status_code == 401


async def test_another_users_session_is_404(
    client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    alice, mallory = await register(), await register()
    alice_pair = await login_pair(alice)
    mallory_pair = await login_pair(mallory)
    alice_sid = jwt.decode(alice_pair["access_token"], options={"verify_signature": False})["sid"]
    response = await client.delete(
        f"/v1/auth/sessions/{alice_sid}", headers=_bearer(mallory_pair["access_token"])
    )
    assert response.status_code == 404
    assert (await _refresh(client, alice_pair["refresh_token"])).status_code == 200
    bad_id = await client.delete(
        "/v1/auth/sessions/not-a-uuid", headers=_bearer(mallory_pair["access_token"])
    )
    assert bad_id.status_code == 422


async def test_refresh_fails_at_once_for_a_disabled_account(
    client: httpx.AsyncClient, db: AsyncEngine, register: Register, login_pair: LoginPair
) -> None:
    account = await register()
    pair = await login_pair(account)
    async with db.begin() as conn:
        await conn.execute(
            text("UPDATE users SET disabled = true WHERE id = :id"), {"id": uuid.UUID(account.id)}
        )
    assert (await _refresh(client, pair["refresh_token"])).status_code == 401


async def test_session_endpoints_need_a_signed_in_session(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/auth/sessions")).status_code == 401
    assert (await client.post("/v1/auth/logout")).status_code == 401
    assert (await client.post("/v1/auth/logout-all")).status_code == 401


async def test_a_revoked_sessions_access_token_can_no_longer_use_session_routes(
    client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    """After logout-all the access token is still unexpired; it must not mint API keys."""
    account = await register()
    pair = await login_pair(account)
    access = _bearer(pair["access_token"])
    key = {"name": "ci", "scopes": ["projects:read"]}
    assert (await client.post("/v1/auth/api-keys", json=key, headers=access)).status_code == 201
    assert (await client.post("/v1/auth/logout-all", headers=access)).status_code == 204

    minted = await client.post("/v1/auth/api-keys", json=key, headers=access)
    assert minted.status_code == 401
    assert minted.headers["content-type"].startswith("application/problem+json")
    assert "session has ended" in minted.json()["detail"]
    for method, path in (
        ("GET", "/v1/auth/api-keys"),
        ("GET", "/v1/auth/sessions"),
        ("POST", "/v1/auth/logout-all"),
    ):
        assert (await client.request(method, path, headers=access)).status_code == 401, path
    # Logging out of an ended session stays harmless (idempotent).
    assert (await client.post("/v1/auth/logout", headers=access)).status_code == 204
    # A fresh login works as before.
    fresh = _bearer((await login_pair(account))["access_token"])
    assert (await client.post("/v1/auth/api-keys", json=key, headers=fresh)).status_code == 201
