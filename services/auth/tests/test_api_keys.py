"""API keys: created once, listed without the secret, used on /me and through
/internal/introspect (the launchforge_common contract), revoked."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
from launchforge_auth.config import AuthSettings
from launchforge_common.crypto import KeyRing
from launchforge_common.introspection import APIKeyIntrospector
from launchforge_common.tokens import InvalidTokenError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

Register = Callable[..., Awaitable[Any]]
LoginPair = Callable[..., Awaitable[dict[str, Any]]]
RunApp = Callable[[AuthSettings], AbstractAsyncContextManager[Any]]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _access(login_pair: LoginPair, account: Any) -> str:
    token: str = (await login_pair(account))["access_token"]
    return token


async def _create(
    client: httpx.AsyncClient, access: str, name: str = "ci", scopes: list[str] | None = None
) -> dict[str, Any]:
    response = await client.post(
        "/v1/auth/api-keys",
        json={"name": name, "scopes": scopes if scopes is not None else ["projects:read"]},
        headers=_bearer(access),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_create_list_use_and_revoke(
    client: httpx.AsyncClient, db: AsyncEngine, register: Register, login_pair: LoginPair
) -> None:
    account = await register()
    access = await _access(login_pair, account)
    created = await _create(client, access, scopes=["projects:write", "projects:read"])
    key = created["key"]
    assert re.fullmatch(r"lf_[0-9a-f]{12}_[A-Za-z0-9_\-]{43}", key)
    assert key.startswith(f"lf_{created['prefix']}_")
    assert created["scopes"] == ["projects:read", "projects:write"]

    listed = (await client.get("/v1/auth/api-keys", headers=_bearer(access))).json()
    assert len(listed) == 1
    assert set(listed[0]) == {"id", "prefix", "name", "scopes", "created_at", "last_used_at"}
    assert listed[0]["last_used_at"] is None
    assert key not in str(listed)

    me = await client.get("/v1/auth/me", headers=_bearer(key))
    assert me.status_code == 200
    assert me.json()["id"] == account.id
    listed = (await client.get("/v1/auth/api-keys", headers=_bearer(access))).json()
    assert listed[0]["last_used_at"] is not None

    async with db.connect() as conn:
        stored = (await conn.execute(text("SELECT prefix, secret_hash FROM api_keys"))).all()
    secret = key.split("_", 2)[2]
    assert all(secret.encode() not in bytes(row.secret_hash) for row in stored)

    revoked = await client.delete(f"/v1/auth/api-keys/{created['id']}", headers=_bearer(access))
    assert revoked.status_code == 204
    assert (await client.get("/v1/auth/me", headers=_bearer(key))).status_code == 401
    assert (await client.get("/v1/auth/api-keys", headers=_bearer(access))).json() == []
    again = await client.delete(f"/v1/auth/api-keys/{created['id']}", headers=_bearer(access))
    assert again.status_code == 404


async def test_introspection_follows_the_common_contract(
    client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    account = await register()
    access = await _access(login_pair, account)
    created = await _create(client, access, scopes=["builds:read"])
    answer = await client.post("/internal/introspect", json={"token": created["key"]})
    assert answer.status_code == 200
    assert answer.json() == {
        "active": True,
        "sub": account.id,
        "plan": "free",
        "roles": ["user"],
        "scopes": ["builds:read"],
        "key_id": created["id"],
        "email_verified": False,
    }
    # The shared client (what gateway and core use) reads it into a Principal.
    introspector = APIKeyIntrospector("http://auth.test", http=client, cache=None)
    principal = await introspector.introspect(created["key"])
    assert principal.user_id == account.id
    assert principal.api_key_id == created["id"]
    assert principal.scopes == ("builds:read",)

    for bad in (
        "lf_000000000000_" + "A" * 43,  # unknown prefix
        created["key"][:-2] + "xx",  # right prefix, wrong secret
        "not-a-key",
        access,  # an access token is not an API key
        "",
    ):
        inactive = await client.post("/internal/introspect", json={"token": bad})
        assert inactive.status_code == 200
        assert inactive.json() == {"active": False}
    try:
        await introspector.introspect(created["key"][:-2] + "xx")
        raise AssertionError("a wrong secret must not introspect as active")
    except InvalidTokenError:
        pass


async def test_a_disabled_users_keys_are_inactive(
    client: httpx.AsyncClient, db: AsyncEngine, register: Register, login_pair: LoginPair
) -> None:
    account = await register()
    created = await _create(client, await _access(login_pair, account))
    async with db.begin() as conn:
        await conn.execute(
            text("UPDATE users SET disabled = true WHERE id = :id"), {"id": uuid.UUID(account.id)}
        )
    answer = await client.post("/internal/introspect", json={"token": created["key"]})
    assert answer.json() == {"active": False}
    assert (await client.get("/v1/auth/me", headers=_bearer(created["key"]))).status_code == 401


async def test_another_users_key_cannot_be_revoked(
    client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    alice, mallory = await register(), await register()
    alice_key = await _create(client, await _access(login_pair, alice))
    mallory_access = await _access(login_pair, mallory)
    response = await client.delete(
        f"/v1/auth/api-keys/{alice_key['id']}", headers=_bearer(mallory_access)
    )
    assert response.status_code == 404
    assert (await client.get("/v1/auth/me", headers=_bearer(alice_key["key"]))).status_code == 200
    assert (await client.get("/v1/auth/api-keys", headers=_bearer(mallory_access))).json() == []


async def test_an_api_key_cannot_manage_keys_or_sessions(
    client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    account = await register()
    key = (await _create(client, await _access(login_pair, account)))["key"]
    assert (await client.get("/v1/auth/api-keys", headers=_bearer(key))).status_code == 403
    create = await client.post(
        "/v1/auth/api-keys", json={"name": "escalate", "scopes": []}, headers=_bearer(key)
    )
    assert create.status_code == 403
    assert (await client.get("/v1/auth/sessions", headers=_bearer(key))).status_code == 403


async def test_bad_create_requests_are_422(
    client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    access = await _access(login_pair, await register())
    bodies: list[dict[str, Any]] = [
        {"name": "", "scopes": []},
        {"name": "x" * 101},
        {"name": "ok", "scopes": ["Not A Scope!"]},
        {"name": "ok", "scopes": ["projects:delete-everything"]},
        {"name": "ok", "scopes": "projects:read"},
        {"scopes": []},
    ]
    for body in bodies:
        response = await client.post("/v1/auth/api-keys", json=body, headers=_bearer(access))
        assert response.status_code == 422, body


async def test_internal_token_is_required_when_configured(
    run_app: RunApp, make_settings: Callable[..., AuthSettings], database_url: str
) -> None:
    settings = make_settings(database_url, internal_token="s3cret-internal-token-value")
    async with run_app(settings) as running:
        body = {"token": "lf_000000000000_" + "A" * 43}
        missing = await running.client.post("/internal/introspect", json=body)
        wrong = await running.client.post(
            "/internal/introspect", json=body, headers={"X-Internal-Token": "nope"}
        )
        right = await running.client.post(
            "/internal/introspect",
            json=body,
            headers={"X-Internal-Token": "s3cret-internal-token-value"},
        )
        assert missing.status_code == wrong.status_code == 401
        assert right.status_code == 200
        assert right.json() == {"active": False}
        outbox = await running.client.get("/internal/dev/outbox", params={"email": "a@example.com"})
        assert outbox.status_code == 401


async def test_the_dev_outbox_does_not_exist_in_production(
    run_app: RunApp, make_settings: Callable[..., AuthSettings], fresh_database_url: str
) -> None:
    settings = make_settings(
        fresh_database_url,
        environment="production",
        mail_backend="smtp",
        key_encryption_keys=f"prod:{KeyRing.generate_key()}",
        internal_token="internal-token-for-this-test",
    )
    async with run_app(settings) as running:
        outbox = await running.client.get("/internal/dev/outbox", params={"email": "a@example.com"})
        assert outbox.status_code == 404
        introspect = await running.client.post(
            "/internal/introspect",
            json={"token": "x"},
            headers={"X-Internal-Token": "internal-token-for-this-test"},
        )
        assert introspect.status_code == 200
        unsigned = await running.client.post("/internal/introspect", json={"token": "x"})
        assert unsigned.status_code == 401


async def test_full_access_and_every_known_scope_can_be_granted(
    client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    from launchforge_common.scopes import SCOPES

    access = await _access(login_pair, await register())
    full = await _create(client, access, name="all", scopes=["*"])
    assert full["scopes"] == ["*"]
    every = await _create(client, access, name="each", scopes=list(SCOPES))
    assert every["scopes"] == sorted(SCOPES)
