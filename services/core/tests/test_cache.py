"""Project reads go through Redis; writes invalidate; Redis down degrades, never fails."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI
from launchforge_common.testing import free_port
from launchforge_core.api.state import app_state
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine


def cache_key(app: FastAPI, owner_id: uuid.UUID, project_id: str) -> str:
    return app_state(app).project_reader.cache_key(None, owner_id, uuid.UUID(project_id))


async def rename_behind_the_apps_back(database_url: str, project_id: str, name: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text("UPDATE projects SET name = :name WHERE id = :id"),
                {"name": name, "id": uuid.UUID(project_id)},
            )
    finally:
        await engine.dispose()


async def test_reads_by_id_are_served_from_the_cache(
    app: FastAPI, client: httpx.AsyncClient, alice, redis: Redis, database_url: str
) -> None:
    project = (await client.post("/v1/projects", json={"name": "v1"}, headers=alice.headers)).json()
    key = cache_key(app, alice.id, project["id"])
    assert await redis.exists(key) == 0

    first = await client.get(f"/v1/projects/{project['id']}", headers=alice.headers)
    assert first.json()["name"] == "v1"
    assert await redis.exists(key) == 1
    ttl_ms = await redis.pttl(key)
    assert 0 < ttl_ms <= 30_000
    # The key is per owner: it names alice's id and the project's.
    assert str(alice.id) in key
    assert project["id"] in key

    # A change made outside the service is not seen until the entry goes:
    # proof that the second read came from Redis, not the database.
    await rename_behind_the_apps_back(database_url, project["id"], "changed-in-db")
    second = await client.get(f"/v1/projects/{project['id']}", headers=alice.headers)
    assert second.json() == first.json()

    await redis.delete(key)
    third = await client.get(f"/v1/projects/{project['id']}", headers=alice.headers)
    assert third.json()["name"] == "changed-in-db"


async def test_read_after_write_is_never_stale(
    app: FastAPI, client: httpx.AsyncClient, alice, redis: Redis
) -> None:
    project = (
        await client.post("/v1/projects", json={"name": "old"}, headers=alice.headers)
    ).json()
    url = f"/v1/projects/{project['id']}"
    key = cache_key(app, alice.id, project["id"])

    assert (await client.get(url, headers=alice.headers)).json()["name"] == "old"
    assert await redis.exists(key) == 1  # cached

    patched = await client.patch(url, json={"name": "new"}, headers=alice.headers)
    assert patched.status_code == 200
    assert await redis.exists(key) == 0  # invalidated by the write
    assert (await client.get(url, headers=alice.headers)).json()["name"] == "new"
    assert (await client.get(url, headers=alice.headers)).json()["name"] == "new"  # now cached

    patched = await client.patch(url, json={"description": "d"}, headers=alice.headers)
    assert (await client.get(url, headers=alice.headers)).json() == patched.json()

    assert (await client.delete(url, headers=alice.headers)).status_code == 204
    assert await redis.exists(key) == 0
    gone = await client.get(url, headers=alice.headers)
    assert gone.status_code == 404
    assert await redis.exists(key) == 0  # a miss is not cached


async def test_cached_project_is_not_served_to_another_user(
    client: httpx.AsyncClient, alice, bob
) -> None:
    project = (await client.post("/v1/projects", json={"name": "a"}, headers=alice.headers)).json()
    url = f"/v1/projects/{project['id']}"
    assert (await client.get(url, headers=alice.headers)).status_code == 200  # now cached
    assert (await client.get(url, headers=bob.headers)).status_code == 404


async def test_failed_write_does_not_invalidate_or_change(
    app: FastAPI, client: httpx.AsyncClient, alice, bob, redis: Redis
) -> None:
    project = (await client.post("/v1/projects", json={"name": "a"}, headers=alice.headers)).json()
    url = f"/v1/projects/{project['id']}"
    await client.get(url, headers=alice.headers)
    # Bob's attempts are 404s and leave alice's cached entry and data alone.
    assert (await client.patch(url, json={"name": "b"}, headers=bob.headers)).status_code == 404
    assert (await client.delete(url, headers=bob.headers)).status_code == 404
    assert (await client.get(url, headers=alice.headers)).json() == project


async def test_redis_down_reads_still_work_and_readyz_is_degraded(
    make_settings, start_app, make_user
) -> None:
    from launchforge_core.main import create_app

    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app = create_app(make_settings(redis_url=closed))
    user = make_user()
    async with start_app(app) as client:
        created = await client.post("/v1/projects", json={"name": "r"}, headers=user.headers)
        assert created.status_code == 201
        url = created.headers["location"]
        for _ in range(3):
            response = await client.get(url, headers=user.headers)
            assert response.status_code == 200
            assert response.json() == created.json()
        patched = await client.patch(url, json={"name": "r2"}, headers=user.headers)
        assert patched.status_code == 200
        assert (await client.get(url, headers=user.headers)).json()["name"] == "r2"
        listed = await client.get("/v1/projects", headers=user.headers)
        assert [p["id"] for p in listed.json()["items"]] == [created.json()["id"]]
        assert (await client.delete(url, headers=user.headers)).status_code == 204
        assert (await client.get(url, headers=user.headers)).status_code == 404

        # Still ready (every replica shares the Redis), but says it is degraded.
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["status"] == "degraded"
        checks = ready.json()["checks"]
        assert checks["redis"]["status"] == "fail"
        assert checks["database"]["status"] == "ok"
        assert (await client.get("/livez")).status_code == 200


async def test_readyz_ok_when_everything_answers(client: httpx.AsyncClient) -> None:
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": {"status": "ok"}, "redis": {"status": "ok"}}
