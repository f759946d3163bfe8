"""The account lifecycle through the gateway: verification by mail, rotating
refresh tokens with reuse detection, API keys, and signing-key rotation
picked up by gateway and core without a restart.

Mail is read from auth's development outbox (``/internal/dev/outbox``,
straight from auth: the gateway never routes ``/internal/*``), as a
``make dev`` user would.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
import uuid
from typing import Any

import httpx
import jwt
from e2e_platform import REFRESH_REUSE_GRACE_SECONDS

PASSWORD = "e2e lifecycle passphrase"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _outbox_token(platform: Any, email: str, kind: str) -> str:
    async with httpx.AsyncClient(base_url=platform.auth_url, timeout=10) as auth:
        response = await auth.get("/internal/dev/outbox", params={"email": email})
    assert response.status_code == 200, response.text
    mail = next(m for m in response.json() if m["kind"] == kind)
    match = re.search(r"[?&]token=([A-Za-z0-9_\-]+)", mail["body"])
    assert match, mail["body"]
    return match.group(1)


async def _register_and_login(gateway: httpx.AsyncClient) -> tuple[str, dict[str, Any]]:
    email = f"e2e-{uuid.uuid4().hex[:12]}@example.com"
    r = await gateway.post("/v1/auth/register", json={"email": email, "password": PASSWORD})
    assert r.status_code == 201, r.text
    r = await gateway.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return email, r.json()


async def _poll_status(call: Any, want: int, within: float) -> int:
    deadline = time.monotonic() + within
    while True:
        status: int = (await call()).status_code
        if status == want or time.monotonic() > deadline:
            return status
        await asyncio.sleep(0.25)


async def test_register_verify_login_refresh_and_reuse_detection(
    gateway: httpx.AsyncClient, platform: Any
) -> None:
    email = f"e2e-{uuid.uuid4().hex[:12]}@example.com"
    r = await gateway.post("/v1/auth/register", json={"email": email, "password": PASSWORD})
    assert r.status_code == 201, r.text

    token = await _outbox_token(platform, email, "verify_email")
    assert (await gateway.post("/v1/auth/verify-email", json={"token": token})).status_code == 204
    assert (await gateway.post("/v1/auth/verify-email", json={"token": token})).status_code == 400

    login = await gateway.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    first = login.json()
    me = await gateway.get("/v1/auth/me", headers=_bearer(first["access_token"]))
    assert me.status_code == 200
    assert me.json()["email_verified"] is True
    claims = jwt.decode(first["access_token"], options={"verify_signature": False})
    assert claims["email_verified"] is True

    rotated = await gateway.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200, rotated.text
    owner = rotated.json()
    assert owner["refresh_token"] != first["refresh_token"]

    # The owner never saw that answer (its page navigated away): the spent token,
    # presented again within the grace window, gets a pair in the same session.
    again = await gateway.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert again.status_code == 200, again.text
    assert again.json()["refresh_token"] != owner["refresh_token"]
    resent = jwt.decode(again.json()["access_token"], options={"verify_signature": False})
    assert resent["sid"] == claims["sid"]

    # After the window a thief replays the first (spent) token: the whole family
    # is revoked, so the owner's current tokens fail too.
    await asyncio.sleep(REFRESH_REUSE_GRACE_SECONDS + 0.5)
    thief = await gateway.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert thief.status_code == 401
    assert thief.headers["content-type"] == "application/problem+json"
    for kept in (owner, again.json()):
        victim = await gateway.post(
            "/v1/auth/refresh", json={"refresh_token": kept["refresh_token"]}
        )
        assert victim.status_code == 401


async def test_internal_endpoints_are_not_routed_by_the_gateway(
    gateway: httpx.AsyncClient,
) -> None:
    introspect = await gateway.post("/internal/introspect", json={"token": "lf_x"})
    assert introspect.status_code == 404
    outbox = await gateway.get("/internal/dev/outbox", params={"email": "a@example.com"})
    assert outbox.status_code == 404


async def test_api_key_create_use_and_revoke_through_the_gateway(
    gateway: httpx.AsyncClient,
) -> None:
    _, pair = await _register_and_login(gateway)
    session = _bearer(pair["access_token"])
    created = await gateway.post(
        "/v1/auth/api-keys", json={"name": "e2e", "scopes": ["projects:read"]}, headers=session
    )
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    assert key.startswith("lf_")

    me = await gateway.get("/v1/auth/me", headers=_bearer(key))
    assert me.status_code == 200, me.text
    listed = (await gateway.get("/v1/auth/api-keys", headers=session)).json()
    assert [k["id"] for k in listed] == [created.json()["id"]]
    assert key not in str(listed)

    revoked = await gateway.delete(f"/v1/auth/api-keys/{created.json()['id']}", headers=session)
    assert revoked.status_code == 204
    # Refused at the latest once the introspection cache TTL (2 s here) has passed.
    status = await _poll_status(
        lambda: gateway.get("/v1/auth/me", headers=_bearer(key)), want=401, within=30
    )
    assert status == 401


async def test_key_rotation_reaches_gateway_and_core_without_restart(
    gateway: httpx.AsyncClient, platform: Any
) -> None:
    email, pair = await _register_and_login(gateway)
    old_token = pair["access_token"]
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    assert (await gateway.get("/v1/projects", headers=_bearer(old_token))).status_code == 200

    rotate = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "launchforge_auth",
        "rotate-keys",
        env=platform.env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(rotate.communicate(), timeout=120)
    assert rotate.returncode == 0, output.decode(errors="replace")

    # Auth reloads its keys every second; wait for the new key to be published
    # (polling the JWKS, not logins, which the gateway rate-limits).
    deadline = time.monotonic() + 20
    while len((await gateway.get("/.well-known/jwks.json")).json()["keys"]) < 2:
        assert time.monotonic() < deadline, "auth never published the new key"
        await asyncio.sleep(0.5)
    await asyncio.sleep(1.5)  # every auth replica has reloaded by now
    login = await gateway.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    new_token = login.json()["access_token"]
    new_kid = jwt.get_unverified_header(new_token)["kid"]
    assert new_kid != old_kid
    jwks = (await gateway.get("/.well-known/jwks.json")).json()
    assert {k["kid"] for k in jwks["keys"]} == {old_kid, new_kid}  # old one kept for its tokens

    # Core (behind the gateway) refetches the JWKS on the unknown kid; its
    # refetch is rate-limited, so allow it a few seconds.
    status = await _poll_status(
        lambda: gateway.get("/v1/projects", headers=_bearer(new_token)), want=200, within=20
    )
    assert status == 200
    assert (await gateway.get("/v1/projects", headers=_bearer(old_token))).status_code == 200
    assert (await gateway.get("/v1/auth/me", headers=_bearer(new_token))).status_code == 200
    assert (await gateway.get("/v1/auth/me", headers=_bearer(old_token))).status_code == 200


async def test_a_read_only_key_cannot_delete_and_a_dead_session_cannot_mint_keys(
    gateway: httpx.AsyncClient,
) -> None:
    _, pair = await _register_and_login(gateway)
    session = _bearer(pair["access_token"])
    project = await gateway.post("/v1/projects", json={"name": "keep me"}, headers=session)
    assert project.status_code == 201
    created = await gateway.post(
        "/v1/auth/api-keys", json={"name": "ro", "scopes": ["projects:read"]}, headers=session
    )
    key = _bearer(created.json()["key"])
    path = f"/v1/projects/{project.json()['id']}"
    assert (await gateway.get(path, headers=key)).status_code == 200
    for method, target, body in (
        ("DELETE", path, None),
        ("PUT", "/v1/provider-keys/openai", {"api_key": "sk-replaced-by-a-reader"}),
    ):
        refused = await gateway.request(method, target, json=body, headers=key)
        assert refused.status_code == 403, (method, target, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
    assert (await gateway.get(path, headers=session)).status_code == 200

    assert (await gateway.post("/v1/auth/logout-all", headers=session)).status_code == 204
    minted = await gateway.post(
        "/v1/auth/api-keys", json={"name": "late", "scopes": ["*"]}, headers=session
    )
    assert minted.status_code == 401, minted.text
