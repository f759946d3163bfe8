"""Build progress events: persist, fan out through Redis, stream as SSE.

Writers commit an event to ``build_events`` first and then publish it on the
build's Redis channel. Readers subscribe *before* they read the table, so an
event committed between the catch-up read and the subscription is still
seen: either in the read or as a message. Redis pub/sub is at-most-once, so
messages are only a fast path: a message whose id is not the next one, or
silence for ``poll`` seconds, sends the reader back to the table. Without
Redis the reader simply polls the table.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncGenerator
from typing import Any

from launchforge_common.redis import REDIS_ERRORS, RedisHealth
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from launchforge_core.repositories import builds as build_repo
from launchforge_core.repositories import events as repo

logger = logging.getLogger("launchforge.core.events")

CATCH_UP_BATCH = 500


def channel(build_id: uuid.UUID) -> str:
    return f"lf:core:build-events:{build_id}"


async def append(
    session: AsyncSession,
    build_id: uuid.UUID,
    *,
    kind: str,
    attempt: int | None = None,
    seq: int | None = None,
    stage: str | None = None,
    status: str | None = None,
    message: str | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Add one event (flush only). With ``attempt`` it is fenced; None if fenced out.

    ``seq`` is passed when the caller already reserved it (a terminal UPDATE).
    """
    if seq is None:
        seq = await repo.next_seq(session, build_id, attempt=attempt)
        if seq is None:
            return None
    event = await repo.insert(
        session,
        build_id=build_id,
        seq=seq,
        kind=kind,
        attempt=attempt or 0,
        stage=stage,
        status=status,
        message=message,
        data=data,
    )
    return repo.to_payload(event)


class Publisher:
    """Publishes committed events to Redis; a Redis outage only costs latency."""

    def __init__(self, redis: Redis | None, health: RedisHealth) -> None:
        self.redis = redis
        self.health = health

    async def publish(self, *payloads: dict[str, Any]) -> None:
        redis = self.redis
        if redis is None:
            return

        async def send() -> None:
            for payload in payloads:
                await redis.publish(channel(uuid.UUID(payload["build_id"])), json.dumps(payload))

        await self.health.run(send, default=None)


async def _subscribe(
    redis: Redis | None, health: RedisHealth, build_id: uuid.UUID
) -> PubSub | None:
    if redis is None or not health.should_try():
        return None
    pubsub = redis.pubsub()
    try:
        await pubsub.subscribe(channel(build_id))
    except REDIS_ERRORS as exc:
        health.record_failure(exc)
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        return None
    return pubsub


async def stream(
    sessionmaker: async_sessionmaker[AsyncSession],
    redis: Redis | None,
    health: RedisHealth,
    build_id: uuid.UUID,
    *,
    after: int,
    poll: float,
) -> AsyncGenerator[dict[str, Any], None]:
    """Every event after ``after``, in order, ending with the terminal one."""
    pubsub = await _subscribe(redis, health, build_id)
    last = after
    try:
        while True:
            # Catch up from the table (the source of truth).
            async with sessionmaker() as session:
                rows = await repo.list_after(session, build_id, last, limit=CATCH_UP_BATCH)
                if not rows:
                    status = await build_repo.status_of(session, build_id)
                    # Gone (deleted with its project), or finished and the client
                    # already has its terminal event: the terminal state and event
                    # commit together, so there is nothing more to wait for.
                    if status is None or status in repo.TERMINAL_STATUSES:
                        return
            for row in rows:
                payload = repo.to_payload(row)
                last = row.seq
                yield payload
                if repo.is_terminal(payload):
                    return
            if len(rows) == CATCH_UP_BATCH:
                continue
            # Wait for news: messages in order are used as they are.
            while True:
                if pubsub is None:
                    await asyncio.sleep(poll)
                    break
                try:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=poll)
                except REDIS_ERRORS as exc:
                    health.record_failure(exc)
                    logger.info("event subscription lost; polling the table")
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
                    pubsub = None
                    break
                if message is None:
                    break  # silence: check the table
                payload = json.loads(message["data"])
                if payload.get("id") == last + 1:
                    last = payload["id"]
                    yield payload
                    if repo.is_terminal(payload):
                        return
                elif payload.get("id", 0) > last + 1:
                    break  # a gap: read it from the table
    finally:
        if pubsub is not None:
            with contextlib.suppress(*REDIS_ERRORS):
                await pubsub.aclose()  # type: ignore[no-untyped-call]


async def collect(
    sessionmaker: async_sessionmaker[AsyncSession],
    redis: Redis | None,
    health: RedisHealth,
    build_id: uuid.UUID,
    *,
    after: int,
    wait: float,
    limit: int,
    poll: float,
) -> list[dict[str, Any]]:
    """The events after ``after`` as one list: a long poll for clients that cannot stream.

    Answers at once when there are events (or the build has ended); otherwise
    waits up to ``wait`` seconds for the next one, then answers with everything
    the table holds by then (at most ``limit``). The caller has checked that
    the build is the asker's.
    """
    async with sessionmaker() as session:
        rows = await repo.list_after(session, build_id, after, limit=limit)
    if rows or wait <= 0:
        return [repo.to_payload(row) for row in rows]
    first: dict[str, Any] | None = None
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(wait):
            source = stream(sessionmaker, redis, health, build_id, after=after, poll=poll)
            async with contextlib.aclosing(source) as payloads:
                async for payload in payloads:
                    first = payload
                    break
    if first is None:
        return []
    # Events are committed before they are published: the table has the first one
    # and any that followed it.
    async with sessionmaker() as session:
        rows = await repo.list_after(session, build_id, after, limit=limit)
    return [repo.to_payload(row) for row in rows] or [first]
