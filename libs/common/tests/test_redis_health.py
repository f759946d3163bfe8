"""``RedisHealth.run``: the should_try / call / record_failure / record_success steps.

Against the shared Redis and a private ``redis-server`` this test stops.
"""

from __future__ import annotations

import logging
import uuid

import pytest
from launchforge_common.redis import RedisHealth
from launchforge_common.testing import PrivateRedis
from redis.asyncio import Redis


async def test_run_returns_what_redis_answers(redis_client: Redis) -> None:
    health = RedisHealth(retry_after=60)
    key = f"lf:test:health:{uuid.uuid4()}"
    try:
        assert await health.run(lambda: redis_client.set(key, b"v"), default="down") is True
        assert await health.run(lambda: redis_client.get(key), default="down") == b"v"
    finally:
        await redis_client.delete(key)
    assert not health.is_down


async def test_run_falls_back_while_redis_is_down_and_recovers(
    private_redis: PrivateRedis, caplog: pytest.LogCaptureFixture
) -> None:
    client = Redis.from_url(private_redis.url, socket_connect_timeout=0.3, socket_timeout=0.3)
    health = RedisHealth("test-redis", retry_after=0)
    calls = 0

    async def ping() -> bool:
        nonlocal calls
        calls += 1
        return bool(await client.ping())

    try:
        assert await health.run(ping, default=False) is True
        private_redis.stop()
        with caplog.at_level(logging.WARNING, logger="launchforge.redis"):
            assert await health.run(ping, default=False) is False
        assert health.is_down
        assert any("test-redis unavailable" in r.getMessage() for r in caplog.records)

        # While down and before retry_after has passed, Redis is not even called.
        health.retry_after = 3600
        health.record_failure(ConnectionError("still down"))
        before = calls
        assert await health.run(ping, default="skipped") == "skipped"
        assert calls == before

        # Once it is time to try again and Redis is back, the call goes through.
        health.retry_after = 0
        health.record_failure(ConnectionError("still down"))
        private_redis.start()
        await client.connection_pool.disconnect()
        assert await health.run(ping, default=False) is True
        assert not health.is_down
    finally:
        await client.aclose()


async def test_other_errors_propagate_and_do_not_mark_redis_down() -> None:
    health = RedisHealth()

    async def broken() -> None:
        raise ValueError("a bug, not an outage")

    with pytest.raises(ValueError, match="a bug"):
        await health.run(broken, default=None)
    assert not health.is_down
