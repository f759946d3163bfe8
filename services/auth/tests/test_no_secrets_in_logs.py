"""Every log line of a full account lifecycle, from a real `serve` process at
DEBUG level, is scanned for each secret the flow handled."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
import uuid

import httpx
from launchforge_common.testing import free_port


def _token(body: str) -> str:
    match = re.search(r"token=([A-Za-z0-9_\-]+)", body)
    assert match, body
    return match.group(1)


async def _wait_ready(client: httpx.AsyncClient, proc: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 90  # a loaded CI machine imports slowly
    while True:
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert proc.returncode is None, "auth exited during startup"
        assert time.monotonic() < deadline, "auth did not start"
        await asyncio.sleep(0.1)


async def _flow(client: httpx.AsyncClient, secrets: list[str]) -> None:
    email = f"logscan-{uuid.uuid4().hex[:8]}@example.com"
    password, wrong, new_password, changed = (
        "first secret passphrase",
        "a wrong secret guess",
        "second secret passphrase",
        "third secret passphrase",
    )
    secrets += [password, wrong, new_password, changed]

    async def outbox_token(kind: str) -> str:
        mails = (await client.get("/internal/dev/outbox", params={"email": email})).json()
        token = _token(next(m for m in mails if m["kind"] == kind)["body"])
        secrets.append(token)
        return token

    def ok(response: httpx.Response, status: int = 200) -> httpx.Response:
        assert response.status_code == status, response.text
        return response

    ok(await client.post("/v1/auth/register", json={"email": email, "password": password}), 201)
    verify = await outbox_token("verify_email")
    ok(await client.post("/v1/auth/verify-email", json={"token": verify}), 204)
    ok(await client.post("/v1/auth/login", json={"email": email, "password": wrong}), 401)
    pair = ok(
        await client.post("/v1/auth/login", json={"email": email, "password": password})
    ).json()
    secrets += [pair["access_token"], pair["refresh_token"]]
    auth = {"Authorization": f"Bearer {pair['access_token']}"}
    nxt = ok(
        await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    ).json()
    secrets += [nxt["access_token"], nxt["refresh_token"]]
    ok(await client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}), 401)

    pair = ok(
        await client.post("/v1/auth/login", json={"email": email, "password": password})
    ).json()
    secrets += [pair["access_token"], pair["refresh_token"]]
    auth = {"Authorization": f"Bearer {pair['access_token']}"}
    key = ok(
        await client.post("/v1/auth/api-keys", json={"name": "scan"}, headers=auth), 201
    ).json()
    secrets += [key["key"], key["key"].split("_", 2)[2]]
    ok(await client.get("/v1/auth/me", headers={"Authorization": f"Bearer {key['key']}"}))
    ok(await client.post("/internal/introspect", json={"token": key["key"]}))
    ok(await client.delete(f"/v1/auth/api-keys/{key['id']}", headers=auth), 204)
    ok(await client.get("/v1/auth/me", headers={"Authorization": f"Bearer {key['key']}"}), 401)
    ok(await client.post("/internal/introspect", json={"token": key["key"]}))
    ok(await client.get("/v1/auth/me", headers={"Authorization": "Bearer garbage.not.jwt"}), 401)

    ok(
        await client.post(
            "/v1/auth/password/change",
            json={"current_password": password, "new_password": changed},
            headers=auth,
        ),
        204,
    )
    ok(await client.post("/v1/auth/password/forgot", json={"email": email}), 202)
    reset = await outbox_token("password_reset")
    ok(
        await client.post(
            "/v1/auth/password/reset", json={"token": reset, "password": new_password}
        ),
        204,
    )
    ok(
        await client.post(
            "/v1/auth/password/reset", json={"token": reset, "password": new_password}
        ),
        400,
    )
    # Validation errors must not echo the rejected input either.
    ok(
        await client.post(
            "/v1/auth/register", json={"email": "x" + email, "password": "Password123"}
        ),
        422,
    )
    secrets.append("Password123")


async def test_no_secret_appears_in_any_log_line(fresh_database_url: str) -> None:
    # Its own database: the session app's outbox drainer must not deliver
    # (and log) this process's mail.
    database_url = fresh_database_url
    port = free_port()
    env = {
        **os.environ,
        "AUTH_DATABASE_URL": database_url,
        "AUTH_ENVIRONMENT": "test",
        "AUTH_PORT": str(port),
        "AUTH_LOG_LEVEL": "DEBUG",
        "AUTH_LOG_JSON": "true",
        "AUTH_ARGON2_TIME_COST": "1",
        "AUTH_ARGON2_MEMORY_COST": "8",
        "AUTH_ARGON2_PARALLELISM": "1",
        "AUTH_MAIL_POLL_INTERVAL_SECONDS": "0.1",
        "AUTH_REFRESH_REUSE_GRACE_SECONDS": "0",
        "AUTH_REDIS_KEY_PREFIX": f"lf:auth:test:{uuid.uuid4().hex[:12]}",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "launchforge_auth",
        "serve",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    secrets: list[str] = []
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            await _wait_ready(client, proc)
            await _flow(client, secrets)
            await asyncio.sleep(0.5)  # let the outbox drainer log its deliveries
        proc.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(proc.communicate(), timeout=20)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    log = output.decode(errors="replace")
    # The scan saw a real, complete flow (so an empty log cannot pass).
    for expected in ("session started", "refresh token reuse", "mail delivered", "password reset"):
        assert expected in log, expected
    assert len(secrets) >= 14
    for secret in secrets:
        assert secret not in log, f"a secret of {len(secret)} characters is in the logs"
