"""The walking skeleton's journey, only through the gateway."""

from __future__ import annotations

import uuid

import httpx


async def register_and_login(gateway: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
    email = f"user-{uuid.uuid4().hex[:12]}@example.com"
    password = "correct horse battery staple"
    r = await gateway.post("/v1/auth/register", json={"email": email, "password": password})
    assert r.status_code == 201, r.text
    assert r.json()["email"] == email
    r = await gateway.post("/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] > 0
    return email, {"Authorization": f"Bearer {body['access_token']}"}


async def test_readyz_reports_every_dependency(gateway: httpx.AsyncClient) -> None:
    r = await gateway.get("/readyz")
    assert r.status_code == 200
    checks = r.json()["checks"]
    for name in ("redis", "auth", "core"):
        assert checks[name]["status"] == "ok", checks


async def test_two_users_projects_are_isolated(gateway: httpx.AsyncClient) -> None:
    email_a, alice = await register_and_login(gateway)
    _, bob = await register_and_login(gateway)

    me = await gateway.get("/v1/auth/me", headers=alice)
    assert me.status_code == 200
    assert me.json()["email"] == email_a

    created = await gateway.post(
        "/v1/projects", json={"name": "Habit tracker", "description": "daily"}, headers=alice
    )
    assert created.status_code == 201, created.text
    project = created.json()
    pid = project["id"]

    listed = await gateway.get("/v1/projects", headers=alice)
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["items"]] == [pid]

    assert (await gateway.get(f"/v1/projects/{pid}", headers=bob)).status_code == 404
    patched = await gateway.patch(f"/v1/projects/{pid}", json={"name": "mine"}, headers=bob)
    assert patched.status_code == 404
    assert (await gateway.delete(f"/v1/projects/{pid}", headers=bob)).status_code == 404
    assert (await gateway.get("/v1/projects", headers=bob)).json()["items"] == []

    still = await gateway.get(f"/v1/projects/{pid}", headers=alice)
    assert still.status_code == 200
    assert still.json()["name"] == "Habit tracker"

    renamed = await gateway.patch(f"/v1/projects/{pid}", json={"name": "Habits"}, headers=alice)
    assert renamed.status_code == 200
    assert (await gateway.get(f"/v1/projects/{pid}", headers=alice)).json()["name"] == "Habits"
    assert (await gateway.delete(f"/v1/projects/{pid}", headers=alice)).status_code == 204
    assert (await gateway.get(f"/v1/projects/{pid}", headers=alice)).status_code == 404


async def test_duplicate_email_and_bad_credentials(gateway: httpx.AsyncClient) -> None:
    email, _ = await register_and_login(gateway)
    dup = await gateway.post("/v1/auth/register", json={"email": email, "password": "x" * 12})
    assert dup.status_code == 409
    assert dup.headers["content-type"] == "application/problem+json"

    wrong = await gateway.post("/v1/auth/login", json={"email": email, "password": "y" * 12})
    unknown = await gateway.post(
        "/v1/auth/login",
        json={"email": f"nobody-{uuid.uuid4().hex}@example.com", "password": "y" * 12},
    )
    assert wrong.status_code == unknown.status_code == 401
    strip = {"request_id"}
    assert {k: v for k, v in wrong.json().items() if k not in strip} == {
        k: v for k, v in unknown.json().items() if k not in strip
    }


async def test_no_or_invalid_token_is_401(gateway: httpx.AsyncClient) -> None:
    assert (await gateway.get("/v1/projects")).status_code == 401
    bad = await gateway.get("/v1/projects", headers={"Authorization": "Bearer not.a.jwt"})
    assert bad.status_code == 401
    assert bad.headers["content-type"] == "application/problem+json"
    assert (await gateway.get("/v1/auth/me")).status_code == 401


async def test_jwks_published_through_gateway(gateway: httpx.AsyncClient) -> None:
    r = await gateway.get("/.well-known/jwks.json")
    assert r.status_code == 200
    keys = r.json()["keys"]
    assert keys
    assert all("kid" in k and "d" not in k for k in keys)


async def test_request_id_echoed_through_gateway(gateway: httpx.AsyncClient) -> None:
    r = await gateway.get("/v1/projects", headers={"X-Request-ID": "e2e-trace-42"})
    assert r.headers["x-request-id"] == "e2e-trace-42"
    assert r.json()["request_id"] == "e2e-trace-42", "the upstream saw the same id"
