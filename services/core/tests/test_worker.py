"""The worker in this process: real offline pipeline end to end, then cancel, hand-back, fencing.

The mechanics tests swap the pipeline for a coroutine the test controls (an
``asyncio.Event`` decides when it finishes), so "mid-build" is exact; the
first test runs the real offline pipeline.
"""

from __future__ import annotations

import asyncio
import io
import uuid
import zipfile
from datetime import UTC, datetime
from typing import Any

from launchforge_core.models import Artifact, Build, BuildEvent
from launchforge_core.pipeline.types import PipelineEvent, PipelineResult, StageRecord
from launchforge_core.worker.worker import Worker
from sqlalchemy import func, select, update


async def isolate(sessionmaker, keep: set[str]) -> None:
    """Park every other live build so this worker only sees ours."""
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


async def wait_for_status(
    sessionmaker, build_id: str, statuses: set[str], within: float = 120
) -> Build:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        async with sessionmaker() as session:
            build = await session.get(Build, uuid.UUID(build_id))
        assert build is not None
        if build.status in statuses:
            return build
        assert asyncio.get_running_loop().time() < deadline, f"still {build.status}"
        await asyncio.sleep(0.1)


async def events_of(sessionmaker, build_id: str) -> list[BuildEvent]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(BuildEvent)
            .where(BuildEvent.build_id == uuid.UUID(build_id))
            .order_by(BuildEvent.seq)
        )
        return list(rows.scalars())


def tiny_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("README.md", "# hi\n")
        zf.writestr("app/main.py", "print('hi')\n")
    return buffer.getvalue()


