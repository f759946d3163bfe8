"""Provider keys: stored encrypted (never in clear, never returned), rotation, validation."""

from __future__ import annotations

import base64
import os
import uuid

import pytest
from launchforge_common.crypto import KeyRing
from launchforge_core.models import ProviderKey
from launchforge_core.services.provider_keys import ProviderKeyService
from sqlalchemy import select

SECRET = "sk-test-" + "A1b2C3d4" * 4


async def _raw_row(sessionmaker, user_id: uuid.UUID, provider: str) -> ProviderKey:
    async with sessionmaker() as session:
        row = (
            await session.execute(
                select(ProviderKey).where(
                    ProviderKey.user_id == user_id, ProviderKey.provider == provider
                )
            )
        ).scalar_one()
    return row


async def test_put_list_delete_never_shows_the_key(client, alice, sessionmaker) -> None:
    put = await client.put(
        "/v1/provider-keys/openai", json={"api_key": SECRET}, headers=alice.headers
    )
    assert put.status_code == 200, put.text
    assert SECRET not in put.text
    assert put.json()["last4"] == SECRET[-4:]
    listed = await client.get("/v1/provider-keys", headers=alice.headers)
    assert SECRET not in listed.text
    [item] = listed.json()["items"]
    assert item["provider"] == "openai"
    assert set(item) == {
        "provider",
        "last4",
        "base_url",
        "response_format",
        "created_at",
        "updated_at",
    }

    row = await _raw_row(sessionmaker, alice.id, "openai")
    assert SECRET.encode() not in row.ciphertext
    assert SECRET[8:].encode() not in row.ciphertext

    deleted = await client.delete("/v1/provider-keys/openai", headers=alice.headers)
    assert deleted.status_code == 204
    again = await client.delete("/v1/provider-keys/openai", headers=alice.headers)
    assert again.status_code == 404
    assert (await client.get("/v1/provider-keys", headers=alice.headers)).json()["items"] == []


async def test_keys_are_per_user(client, alice, bob) -> None:
    await client.put("/v1/provider-keys/groq", json={"api_key": SECRET}, headers=alice.headers)
    assert (await client.get("/v1/provider-keys", headers=bob.headers)).json()["items"] == []
    assert (await client.delete("/v1/provider-keys/groq", headers=bob.headers)).status_code == 404


async def test_a_stored_key_lets_the_build_queue(client, alice, make_project) -> None:
    await client.put("/v1/provider-keys/anthropic", json={"api_key": SECRET}, headers=alice.headers)
    project_id = await make_project(alice)
    response = await client.post(
        f"/v1/projects/{project_id}/builds",
        json={"idea": "A recipe box with tags", "provider": "anthropic"},
        headers=alice.headers,
    )
    assert response.status_code == 202
    assert response.json()["provider"] == "anthropic"


@pytest.mark.parametrize(
    ("provider", "body", "status"),
    [
        ("openai_compatible", {"api_key": SECRET}, 400),
        ("openai_compatible", {"api_key": SECRET, "base_url": "ftp://models.local/v1"}, 422),
        ("openai_compatible", {"api_key": SECRET, "base_url": "not a url"}, 422),
        ("openai_compatible", {"api_key": SECRET, "base_url": "http://u:p@host/v1"}, 422),
        ("openai_compatible", {"api_key": SECRET, "base_url": "http://host/v1?x="}, 422),
        ("openai_compatible", {"api_key": SECRET, "base_url": "http://host/v1#x"}, 422),
        ("openai", {"api_key": "short"}, 422),
        ("openai", {"api_key": "has space inside"}, 422),
        ("openai", {"api_key": SECRET + "\n"}, 422),
        ("openai", {"api_key": SECRET, "extra": 1}, 422),
        ("offline", {"api_key": SECRET}, 422),
        ("mock", {"api_key": SECRET}, 422),
        (
            "openai_compatible",
            {"api_key": SECRET, "base_url": "http://h/v1", "response_format": "xml"},
            422,
        ),
        ("openai", {"api_key": SECRET, "response_format": "json_object"}, 400),
    ],
)
async def test_invalid_keys_are_refused(client, alice, provider, body, status) -> None:
    response = await client.put(f"/v1/provider-keys/{provider}", json=body, headers=alice.headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert SECRET not in response.text


async def test_openai_compatible_keeps_its_base_url(client, alice) -> None:
    response = await client.put(
        "/v1/provider-keys/openai_compatible",
        json={"api_key": SECRET, "base_url": "http://127.0.0.1:11434/v1"},
        headers=alice.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["base_url"] == "http://127.0.0.1:11434/v1"


async def test_openai_compatible_keeps_its_chosen_response_format(client, alice) -> None:
    url = "/v1/provider-keys/openai_compatible"
    body = {"api_key": SECRET, "base_url": "http://127.0.0.1:8080/v1"}
    chosen = await client.put(
        url, json={**body, "response_format": "json_object_schema"}, headers=alice.headers
    )
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["response_format"] == "json_object_schema"
    listed = (await client.get("/v1/provider-keys", headers=alice.headers)).json()["items"]
    assert listed[0]["response_format"] == "json_object_schema"
    # Stored again without one (or with "auto"): detected again.
    for again in (body, {**body, "response_format": "auto"}):
        reset = await client.put(url, json=again, headers=alice.headers)
        assert reset.json()["response_format"] is None


async def test_rotation_old_ciphertexts_decrypt_new_writes_use_newest(
    client, alice, sessionmaker, make_settings, start_app
) -> None:
    from launchforge_core.main import create_app

    k1 = base64.b64encode(os.urandom(32)).decode()
    k2 = base64.b64encode(os.urandom(32)).decode()
    old_app = create_app(make_settings(key_encryption_keys=f"k1:{k1}"))
    async with start_app(old_app) as old:
        put = await old.put(
            "/v1/provider-keys/google", json={"api_key": SECRET}, headers=alice.headers
        )
        assert put.status_code == 200
    row = await _raw_row(sessionmaker, alice.id, "google")
    assert KeyRing.key_id_of(row.ciphertext) == "k1"

    rotated = KeyRing.parse(f"k2:{k2},k1:{k1}")
    async with sessionmaker() as session:
        creds = await ProviderKeyService(session, rotated).credentials(
            user_id=alice.id, provider="google"
        )
    assert creds is not None
    assert creds.api_key == SECRET
    assert SECRET not in repr(creds)

    new_app = create_app(make_settings(key_encryption_keys=f"k2:{k2},k1:{k1}"))
    async with start_app(new_app) as new:
        put = await new.put(
            "/v1/provider-keys/google", json={"api_key": SECRET}, headers=alice.headers
        )
        assert put.status_code == 200
    row = await _raw_row(sessionmaker, alice.id, "google")
    assert KeyRing.key_id_of(row.ciphertext) == "k2"

    # A ring without k2 cannot read it; a ciphertext moved to another user fails too.
    async with sessionmaker() as session:
        with pytest.raises(Exception, match="unknown key"):
            await ProviderKeyService(session, KeyRing.parse(f"k1:{k1}")).credentials(
                user_id=alice.id, provider="google"
            )
        bob_id = uuid.uuid4()
        session.add(
            ProviderKey(user_id=bob_id, provider="google", ciphertext=row.ciphertext, last4="xxxx")
        )
        await session.flush()
        with pytest.raises(Exception, match="failed authentication"):
            await ProviderKeyService(session, rotated).credentials(
                user_id=bob_id, provider="google"
            )
        await session.rollback()
