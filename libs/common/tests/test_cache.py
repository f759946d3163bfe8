from __future__ import annotations

import logging
import uuid

import pytest
from launchforge_common.cache import Cache
from launchforge_common.redis import RedisHealth
from pydantic import BaseModel
from redis.asyncio import Redis


class Item(BaseModel):
    id: str
    name: str


def make_cache(redis: Redis) -> Cache:
    return Cache(redis, prefix=f"lf:test:{uuid.uuid4().hex[:8]}", health=RedisHealth(retry_after=0))


async def test_cached_hits_redis_and_invalidates(redis_client: Redis) -> None:
    cache = make_cache(redis_client)
    calls: list[str] = []
    names = {"a": "first"}

    @cache.cached("item", ttl=30, response_type=Item)
    async def load(item_id: str) -> Item:
        calls.append(item_id)
        return Item(id=item_id, name=names[item_id])

    assert await load("a") == Item(id="a", name="first")
    assert await load("a") == Item(id="a", name="first")
    assert calls == ["a"]
    assert await redis_client.pttl(load.cache_key("a")) > 0

    names["a"] = "second"
    assert await load.invalidate("a")
    assert (await load("a")).name == "second"
    assert calls == ["a", "a"]


async def test_none_results_are_cached_too(redis_client: Redis) -> None:
    cache = make_cache(redis_client)
    calls = 0

    @cache.cached("maybe", ttl=30, response_type=Item | None)
    async def load(item_id: str) -> Item | None:
        nonlocal calls
        calls += 1
        return None

    assert await load("x") is None
    assert await load("x") is None
    assert calls == 1


async def test_calls_through_while_redis_is_down_and_recovers(
    private_redis, caplog: pytest.LogCaptureFixture
) -> None:
    client = Redis.from_url(private_redis.url, socket_connect_timeout=0.3, socket_timeout=0.3)
    cache = make_cache(client)
    calls = 0

    @cache.cached("item", ttl=30, response_type=Item)
    async def load(item_id: str) -> Item:
        nonlocal calls
        calls += 1
        return Item(id=item_id, name=f"v{calls}")

    await load("a")
    await load("a")
    assert calls == 1

    private_redis.stop()
    with caplog.at_level(logging.WARNING, logger="launchforge.redis"):
        for _ in range(5):
            await load("a")
    assert calls == 6, "every call goes through while Redis is down"
    outage_logs = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(outage_logs) == 1, "the outage is logged once, not per call"
    assert cache.health.is_down

    private_redis.start()
    await load("a")  # first call after restart repopulates the cache
    before = calls
    await load("a")
    assert calls == before, "served from Redis again once it is back"
    assert not cache.health.is_down
    await client.aclose()
