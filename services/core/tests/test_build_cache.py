"""Build reads are cached in Redis and every write (API or worker) invalidates them."""

from __future__ import annotations

import uuid

from launchforge_core.models import Build
from launchforge_core.worker.worker import Worker
from sqlalchemy import update


async def test_reads_are_cached_and_never_stale_after_a_write(
    client, redis, make_user, make_build, make_job_context, sessionmaker
) -> None:
    user = make_user()
    build = await make_build(user)
    key = f"lf:core:build:{user.id}:{build['id']}"
    url = f"/v1/builds/{build['id']}"

    assert (await client.get(url, headers=user.headers)).json()["status"] == "queued"
    assert await redis.exists(key) == 1  # the read went through the cache

    # A write the cache cannot see (straight to the table) stays hidden until
    # the TTL: that is what the cache is for, and proves reads come from it.
    async with sessionmaker() as session:
        await session.execute(
            update(Build).where(Build.id == uuid.UUID(build["id"])).values(theme="dark")
        )
        await session.commit()
    assert (await client.get(url, headers=user.headers)).json()["theme"] == "modern"

    # The worker's claim invalidates: the next read shows it running.
    async with sessionmaker() as session:
        await session.execute(
            update(Build)
            .where(Build.status == "queued", Build.id != uuid.UUID(build["id"]))
            .values(status="cancelled")
        )
        await session.commit()
    worker = Worker(make_job_context(), concurrency=1, poll_seconds=1, grace_seconds=0)
    job = await worker.claim_one()
    assert job is not None
    after_claim = (await client.get(url, headers=user.headers)).json()
    assert (after_claim["status"], after_claim["attempt"], after_claim["theme"]) == (
        "running",
        1,
        "dark",
    )

    # An API write invalidates too.
    await client.post(f"{url}/cancel", headers=user.headers)
    assert (await client.get(url, headers=user.headers)).json()["cancel_requested"] is True

    # And the worker's terminal write.
    await job._finish("cancelled", error="Cancelled while running.")
    final = (await client.get(url, headers=user.headers)).json()
    assert final["status"] == "cancelled"
