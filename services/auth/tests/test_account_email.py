"""Email verification, password forgot / reset / change, and the mail outbox."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

Register = Callable[..., Awaitable[Any]]
LoginPair = Callable[..., Awaitable[dict[str, Any]]]
ReadOutbox = Callable[..., Awaitable[list[dict[str, Any]]]]
LatestToken = Callable[[str, str], Awaitable[str]]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _me(client: httpx.AsyncClient, access: str) -> dict[str, Any]:
    response = await client.get("/v1/auth/me", headers=_bearer(access))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_register_mails_a_verification_link_that_verifies_once(
    client: httpx.AsyncClient,
    db: AsyncEngine,
    register: Register,
    login_pair: LoginPair,
    read_outbox: ReadOutbox,
    latest_token: LatestToken,
) -> None:
    account = await register()
    (mail,) = await read_outbox(account.email)
    assert mail["kind"] == "verify_email"
    assert mail["to"] == account.email
    assert "/verify-email?token=" in mail["body"]
    token = await latest_token(account.email, "verify_email")

    # At rest: the token only as a hash, the mail body only encrypted.
    async with db.connect() as conn:
        hashes = (
            await conn.scalars(
                text("SELECT token_hash FROM one_time_tokens WHERE user_id = :u"),
                {"u": uuid.UUID(account.id)},
            )
        ).all()
        bodies = (
            await conn.scalars(
                text("SELECT body_encrypted FROM mail_outbox WHERE recipient = :r"),
                {"r": account.email},
            )
        ).all()
    assert len(hashes) == 1
    assert token.encode() not in bytes(hashes[0])
    assert token.encode() not in bytes(bodies[0])
    assert b"verify-email" not in bytes(bodies[0])

    before = await login_pair(account)
    assert (await _me(client, before["access_token"]))["email_verified"] is False

    verified = await client.post("/v1/auth/verify-email", json={"token": token})
    assert verified.status_code == 204
    after = await login_pair(account)
    assert (await _me(client, after["access_token"]))["email_verified"] is True
    # The new access token carries the claim too; so does a refreshed one.
    refreshed = await client.post(
        "/v1/auth/refresh", json={"refresh_token": before["refresh_token"]}
    )
    assert refreshed.status_code == 200

    reused = await client.post("/v1/auth/verify-email", json={"token": token})
    assert reused.status_code == 400
    assert reused.headers["content-type"] == "application/problem+json"


async def test_expired_or_unknown_verification_tokens_are_refused(
    client: httpx.AsyncClient, db: AsyncEngine, register: Register, latest_token: LatestToken
) -> None:
    account = await register()
    token = await latest_token(account.email, "verify_email")
    async with db.begin() as conn:
        await conn.execute(
            text(
                "UPDATE one_time_tokens SET expires_at = now() - interval '1 s' WHERE user_id = :u"
            ),
            {"u": uuid.UUID(account.id)},
        )
    assert (await client.post("/v1/auth/verify-email", json={"token": token})).status_code == 400
    unknown = await client.post("/v1/auth/verify-email", json={"token": "nope"})
    assert unknown.status_code == 400
    assert (await client.post("/v1/auth/verify-email", json={})).status_code == 422


async def test_resend_replaces_the_old_link(
    client: httpx.AsyncClient,
    register: Register,
    login_pair: LoginPair,
    read_outbox: ReadOutbox,
    latest_token: LatestToken,
) -> None:
    account = await register()
    first = await latest_token(account.email, "verify_email")
    access = (await login_pair(account))["access_token"]
    resent = await client.post("/v1/auth/verify-email/resend", headers=_bearer(access))
    assert resent.status_code == 202
    assert len(await read_outbox(account.email, "verify_email")) == 2
    second = await latest_token(account.email, "verify_email")
    assert second != first
    assert (await client.post("/v1/auth/verify-email", json={"token": first})).status_code == 400
    assert (await client.post("/v1/auth/verify-email", json={"token": second})).status_code == 204
    # Verified already: nothing more is sent.
    assert (
        await client.post("/v1/auth/verify-email/resend", headers=_bearer(access))
    ).status_code == 202
    assert len(await read_outbox(account.email, "verify_email")) == 2
    assert (await client.post("/v1/auth/verify-email/resend")).status_code == 401


async def test_forgot_answers_the_same_for_known_and_unknown_emails(
    client: httpx.AsyncClient, register: Register, read_outbox: ReadOutbox
) -> None:
    account = await register()
    unknown_email = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    headers = {"X-Request-ID": "fixed-request-id"}
    known = await client.post(
        "/v1/auth/password/forgot", json={"email": account.email}, headers=headers
    )
    unknown = await client.post(
        "/v1/auth/password/forgot", json={"email": unknown_email}, headers=headers
    )
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert len(await read_outbox(account.email, "password_reset")) == 1
    assert await read_outbox(unknown_email) == []


async def test_reset_sets_the_password_revokes_every_session_and_works_once(
    client: httpx.AsyncClient,
    register: Register,
    login_pair: LoginPair,
    latest_token: LatestToken,
) -> None:
    account = await register()
    sessions = [await login_pair(account) for _ in range(2)]
    await client.post("/v1/auth/password/forgot", json={"email": account.email})
    token = await latest_token(account.email, "password_reset")

    new_password = "a brand new passphrase"
    reset = await client.post(
        "/v1/auth/password/reset", json={"token": token, "password": new_password}
    )
    assert reset.status_code == 204
    for pair in sessions:
        refreshed = await client.post(
            "/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        assert refreshed.status_code == 401
    old = await client.post(
        "/v1/auth/login", json={"email": account.email, "password": account.password}
    )
    assert old.status_code == 401
    new = await client.post(
        "/v1/auth/login", json={"email": account.email, "password": new_password}
    )
    assert new.status_code == 200

    again = await client.post(
        "/v1/auth/password/reset", json={"token": token, "password": "yet another passphrase"}
    )
    assert again.status_code == 400


async def test_expired_reset_token_is_refused_and_a_newer_one_voids_older_ones(
    client: httpx.AsyncClient, db: AsyncEngine, register: Register, latest_token: LatestToken
) -> None:
    account = await register()
    await client.post("/v1/auth/password/forgot", json={"email": account.email})
    older = await latest_token(account.email, "password_reset")
    await client.post("/v1/auth/password/forgot", json={"email": account.email})
    newer = await latest_token(account.email, "password_reset")
    body = {"password": "a brand new passphrase"}
    assert (
        await client.post("/v1/auth/password/reset", json={"token": older, **body})
    ).status_code == 400
    async with db.begin() as conn:
        await conn.execute(
            text(
                "UPDATE one_time_tokens SET expires_at = now() - interval '1 s'"
                " WHERE user_id = :u AND purpose = 'password_reset'"
            ),
            {"u": uuid.UUID(account.id)},
        )
    assert (
        await client.post("/v1/auth/password/reset", json={"token": newer, **body})
    ).status_code == 400
    # A verification token is not a reset token.
    verify = await latest_token(account.email, "verify_email")
    assert (
        await client.post("/v1/auth/password/reset", json={"token": verify, **body})
    ).status_code == 400


async def test_reset_refuses_a_weak_new_password(
    client: httpx.AsyncClient, register: Register, latest_token: LatestToken
) -> None:
    account = await register()
    await client.post("/v1/auth/password/forgot", json={"email": account.email})
    token = await latest_token(account.email, "password_reset")
    weak = await client.post(
        "/v1/auth/password/reset", json={"token": token, "password": "password1"}
    )
    assert weak.status_code == 422
    # The token was not spent by the refused attempt.
    ok = await client.post(
        "/v1/auth/password/reset", json={"token": token, "password": "a much better passphrase"}
    )
    assert ok.status_code == 204


async def test_change_password_needs_the_current_one_and_signs_out_other_sessions(
    client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    account = await register()
    here, elsewhere = await login_pair(account), await login_pair(account)
    wrong = await client.post(
        "/v1/auth/password/change",
        json={"current_password": "not the password", "new_password": "a new passphrase here"},
        headers=_bearer(here["access_token"]),
    )
    assert wrong.status_code == 400
    changed = await client.post(
        "/v1/auth/password/change",
        json={"current_password": account.password, "new_password": "a new passphrase here"},
        headers=_bearer(here["access_token"]),
    )
    assert changed.status_code == 204
    keep = await client.post("/v1/auth/refresh", json={"refresh_token": here["refresh_token"]})
    assert keep.status_code == 200
    gone = await client.post("/v1/auth/refresh", json={"refresh_token": elsewhere["refresh_token"]})
    assert gone.status_code == 401
    login_new = await client.post(
        "/v1/auth/login", json={"email": account.email, "password": "a new passphrase here"}
    )
    assert login_new.status_code == 200


async def test_reset_keeps_api_keys_and_tells_the_owner(
    client: httpx.AsyncClient,
    register: Register,
    login_pair: LoginPair,
    latest_token: LatestToken,
    read_outbox: ReadOutbox,
) -> None:
    account = await register()
    access = (await login_pair(account))["access_token"]
    created = await client.post(
        "/v1/auth/api-keys", json={"name": "ci", "scopes": []}, headers=_bearer(access)
    )
    assert created.status_code == 201
    key = created.json()["key"]
    await client.post("/v1/auth/password/forgot", json={"email": account.email})
    token = await latest_token(account.email, "password_reset")
    reset = await client.post(
        "/v1/auth/password/reset", json={"token": token, "password": "a brand new passphrase"}
    )
    assert reset.status_code == 204

    assert (await client.get("/v1/auth/me", headers=_bearer(key))).status_code == 200
    # the old access token's session is gone: it cannot mint a replacement key
    again = await client.post(
        "/v1/auth/api-keys", json={"name": "x", "scopes": []}, headers=_bearer(access)
    )
    assert again.status_code == 401
    (notice,) = await read_outbox(account.email, "api_keys_kept")
    assert "1 API key(s) still work" in notice["body"]
    assert key not in notice["body"]


async def test_reset_without_api_keys_sends_no_notice(
    client: httpx.AsyncClient,
    register: Register,
    latest_token: LatestToken,
    read_outbox: ReadOutbox,
) -> None:
    account = await register()
    await client.post("/v1/auth/password/forgot", json={"email": account.email})
    token = await latest_token(account.email, "password_reset")
    await client.post(
        "/v1/auth/password/reset", json={"token": token, "password": "a brand new passphrase"}
    )
    assert await read_outbox(account.email, "api_keys_kept") == []