class ControlledPipeline:
    """A pipeline stand-in: emits a stage event, then waits for ``release``."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.cancelled = False

    async def __call__(self, inp: Any, *, llm: Any, emit: Any, settings: Any) -> PipelineResult:
        now = datetime.now(UTC)
        await emit(PipelineEvent(kind="stage", stage="spec", status="started"))
        self.started.set()
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        await emit(PipelineEvent(kind="stage", stage="spec", status="succeeded"))
        return PipelineResult(
            status="succeeded",
            error=None,
            stages=[StageRecord("spec", now, datetime.now(UTC), "succeeded")],
            spec={},
            files={},
            archive=tiny_zip(),
            manifest={"generator": "controlled"},
            generator="controlled/1",
            usage={"input_tokens": 0, "output_tokens": 0},
        )


async def start_worker(
    ctx: Any, *, grace: float = 5.0, concurrency: int = 2
) -> tuple[Worker, asyncio.Event, Any]:
    worker = Worker(ctx, concurrency=concurrency, poll_seconds=0.1, grace_seconds=grace)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    return worker, stop, task


async def test_offline_build_runs_to_success_once(
    client, make_user, make_build, make_job_context, sessionmaker
) -> None:
    user = make_user()
    build = await make_build(user, features=["notes", "ratings"])
    await isolate(sessionmaker, {build["id"]})
    # Prime the cache with the queued state: the worker must invalidate it.
    primed = await client.get(f"/v1/builds/{build['id']}", headers=user.headers)
    assert primed.json()["status"] == "queued"

    _, stop, task = await start_worker(make_job_context())
    try:
        await wait_for_status(sessionmaker, build["id"], {"succeeded", "failed"})
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)

    fresh = (await client.get(f"/v1/builds/{build['id']}", headers=user.headers)).json()
    assert fresh["status"] == "succeeded", fresh["error"]
    assert fresh["generator"].startswith("offline")
    assert fresh["provider"] == "offline"
    assert fresh["usage"] == {"input_tokens": 0, "output_tokens": 0}
    names = [s["name"] for s in fresh["stages"]]
    assert names[:3] == ["spec", "generate", "validate"]
    assert "package" in names
    for stage in fresh["stages"]:
        assert stage["outcome"] in ("succeeded", "skipped")
        assert stage["started_at"] is not None

    events = await events_of(sessionmaker, build["id"])
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].status == "queued"
    assert events[1].kind == "status"
    assert events[1].status == "running"
    # the worker's host name and pid are not the user's business
    assert events[1].message == "Attempt 1 started."
    terminal = [e for e in events if e.kind == "status" and e.status == "succeeded"]
    assert terminal == [events[-1]]
    assert {"spec", "generate", "validate", "package"} <= {e.stage for e in events}
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).where(Artifact.build_id == uuid.UUID(build["id"]))
        )
    assert count == 1


async def test_cancel_while_running_stops_the_pipeline(
    client, make_user, make_build, make_job_context, sessionmaker
) -> None:
    pipeline = ControlledPipeline()
    ctx = make_job_context(run_pipeline=pipeline, heartbeat_seconds=0.1)
    user = make_user()
    build = await make_build(user)
    await isolate(sessionmaker, {build["id"]})
    _, stop, task = await start_worker(ctx)
    try:
        await asyncio.wait_for(pipeline.started.wait(), 20)
        running = await client.post(f"/v1/builds/{build['id']}/cancel", headers=user.headers)
        assert running.json()["cancel_requested"] is True
        final = await wait_for_status(sessionmaker, build["id"], {"cancelled"}, within=20)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    assert pipeline.cancelled
    assert final.error == "Cancelled while running."
    fresh = await client.get(f"/v1/builds/{build['id']}", headers=user.headers)
    assert fresh.json()["status"] == "cancelled"
    events = await events_of(sessionmaker, build["id"])
    assert events[-1].status == "cancelled"
    assert sum(1 for e in events if e.kind == "status" and e.status == "cancelled") == 1


async def test_a_build_past_its_deadline_is_stopped_and_failed(
    client, make_user, make_build, make_job_context, sessionmaker
) -> None:
    pipeline = ControlledPipeline()  # waits until cancelled: a model server that never ends
    ctx = make_job_context(run_pipeline=pipeline, build_deadline_seconds=1.0)
    user = make_user()
    build = await make_build(user)
    await isolate(sessionmaker, {build["id"]})
    _, stop, task = await start_worker(ctx)
    try:
        final = await wait_for_status(sessionmaker, build["id"], {"failed"}, within=20)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    assert pipeline.cancelled
    assert final.error == "The build took longer than 1 s and was stopped."
    events = await events_of(sessionmaker, build["id"])
    assert sum(1 for e in events if e.kind == "status" and e.status == "failed") == 1


async def test_shutdown_hands_a_running_build_back(
    make_user, make_build, make_job_context, sessionmaker
) -> None:
    pipeline = ControlledPipeline()
    user = make_user()
    build = await make_build(user)
    await isolate(sessionmaker, {build["id"]})
    _, stop, task = await start_worker(make_job_context(run_pipeline=pipeline), grace=0.2)
    await asyncio.wait_for(pipeline.started.wait(), 20)
    stop.set()  # what SIGTERM does
    await asyncio.wait_for(task, 30)
    assert pipeline.cancelled
    async with sessionmaker() as session:
        row = await session.get(Build, uuid.UUID(build["id"]))
    assert row is not None
    assert (row.status, row.lease_owner, row.lease_expires_at, row.attempt) == (
        "queued",
        None,
        None,
        1,
    )
    events = await events_of(sessionmaker, build["id"])
    assert "handed back" in (events[-1].message or "")

    # Another worker then finishes it; the fencing token moved on.
    second = ControlledPipeline()
    second.release.set()
    _, stop2, task2 = await start_worker(make_job_context(run_pipeline=second))
    try:
        done = await wait_for_status(sessionmaker, build["id"], {"succeeded"}, within=20)
    finally:
        stop2.set()
        await asyncio.wait_for(task2, 30)
    assert done.attempt == 2


async def test_shutdown_lets_a_build_finish_within_the_grace_period(
    make_user, make_build, make_job_context, sessionmaker
) -> None:
    pipeline = ControlledPipeline()
    user = make_user()
    build = await make_build(user)
    await isolate(sessionmaker, {build["id"]})
    _, stop, task = await start_worker(make_job_context(run_pipeline=pipeline), grace=10)
    await asyncio.wait_for(pipeline.started.wait(), 20)
    stop.set()
    await asyncio.sleep(0.3)
    pipeline.release.set()
    await asyncio.wait_for(task, 30)
    async with sessionmaker() as session:
        row = await session.get(Build, uuid.UUID(build["id"]))
    assert row is not None
    assert row.status == "succeeded"
    assert not pipeline.cancelled


async def test_a_worker_that_lost_its_lease_writes_nothing(
    make_user, make_build, make_job_context, sessionmaker
) -> None:
    slow = ControlledPipeline()
    user = make_user()
    build = await make_build(user)
    await isolate(sessionmaker, {build["id"]})
    # A lease shorter than the heartbeat: it expires while the first worker runs.
    ctx = make_job_context(run_pipeline=slow, lease_seconds=0.3, heartbeat_seconds=60)
    _, stop, task = await start_worker(ctx, concurrency=1)
    await asyncio.wait_for(slow.started.wait(), 20)
    await asyncio.sleep(0.5)

    fast = ControlledPipeline()
    fast.release.set()
    _, stop2, task2 = await start_worker(make_job_context(run_pipeline=fast))
    try:
        done = await wait_for_status(sessionmaker, build["id"], {"succeeded"}, within=20)
        assert done.attempt == 2
        slow.release.set()  # the stale attempt now tries to finish too
        await asyncio.sleep(0.5)
    finally:
        stop.set()
        stop2.set()
        await asyncio.wait_for(asyncio.gather(task, task2), 30)
    events = await events_of(sessionmaker, build["id"])
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert sum(1 for e in events if e.kind == "status" and e.status == "succeeded") == 1
    # The stale attempt's closing stage event was fenced out too.
    assert all(e.attempt in (0, 1, 2) for e in events)
    assert not any(e.attempt == 1 and e.status == "succeeded" for e in events)
    async with sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).where(Artifact.build_id == uuid.UUID(build["id"]))
        )
    assert count == 1
