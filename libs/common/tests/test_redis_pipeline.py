"""The auto-pipelined Redis client against real Redis servers.

The shared Redis for what leaves no trace on others (own keys, own db);
a private server for what would disturb them (script flush, stop, password).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from launchforge_common.redis_pipeline import PipelinedRedis, PipelinedScript
from launchforge_common.testing import PrivateRedis, free_port
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from .conftest import REDIS_URL

TIMEOUTS = {"connect_timeout": 1.0, "read_timeout": 0.5}


@pytest.fixture
async def pipelined() -> AsyncIterator[PipelinedRedis]:
    client = PipelinedRedis(REDIS_URL, **TIMEOUTS)
    yield client
    await client.aclose()


def key() -> str:
    return f"lf:test:pipe:{uuid.uuid4().hex}"


async def test_concurrent_commands_share_one_connection_and_get_their_own_replies(
    pipelined: PipelinedRedis, redis_client: Redis
) -> None:
    counter = key()
    try:
        # Each caller gets its own reply, not its neighbour's.
        replies = await asyncio.gather(*(pipelined.execute("ECHO", f"r{i}") for i in range(200)))
        assert replies == [f"r{i}".encode() for i in range(200)]
        counts = await asyncio.gather(*(pipelined.execute("INCR", counter) for _ in range(200)))
        assert sorted(counts) == list(range(1, 201))
        # ... and every command went over one connection.
        ids = await asyncio.gather(*(pipelined.execute("CLIENT", "ID") for _ in range(50)))
        assert len(set(ids)) == 1
        # Replies keep their types: bulk strings, integers, arrays, nil.
        await pipelined.execute("SET", counter, "x")
        assert await pipelined.execute("GET", counter) == b"x"
        assert await pipelined.execute("GET", key()) is None
        assert await pipelined.execute("ECHO", 7) == b"7"
    finally:
        await redis_client.delete(counter)


async def test_commands_issued_together_reach_redis_in_one_write(
    private_redis: PrivateRedis,
) -> None:
    client = PipelinedRedis(private_redis.url, **TIMEOUTS)
    admin = Redis.from_url(private_redis.url)
    try:
        await client.execute("PING")
        before = (await admin.info("stats"))["total_reads_processed"]
        replies = await asyncio.gather(*(client.execute("PING") for _ in range(100)))
        reads = (await admin.info("stats"))["total_reads_processed"] - before
        assert replies == [b"PONG"] * 100
        # 100 commands, one batch (plus the admin's own INFO); one read each
        # would mean no pipelining. Large batches may span a few reads.
        assert reads <= 5, reads
    finally:
        await admin.aclose()
        await client.aclose()


async def test_an_error_reply_fails_only_its_own_command(
    pipelined: PipelinedRedis, redis_client: Redis
) -> None:
    text = key()
    try:
        await redis_client.set(text, "not a number")
        results = await asyncio.gather(
            pipelined.execute("PING"),
            pipelined.execute("INCR", text),
            pipelined.execute("ECHO", "after"),
            return_exceptions=True,
        )
        assert results[0] == b"PONG"
        assert isinstance(results[1], ResponseError)
        assert "not an integer" in str(results[1])
        assert results[2] == b"after"
    finally:
        await redis_client.delete(text)


async def test_a_cancelled_caller_does_not_shift_the_replies_of_the_others(
    pipelined: PipelinedRedis,
) -> None:
    await pipelined.execute("PING")  # connected
    first = asyncio.create_task(pipelined.execute("ECHO", "first"))
    doomed = asyncio.create_task(pipelined.execute("ECHO", "doomed"))
    last = asyncio.create_task(pipelined.execute("ECHO", "last"))
    await asyncio.sleep(0)  # all three queued
    doomed.cancel()
    assert await first == b"first"
    assert await last == b"last"
    assert await pipelined.execute("ECHO", "next") == b"next"


async def test_the_url_selects_the_database(redis_client: Redis) -> None:
    name = key()
    client = PipelinedRedis(REDIS_URL.rsplit("/", 1)[0] + "/3", **TIMEOUTS)
    other_db = Redis.from_url(REDIS_URL.rsplit("/", 1)[0] + "/3")
    try:
        await client.execute("SET", name, "in db 3", "EX", 60)
        assert await other_db.get(name) == b"in db 3"
        assert await redis_client.get(name) is None  # db 0 of the same server
    finally:
        await other_db.delete(name)
        await other_db.aclose()
        await client.aclose()


async def test_password_from_the_url_is_sent_and_a_wrong_one_refused(
    private_redis: PrivateRedis,
) -> None:
    admin = Redis.from_url(private_redis.url)
    await admin.config_set("requirepass", "s3cret")
    await admin.aclose()
    good = PipelinedRedis(f"redis://:s3cret@127.0.0.1:{private_redis.port}/0", **TIMEOUTS)
    bad = PipelinedRedis(f"redis://:wrong@127.0.0.1:{private_redis.port}/0", **TIMEOUTS)
    try:
        assert await good.execute("PING") == b"PONG"
        with pytest.raises(ResponseError):
            await bad.execute("PING")
    finally:
        await good.aclose()
        await bad.aclose()


async def test_script_runs_by_sha_and_survives_a_flushed_script_cache(
    private_redis: PrivateRedis,
) -> None:
    client = PipelinedRedis(private_redis.url, **TIMEOUTS)
    admin = Redis.from_url(private_redis.url)
    script = PipelinedScript(client, "return redis.call('INCRBY', KEYS[1], ARGV[1])")
    try:
        # A fresh server has no script cached: NOSCRIPT, then EVAL caches it.
        assert await script(keys=["n"], args=[2]) == 2
        assert await script(keys=["n"], args=[3]) == 5
        stats = await admin.info("commandstats")
        assert stats["cmdstat_eval"]["calls"] == 1
        assert stats["cmdstat_evalsha"]["calls"] == 2
        await admin.script_flush()
        assert await script(keys=["n"], args=[1]) == 6
        assert (await admin.info("commandstats"))["cmdstat_eval"]["calls"] == 2
        with pytest.raises(ResponseError):  # other errors are not retried
            await PipelinedScript(client, "return redis.call('NOPE')")(keys=[], args=[])
    finally:
        await admin.aclose()
        await client.aclose()


async def test_redis_going_away_fails_the_waiting_commands_and_the_next_reconnects(
    private_redis: PrivateRedis,
) -> None:
    client = PipelinedRedis(private_redis.url, **TIMEOUTS)
    try:
        assert await client.execute("SET", "k", "v") is not None
        private_redis.stop()
        with pytest.raises(ConnectionError):
            await client.execute("GET", "k")
        with pytest.raises(ConnectionError):  # refused while it is down
            await client.execute("GET", "k")
        private_redis.start()
        assert await client.execute("PING") == b"PONG"
    finally:
        await client.aclose()


async def test_an_unanswered_command_times_out_and_breaks_the_connection() -> None:
    """A server that accepts and reads but never answers (a hung Redis)."""
    connections: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        while await reader.read(4096):
            pass

    port = free_port()
    server = await asyncio.start_server(silent, "127.0.0.1", port)
    client = PipelinedRedis(f"redis://127.0.0.1:{port}/0", connect_timeout=1.0, read_timeout=0.3)
    try:
        started = time.monotonic()
        async with asyncio.timeout(5):  # a missing watchdog would wait forever
            results = await asyncio.gather(
                *(client.execute("PING") for _ in range(5)), return_exceptions=True
            )
        waited = time.monotonic() - started
        assert all(isinstance(r, TimeoutError) for r in results), results
        assert 0.3 <= waited < 2.0
        # The hung connection is dropped; the next command opens a new one.
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(5):
                await client.execute("PING")
        assert len(connections) == 2
    finally:
        await client.aclose()
        server.close()
        await server.wait_closed()


async def test_a_closed_client_refuses_commands(pipelined: PipelinedRedis) -> None:
    assert await pipelined.execute("PING") == b"PONG"
    await pipelined.aclose()
    with pytest.raises(ConnectionError):
        await pipelined.execute("PING")
