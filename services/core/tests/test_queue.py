"""The hand-rolled queue: SKIP LOCKED claims, leases and the attempt fencing token."""

from __future__ import annotations

import asyncio
import uuid

from launchforge_core.models import Artifact, Build, BuildEvent
from launchforge_core.repositories import queue
from launchforge_core.services import events
from sqlalchemy import func, select, update

IDEA = "A shared shopping list for a family"


async def _isolate(sessionmaker, keep: set[str]) -> None:
    """Park every other queued/running build so claims here only see ours."""
    async with sessionmaker() as session:
        await session.execute(
            update(Build)
            .where(
                Build.status.in_(["queued", "running"]),
                Build.id.not_in([uuid.UUID(k) for k in keep]),
            )
            .values(status="cancelled", lease_expires_at=None)
        )
        await session.commit()


async def _claim(sessionmaker, worker: str, lease: float = 30.0) -> Build | None:
    async with sessionmaker() as session:
        build = await queue.claim(session, worker_id=worker, lease_seconds=lease)
        await session.commit()
    return build


async def test_two_workers_never_claim_the_same_build(sessionmaker, make_user, make_build) -> None:
    user = make_user()
    build = await make_build(user)
    await _isolate(sessionmaker, {build["id"]})
    claims = await asyncio.gather(*(_claim(sessionmaker, f"w{i}") for i in range(8)))
    winners = [c for c in claims if c is not None]
    assert len(winners) == 1
    assert str(winners[0].id) == build["id"]
    assert winners[0].attempt == 1
    assert winners[0].status == "running"
    # While the lease is live nobody else gets it.
    assert await _claim(sessionmaker, "late") is None


async def test_expired_lease_is_reclaimed_and_the_stale_worker_is_fenced_out(
    sessionmaker, make_user, make_build
) -> None:
    user = make_user()
    build = await make_build(user)
    await _isolate(sessionmaker, {build["id"]})
    first = await _claim(sessionmaker, "first", lease=0.2)
    assert first is not None
    stale = queue.Lease(first.id, first.attempt, "first")
    await asyncio.sleep(0.4)
    second = await _claim(sessionmaker, "second")
    assert second is not None
    assert second.id == first.id
    assert second.attempt == 2
    fresh = queue.Lease(second.id, second.attempt, "second")

    async with sessionmaker() as session:
        # Every write of the stale attempt matches nothing.
        assert await queue.renew(session, stale, lease_seconds=30) is None
        assert await events.append(session, first.id, kind="log", attempt=1, message="x") is None
        assert await queue.finish(session, stale, status="succeeded") is None
        assert await queue.release(session, stale) is False
        await session.commit()

    async with sessionmaker() as session:
        assert await queue.renew(session, fresh, lease_seconds=30) is False
        seq = await queue.finish(session, fresh, status="succeeded", generator="test")
        assert seq is not None
        await events.append(
            session, first.id, kind="status", seq=seq, attempt=2, status="succeeded"
        )
        await session.commit()
    async with sessionmaker() as session:
        row = await session.get(Build, first.id)
        assert row is not None
        assert (row.status, row.attempt, row.lease_owner) == ("succeeded", 2, None)
        terminal = await session.scalar(
            select(func.count()).where(
                BuildEvent.build_id == first.id,
                BuildEvent.kind == "status",
                BuildEvent.status == "succeeded",
            )
        )
        assert terminal == 1
        # The finished build can no longer be written by anyone.
        assert await queue.finish(session, fresh, status="failed") is None


async def test_renew_reports_cancel_and_release_hands_back(
    client, sessionmaker, make_user, make_build
) -> None:
    user = make_user()
    build = await make_build(user)
    await _isolate(sessionmaker, {build["id"]})
    claimed = await _claim(sessionmaker, "w")
    assert claimed is not None
    lease = queue.Lease(claimed.id, claimed.attempt, "w")
    cancel = await client.post(f"/v1/builds/{build['id']}/cancel", headers=user.headers)
    assert cancel.status_code == 200
    assert cancel.json()["status"] == "running"
    assert cancel.json()["cancel_requested"] is True
    async with sessionmaker() as session:
        assert await queue.renew(session, lease, lease_seconds=30) is True
        assert await queue.release(session, lease) is True
        await session.commit()
    async with sessionmaker() as session:
        row = await session.get(Build, claimed.id)
        assert row is not None
        assert (row.status, row.lease_owner, row.lease_expires_at) == ("queued", None, None)
    # The next claim is a new attempt with a new fencing token.
    again = await _claim(sessionmaker, "w2")
    assert again is not None
    assert again.attempt == 2


async def test_claims_take_the_oldest_first_and_skip_finished(
    sessionmaker, make_user, make_build
) -> None:
    user = make_user()
    older = await make_build(user)
    newer = await make_build(user, project_id=older["project_id"])
    await _isolate(sessionmaker, {older["id"], newer["id"]})
    a = await _claim(sessionmaker, "a")
    b = await _claim(sessionmaker, "b")
    assert a is not None
    assert b is not None
    assert [str(a.id), str(b.id)] == [older["id"], newer["id"]]
    assert await _claim(sessionmaker, "c") is None
    async with sessionmaker() as session:
        assert (
            await session.scalar(
                select(func.count())
                .select_from(Artifact)
                .where(Artifact.build_id.in_([a.id, b.id]))
            )
            == 0
        )
