from __future__ import annotations

import asyncio
import base64
import os
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from launchforge_auth.config import AuthSettings
from launchforge_auth.core.security import KeySet, jwk_thumbprint, private_key_to_der, public_jwk
from launchforge_auth.services.signing_keys import associated_data, load_key_set
from launchforge_common.crypto import DecryptionError, KeyRing
from launchforge_common.db import create_engine, create_sessionmaker
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

SettingsFactory = Callable[..., AuthSettings]
RunApp = Callable[[AuthSettings], AbstractAsyncContextManager[Any]]
Register = Callable[..., Awaitable[Any]]


def _ring_config(*ids: str, keys: dict[str, bytes]) -> str:
    return ",".join(f"{i}:{base64.b64encode(keys[i]).decode()}" for i in ids)


async def _load(settings: AuthSettings, key_ring: KeyRing | None = None) -> KeySet:
    engine = create_engine(settings)
    try:
        return await load_key_set(
            sessionmaker=create_sessionmaker(engine),
            settings=settings,
            key_ring=key_ring or settings.key_ring(),
        )
    finally:
        await engine.dispose()


async def _rows(url: str) -> list[Any]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            result = await conn.execute(text("SELECT * FROM signing_keys ORDER BY created_at, kid"))
            return list(result.all())
    finally:
        await engine.dispose()


async def test_second_instance_reuses_the_signing_key(
    run_app: RunApp,
    settings: AuthSettings,
    client: httpx.AsyncClient,
    db: AsyncEngine,
    register: Register,
) -> None:
    account = await register()
    token = (
        await client.post(
            "/v1/auth/login", json={"email": account.email, "password": account.password}
        )
    ).json()["access_token"]
    first_jwks = (await client.get("/.well-known/jwks.json")).json()

    async with run_app(settings) as second:
        assert (await second.client.get("/.well-known/jwks.json")).json() == first_jwks
        # A token from one replica is accepted by the other.
        me = await second.client.get("/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200

    async with db.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM signing_keys")) == 1


async def test_replicas_starting_together_create_exactly_one_key(
    make_settings: SettingsFactory, fresh_database_url: str
) -> None:
    settings = make_settings(fresh_database_url)
    for _ in range(3):
        key_sets = await asyncio.gather(*(_load(settings) for _ in range(4)))
        assert len({ks.active.kid for ks in key_sets}) == 1
        rows = await _rows(fresh_database_url)
        assert len(rows) == 1
        engine = create_async_engine(fresh_database_url, poolclass=NullPool)
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM signing_keys"))
        await engine.dispose()


async def test_private_key_is_stored_encrypted_and_bound_to_its_kid(
    make_settings: SettingsFactory, fresh_database_url: str
) -> None:
    settings = make_settings(fresh_database_url)
    key_set = await _load(settings)
    (row,) = await _rows(fresh_database_url)
    der = private_key_to_der(key_set.active.private_key)
    assert der not in row.private_key_encrypted
    assert row.kid == key_set.active.kid == jwk_thumbprint(row.public_jwk)
    assert "d" not in row.public_jwk
    ring = settings.key_ring()
    assert ring.decrypt(row.private_key_encrypted, associated_data(row.kid)) == der
    with pytest.raises(DecryptionError):
        ring.decrypt(row.private_key_encrypted, associated_data("another-kid"))


async def test_wrong_key_encryption_key_refuses_to_start(
    make_settings: SettingsFactory, fresh_database_url: str
) -> None:
    await _load(make_settings(fresh_database_url))  # created under the development key
    other = make_settings(fresh_database_url, key_encryption_keys=f"other:{KeyRing.generate_key()}")
    with pytest.raises(DecryptionError):
        await _load(other)


async def test_key_encryption_key_rotation_rewraps_the_private_key(
    make_settings: SettingsFactory, fresh_database_url: str
) -> None:
    keys = {"k1": os.urandom(32), "k2": os.urandom(32)}
    old = make_settings(fresh_database_url, key_encryption_keys=_ring_config("k1", keys=keys))
    first = await _load(old)
    (row,) = await _rows(fresh_database_url)
    assert KeyRing.key_id_of(row.private_key_encrypted) == "k1"

    rotated = make_settings(
        fresh_database_url, key_encryption_keys=_ring_config("k2", "k1", keys=keys)
    )
    second = await _load(rotated)
    assert second.active.kid == first.active.kid
    (row,) = await _rows(fresh_database_url)
    assert KeyRing.key_id_of(row.private_key_encrypted) == "k2"
    # k1 can now be dropped from the ring.
    only_new = make_settings(fresh_database_url, key_encryption_keys=_ring_config("k2", keys=keys))
    assert (await _load(only_new)).active.kid == first.active.kid


async def test_retired_keys_stay_published_until_not_after(
    make_settings: SettingsFactory, fresh_database_url: str
) -> None:
    settings = make_settings(fresh_database_url)
    old = await _load(settings)
    engine = create_async_engine(fresh_database_url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE signing_keys SET retired_at = now()"))
        new = await _load(settings)
        assert new.active.kid != old.active.kid
        assert set(new.keys) == {old.active.kid, new.active.kid}
        old_token = old.sign({"sub": "x"})
        assert jwt.get_unverified_header(old_token)["kid"] in {k["kid"] for k in new.jwks()["keys"]}

        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE signing_keys SET not_after = now() - interval '1 second'"
                    " WHERE kid = :kid"
                ),
                {"kid": old.active.kid},
            )
        later = await _load(settings)
        assert set(later.keys) == {new.active.kid}
    finally:
        await engine.dispose()


async def test_signing_key_file_is_used_instead_of_the_database(
    make_settings: SettingsFactory, fresh_database_url: str, run_app: RunApp, tmp_path: Path
) -> None:
    private_key = Ed25519PrivateKey.generate()
    pem_file = tmp_path / "signing.pem"
    pem_file.write_bytes(
        private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings = make_settings(fresh_database_url, signing_key_file=pem_file)
    async with run_app(settings) as running:
        jwks = (await running.client.get("/.well-known/jwks.json")).json()
        assert [k["kid"] for k in jwks["keys"]] == [
            jwk_thumbprint(public_jwk(private_key.public_key()))
        ]
        reg = await running.client.post(
            "/v1/auth/register", json={"email": "file-key@example.com", "password": "p" * 12}
        )
        assert reg.status_code == 201
        login = await running.client.post(
            "/v1/auth/login", json={"email": "file-key@example.com", "password": "p" * 12}
        )
        token = login.json()["access_token"]
        jwt.decode(token, private_key.public_key(), algorithms=["EdDSA"], audience="launchforge")
    assert await _rows(fresh_database_url) == []


async def test_login_rehashes_passwords_made_with_old_parameters(
    run_app: RunApp,
    make_settings: SettingsFactory,
    database_url: str,
    db: AsyncEngine,
    register: Register,
) -> None:
    account = await register()  # hashed with t=1 by the session app

    async def stored_hash() -> str:
        async with db.connect() as conn:
            value = await conn.scalar(
                text("SELECT password_hash FROM users WHERE email = :e"), {"e": account.email}
            )
            return str(value)

    before = await stored_hash()
    assert ",t=1," in before
    async with run_app(make_settings(database_url, argon2_time_cost=2)) as stronger:
        response = await stronger.client.post(
            "/v1/auth/login", json={"email": account.email, "password": account.password}
        )
        assert response.status_code == 200
    after = await stored_hash()
    assert ",t=2," in after
    assert after != before
