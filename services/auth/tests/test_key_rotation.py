"""Signing-key rotation: by command or by maximum age; old tokens verify until
they expire, new tokens use the new kid, running replicas and JWKS verifiers
pick the new key up without a restart."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import jwt
import pytest
from launchforge_auth.__main__ import main
from launchforge_auth.config import AuthSettings
from launchforge_auth.services.signing_keys import load_key_set, retired_key_grace
from launchforge_common.db import create_engine, create_sessionmaker
from launchforge_common.tokens import InvalidTokenError, JWKSVerifier
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

SettingsFactory = Callable[..., AuthSettings]
RunApp = Callable[[AuthSettings], AbstractAsyncContextManager[Any]]

PASSWORD = "rotation test passphrase"


def _kid(token: str) -> str:
    kid: str = jwt.get_unverified_header(token)["kid"]
    return kid


async def _login(client: httpx.AsyncClient, email: str) -> str:
    response = await client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def _jwks_kids(client: httpx.AsyncClient) -> set[str]:
    return {k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]}


async def _me(client: httpx.AsyncClient, token: str) -> int:
    response = await client.get("/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    return response.status_code


async def test_rotate_keys_command_reaches_running_replicas_and_verifiers(
    run_app: RunApp,
    make_settings: SettingsFactory,
    fresh_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast = make_settings(fresh_database_url, key_reload_interval_seconds=0.2)
    slow = make_settings(fresh_database_url, key_reload_interval_seconds=3600)
    async with run_app(fast) as a, run_app(slow) as b:
        email = "rotate@example.com"
        registered = await a.client.post(
            "/v1/auth/register", json={"email": email, "password": PASSWORD}
        )
        assert registered.status_code == 201
        old_token = await _login(a.client, email)
        old_kid = _kid(old_token)
        verifier = JWKSVerifier(
            "http://auth.test/.well-known/jwks.json",
            issuer=fast.jwt_issuer,
            audience=fast.jwt_audience,
            http=a.client,
            min_refetch_interval=0,
        )
        await verifier.verify(old_token)  # the verifier now caches the old key set

        monkeypatch.setenv("AUTH_DATABASE_URL", fresh_database_url)
        monkeypatch.setenv("AUTH_ENVIRONMENT", "test")
        assert await asyncio.to_thread(main, ["rotate-keys"]) == 0

        deadline = time.monotonic() + 5
        while len(await _jwks_kids(a.client)) < 2:
            assert time.monotonic() < deadline, "the running replica never reloaded"
            await asyncio.sleep(0.1)
        new_token = await _login(a.client, email)
        new_kid = _kid(new_token)
        assert new_kid != old_kid
        assert await _jwks_kids(a.client) == {old_kid, new_kid}

        # Old tokens still verify until they expire; new ones verify everywhere.
        assert await _me(a.client, old_token) == 200
        assert await _me(a.client, new_token) == 200
        # A verifier that cached the old set refetches on the unknown kid.
        assert (await verifier.verify(new_token)).user_id
        # A replica that has not reloaded yet does so on the unknown kid (at
        # most once a second, so forged kids cannot hammer the database).
        await asyncio.sleep(1.0)
        assert await _me(b.client, new_token) == 200
        assert await _me(b.client, old_token) == 200

        engine = create_async_engine(fresh_database_url, poolclass=NullPool)
        try:
            async with engine.begin() as conn:
                row = (
                    await conn.execute(
                        text(
                            "SELECT extract(epoch FROM not_after - retired_at) AS grace"
                            " FROM signing_keys WHERE kid = :kid"
                        ),
                        {"kid": old_kid},
                    )
                ).one()
                # The command computed it from its own (environment) settings.
                cli_settings = AuthSettings()
                expected = retired_key_grace(cli_settings)
                assert float(row.grace) == pytest.approx(expected, abs=1)
                assert expected > cli_settings.access_token_ttl_seconds
                # Time passes: the last token of the old key has expired.
                await conn.execute(
                    text("UPDATE signing_keys SET not_after = now() WHERE kid = :kid"),
                    {"kid": old_kid},
                )
        finally:
            await engine.dispose()
        deadline = time.monotonic() + 5
        while old_kid in await _jwks_kids(a.client):
            assert time.monotonic() < deadline, "the retired key was never unpublished"
            await asyncio.sleep(0.1)
        assert await _me(a.client, old_token) == 401
        assert await _me(a.client, new_token) == 200
        verifier.min_refetch_interval = 0
        verifier.cache_ttl = 0
        with pytest.raises(InvalidTokenError):
            await verifier.verify(old_token)


async def test_keys_rotate_by_configured_maximum_age(
    make_settings: SettingsFactory, fresh_database_url: str
) -> None:
    settings = make_settings(fresh_database_url, signing_key_max_age_seconds=3600)
    engine = create_engine(settings)
    try:
        maker = create_sessionmaker(engine)
        ring = settings.key_ring()
        first = await load_key_set(sessionmaker=maker, settings=settings, key_ring=ring)
        again = await load_key_set(sessionmaker=maker, settings=settings, key_ring=ring)
        assert again.active.kid == first.active.kid  # young enough: kept
        async with engine.begin() as conn:
            await conn.execute(
                text("UPDATE signing_keys SET created_at = now() - interval '2 hours'")
            )
        rotated = await asyncio.gather(
            *(load_key_set(sessionmaker=maker, settings=settings, key_ring=ring) for _ in range(3))
        )
        kids = {ks.active.kid for ks in rotated}
        assert len(kids) == 1
        assert first.active.kid not in kids
        assert set(rotated[0].keys) == {first.active.kid, *kids}
        async with engine.connect() as conn:
            count = await conn.scalar(text("SELECT count(*) FROM signing_keys"))
        assert count == 2
    finally:
        await engine.dispose()


async def test_rotate_refuses_a_mounted_key_file(
    make_settings: SettingsFactory,
    fresh_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    monkeypatch.setenv("AUTH_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("AUTH_ENVIRONMENT", "test")
    monkeypatch.setenv("AUTH_SIGNING_KEY_FILE", str(tmp_path / "key.pem"))
    assert await asyncio.to_thread(main, ["rotate-keys"]) == 1
