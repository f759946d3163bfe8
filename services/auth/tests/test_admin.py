"""Roles and plans: admin endpoints, the CLI that makes the first admin, and
disabling an account (its refresh fails at once)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import jwt
import pytest
from launchforge_auth.__main__ import main
from launchforge_auth.config import AuthSettings

Register = Callable[..., Awaitable[Any]]
LoginPair = Callable[..., Awaitable[dict[str, Any]]]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: AuthSettings) -> None:
    monkeypatch.setenv("AUTH_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("AUTH_ENVIRONMENT", "test")
    monkeypatch.setenv("AUTH_LOG_JSON", "false")
    monkeypatch.setenv("AUTH_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("AUTH_ARGON2_MEMORY_COST", "8")
    monkeypatch.setenv("AUTH_ARGON2_PARALLELISM", "1")


async def _admin(register: Register, login_pair: LoginPair) -> tuple[Any, str]:
    account = await register()
    assert await asyncio.to_thread(main, ["promote", account.email]) == 0
    return account, (await login_pair(account))["access_token"]


async def test_promote_makes_an_admin_whose_token_says_so(
    cli_env: None, client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    account, access = await _admin(register, login_pair)
    claims = jwt.decode(access, options={"verify_signature": False})
    assert claims["roles"] == ["user", "admin"]
    users = await client.get("/v1/auth/admin/users", headers=_bearer(access))
    assert users.status_code == 200
    assert account.email in {u["email"] for u in users.json()}
    assert await asyncio.to_thread(main, ["promote", "nobody@example.com"]) == 1


async def test_create_admin_from_the_cli(
    cli_env: None,
    monkeypatch: pytest.MonkeyPatch,
    client: httpx.AsyncClient,
    capsys: pytest.CaptureFixture[str],
) -> None:
    email = f"root-{uuid.uuid4().hex[:8]}@example.com"
    monkeypatch.setenv("AUTH_ADMIN_PASSWORD", "an admin passphrase")
    assert await asyncio.to_thread(main, ["create-admin", email]) == 0
    assert "an admin passphrase" not in capsys.readouterr().out
    login = await client.post(
        "/v1/auth/login", json={"email": email, "password": "an admin passphrase"}
    )
    me = (await client.get("/v1/auth/me", headers=_bearer(login.json()["access_token"]))).json()
    assert me["roles"] == ["user", "admin"]
    assert me["email_verified"] is True
    assert await asyncio.to_thread(main, ["create-admin", email]) == 1  # exists already
    monkeypatch.setenv("AUTH_ADMIN_PASSWORD", "password123")
    assert await asyncio.to_thread(main, ["create-admin", "x" + email]) == 1  # too common


async def test_non_admins_are_refused(
    client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    account = await register()
    access = (await login_pair(account))["access_token"]
    assert (await client.get("/v1/auth/admin/users", headers=_bearer(access))).status_code == 403
    patch = await client.patch(
        f"/v1/auth/admin/users/{account.id}", json={"plan": "enterprise"}, headers=_bearer(access)
    )
    assert patch.status_code == 403
    assert (await client.get("/v1/auth/admin/users")).status_code == 401


async def test_change_plan_and_role_shows_in_the_next_token(
    cli_env: None, client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    _, admin_access = await _admin(register, login_pair)
    target = await register()
    target_pair = await login_pair(target)
    response = await client.patch(
        f"/v1/auth/admin/users/{target.id}",
        json={"plan": "pro", "roles": ["admin"]},
        headers=_bearer(admin_access),
    )
    assert response.status_code == 200, response.text
    assert response.json()["plan"] == "pro"
    assert response.json()["roles"] == ["user", "admin"]
    refreshed = await client.post(
        "/v1/auth/refresh", json={"refresh_token": target_pair["refresh_token"]}
    )
    claims = jwt.decode(refreshed.json()["access_token"], options={"verify_signature": False})
    assert claims["plan"] == "pro"
    assert claims["roles"] == ["user", "admin"]

    for bad in ({"plan": "starter"}, {"roles": ["root"]}, {"disabled": "maybe"}):
        invalid = await client.patch(
            f"/v1/auth/admin/users/{target.id}", json=bad, headers=_bearer(admin_access)
        )
        assert invalid.status_code == 422, bad
    missing = await client.patch(
        f"/v1/auth/admin/users/{uuid.uuid4()}", json={"plan": "pro"}, headers=_bearer(admin_access)
    )
    assert missing.status_code == 404


async def test_disabling_an_account_stops_refresh_login_and_keys_at_once(
    cli_env: None, client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    admin, admin_access = await _admin(register, login_pair)
    target = await register()
    pair = await login_pair(target)
    key = (
        await client.post(
            "/v1/auth/api-keys", json={"name": "k"}, headers=_bearer(pair["access_token"])
        )
    ).json()["key"]
    disabled = await client.patch(
        f"/v1/auth/admin/users/{target.id}", json={"disabled": True}, headers=_bearer(admin_access)
    )
    assert disabled.status_code == 200
    assert disabled.json()["disabled"] is True
    refresh = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refresh.status_code == 401
    login = await client.post(
        "/v1/auth/login", json={"email": target.email, "password": target.password}
    )
    assert login.status_code == 401
    assert (await client.post("/internal/introspect", json={"token": key})).json() == {
        "active": False
    }

    # Admins cannot lock themselves out.
    self_disable = await client.patch(
        f"/v1/auth/admin/users/{admin.id}", json={"disabled": True}, headers=_bearer(admin_access)
    )
    assert self_disable.status_code == 409

    # Re-enabling lets the person sign in again (old sessions stay revoked).
    enabled = await client.patch(
        f"/v1/auth/admin/users/{target.id}", json={"disabled": False}, headers=_bearer(admin_access)
    )
    assert enabled.status_code == 200
    again = await client.post(
        "/v1/auth/login", json={"email": target.email, "password": target.password}
    )
    assert again.status_code == 200
    old = await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert old.status_code == 401


async def test_list_users_pages_and_filters(
    cli_env: None, client: httpx.AsyncClient, register: Register, login_pair: LoginPair
) -> None:
    _, admin_access = await _admin(register, login_pair)
    marker = uuid.uuid4().hex[:8]
    for i in range(3):
        await register(email=f"page{i}-{marker}@example.com")
    first = await client.get(
        "/v1/auth/admin/users",
        params={"email": "page", "limit": 200},
        headers=_bearer(admin_access),
    )
    mine = [u for u in first.json() if marker in u["email"]]
    assert len(mine) == 3
    assert set(mine[0]) == {
        "id", "email", "plan", "roles", "email_verified", "disabled", "created_at"
    }  # fmt: skip
    assert "password_hash" not in first.text
    for params in ({"limit": 0}, {"limit": 201}, {"offset": -1}):
        bad = await client.get("/v1/auth/admin/users", params=params, headers=_bearer(admin_access))
        assert bad.status_code == 422
    # A LIKE wildcard in the filter is taken literally.
    wildcard = await client.get(
        "/v1/auth/admin/users", params={"email": "%"}, headers=_bearer(admin_access)
    )
    assert wildcard.json() == []
