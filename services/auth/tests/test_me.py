from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

Register = Callable[..., Awaitable[Any]]
Login = Callable[[Any], Awaitable[str]]


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


async def _me(client: httpx.AsyncClient, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return await client.get("/v1/auth/me", headers=headers)


def _assert_unauthorised(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401


async def test_me_with_a_valid_token(
    client: httpx.AsyncClient, register: Register, login: Login
) -> None:
    account = await register()
    response = await _me(client, await login(account))
    assert response.status_code == 200
    assert response.json() == {
        "id": account.id,
        "email": account.email,
        "plan": "free",
        "roles": ["user"],
        "email_verified": False,
    }


async def test_me_without_a_token(client: httpx.AsyncClient) -> None:
    _assert_unauthorised(await client.get("/v1/auth/me"))
    _assert_unauthorised(
        await client.get("/v1/auth/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    )
    _assert_unauthorised(await _me(client, "not-a-jwt"))


async def test_me_with_a_tampered_token(
    client: httpx.AsyncClient, register: Register, login: Login
) -> None:
    victim = await register()
    attacker = await register()
    token = await login(attacker)
    header, _, signature = token.split(".")
    claims = _claims(token)
    claims["sub"] = victim.id
    claims["roles"] = ["user", "admin"]
    forged = f"{header}.{_b64(claims)}.{signature}"
    _assert_unauthorised(await _me(client, forged))
    # The untouched token still works, so the 401 above is due to the tampering.
    assert (await _me(client, token)).status_code == 200


async def test_me_with_alg_none_token(
    client: httpx.AsyncClient, register: Register, login: Login
) -> None:
    account = await register()
    token = await login(account)
    kid = jwt.get_unverified_header(token)["kid"]
    for alg in ("none", "None", "NONE"):
        unsigned = f"{_b64({'alg': alg, 'typ': 'JWT', 'kid': kid})}.{_b64(_claims(token))}."
        _assert_unauthorised(await _me(client, unsigned))


async def test_me_with_hmac_token_keyed_with_the_public_key(
    client: httpx.AsyncClient, register: Register, login: Login
) -> None:
    account = await register()
    token = await login(account)
    kid = jwt.get_unverified_header(token)["kid"]
    jwks = (await client.get("/.well-known/jwks.json")).json()
    public_x = next(k for k in jwks["keys"] if k["kid"] == kid)["x"]
    # Classic algorithm confusion: HS256 with the public key as the secret.
    confused = jwt.encode(_claims(token), public_x, algorithm="HS256", headers={"kid": kid})
    _assert_unauthorised(await _me(client, confused))


async def test_me_with_a_token_signed_by_another_key_under_our_kid(
    client: httpx.AsyncClient, register: Register, login: Login
) -> None:
    account = await register()
    token = await login(account)
    kid = jwt.get_unverified_header(token)["kid"]
    forged = jwt.encode(
        _claims(token), Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": kid}
    )
    _assert_unauthorised(await _me(client, forged))


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": int(time.time()) - 60, "iat": int(time.time()) - 1000},
        {"aud": "someone-else"},
        {"iss": "https://evil.example"},
        {"sub": None},
    ],
)
async def test_me_rejects_tokens_with_bad_claims_even_when_properly_signed(
    app: FastAPI,
    client: httpx.AsyncClient,
    register: Register,
    login: Login,
    changes: dict[str, Any],
) -> None:
    account = await register()
    claims = _claims(await login(account))
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    token = app.state.keys.current.sign(claims)  # a genuine signature by the active key
    _assert_unauthorised(await _me(client, token))


async def test_me_for_a_disabled_or_deleted_account(
    client: httpx.AsyncClient, db: AsyncEngine, register: Register, login: Login
) -> None:
    disabled = await register()
    deleted = await register()
    disabled_token, deleted_token = await login(disabled), await login(deleted)
    async with db.begin() as conn:
        await conn.execute(
            text("UPDATE users SET disabled = true WHERE id = :id"), {"id": uuid.UUID(disabled.id)}
        )
        await conn.execute(text("DELETE FROM users WHERE id = :id"), {"id": uuid.UUID(deleted.id)})
    _assert_unauthorised(await _me(client, disabled_token))
    _assert_unauthorised(await _me(client, deleted_token))
