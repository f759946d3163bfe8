from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import jwt
from launchforge_auth.config import AuthSettings
from launchforge_common.tokens import JWKSVerifier
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

Register = Callable[..., Awaitable[Any]]


async def test_login_returns_an_eddsa_jwt_verifiable_with_the_published_jwks(
    client: httpx.AsyncClient, settings: AuthSettings, register: Register
) -> None:
    account = await register()
    response = await client.post(
        "/v1/auth/login",
        json={"email": account.email.upper(), "password": account.password},
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.access_token_ttl_seconds

    token = body["access_token"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    jwks = (await client.get("/.well-known/jwks.json")).json()
    assert header["kid"] in {key["kid"] for key in jwks["keys"]}

    verifier = JWKSVerifier(
        "http://auth.test/.well-known/jwks.json",
        issuer="launchforge-auth",
        audience="launchforge",
        http=client,
    )
    principal = await verifier.verify(token)
    assert principal.user_id == account.id
    assert principal.plan == "free"
    assert principal.roles == ("user",)
    assert principal.email_verified is False
    claims = principal.claims
    uuid.UUID(claims["sid"])
    uuid.UUID(claims["jti"])
    assert claims["exp"] - claims["iat"] == settings.access_token_ttl_seconds
    assert abs(claims["iat"] - time.time()) < 10


async def test_each_login_gets_a_distinct_token_id(
    client: httpx.AsyncClient, register: Register, login: Callable[[Any], Awaitable[str]]
) -> None:
    account = await register()
    first, second = await login(account), await login(account)
    claims = [jwt.decode(t, options={"verify_signature": False}) for t in (first, second)]
    assert claims[0]["jti"] != claims[1]["jti"]


async def test_wrong_password_and_unknown_email_get_identical_answers(
    client: httpx.AsyncClient, register: Register
) -> None:
    account = await register()
    headers = {"X-Request-ID": "fixed-request-id"}
    wrong_password = await client.post(
        "/v1/auth/login",
        json={"email": account.email, "password": "not the password"},
        headers=headers,
    )
    unknown_email = await client.post(
        "/v1/auth/login",
        json={"email": f"nobody-{uuid.uuid4().hex}@example.com", "password": "not the password"},
        headers=headers,
    )
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.content == unknown_email.content
    assert wrong_password.headers["content-type"] == "application/problem+json"
    assert wrong_password.headers["www-authenticate"] == unknown_email.headers["www-authenticate"]
    assert "not the password" not in wrong_password.text


async def test_disabled_account_gets_the_same_401(
    client: httpx.AsyncClient, db: AsyncEngine, register: Register
) -> None:
    account = await register()
    async with db.begin() as conn:
        await conn.execute(
            text("UPDATE users SET disabled = true WHERE email = :e"), {"e": account.email}
        )
    headers = {"X-Request-ID": "fixed-request-id"}
    disabled = await client.post(
        "/v1/auth/login",
        json={"email": account.email, "password": account.password},
        headers=headers,
    )
    unknown = await client.post(
        "/v1/auth/login",
        json={"email": f"nobody-{uuid.uuid4().hex}@example.com", "password": account.password},
        headers=headers,
    )
    assert disabled.status_code == 401
    assert disabled.content == unknown.content


async def test_login_with_a_malformed_email_is_just_unauthorised(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/v1/auth/login", json={"email": "not an email", "password": "whatever-password"}
    )
    assert response.status_code == 401
