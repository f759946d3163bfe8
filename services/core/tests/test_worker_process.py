"""Real ``launchforge-core worker`` processes: SIGKILL mid-build, SIGTERM hand-back.

The build is the real offline pipeline; "mid-build" is the moment its
validate stage has started (it then runs the generated app's tests for
seconds), read from the persisted events.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from launchforge_core.models import Artifact, Build, BuildEvent
from sqlalchemy import func, select, update

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def start_worker(database_url: str, log: Path, **extra: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CORE_ENVIRONMENT": "test",
        "CORE_DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "CORE_WORKER_CONCURRENCY": "1",
        "CORE_WORKER_LEASE_SECONDS": "3",
        "CORE_WORKER_HEARTBEAT_SECONDS": "1",
        "CORE_WORKER_POLL_SECONDS": "0.2",
        **extra,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "launchforge_core", "worker"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def read_log(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


async def isolate(sessionmaker, keep: str) -> None:
    async with sessionmaker() as session:
        await session.execute(
            update(Build)
            .where(Build.status.in_(["queued", "running"]), Build.id != uuid.UUID(keep))
            .values(status="cancelled", lease_expires_at=None)
        )
        await session.commit()


async def wait_until(check, what: str, within: float = 120.0, log: Path | None = None):
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = await check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            tail = read_log(log)[-3000:] if log else ""
            raise AssertionError(f"timed out waiting for {what}\n{tail}")
        await asyncio.sleep(0.2)


async def validate_started(sessionmaker, build_id: uuid.UUID, attempt: int) -> bool:
    async with sessionmaker() as session:
        found = await session.scalar(
            select(func.count()).where(
                BuildEvent.build_id == build_id,
                BuildEvent.attempt == attempt,
                BuildEvent.stage == "validate",
                BuildEvent.status == "started",
            )
        )
    return bool(found)


async def build_row(sessionmaker, build_id: uuid.UUID) -> Build:
    async with sessionmaker() as session:
        row = await session.get(Build, build_id)
    assert row is not None
    return row


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, within: float = 60) -> int:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return proc.wait(timeout=within)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise


async def test_sigkill_mid_build_then_another_worker_finishes_exactly_once(
    database_url, make_user, make_build, sessionmaker, tmp_path
) -> None:
    user = make_user()
    build = await make_build(user)
    build_id = uuid.UUID(build["id"])
    await isolate(sessionmaker, build["id"])
    log = tmp_path / "workers.log"

    first = start_worker(database_url, log)
    try:
        await wait_until(
            lambda: validate_started(sessionmaker, build_id, 1), "validate on worker 1", log=log
        )
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=10) == -signal.SIGKILL
    finally:
        if first.poll() is None:
            first.kill()
    row = await build_row(sessionmaker, build_id)
    assert (row.status, row.attempt) == ("running", 1)  # the dead worker's lease is still there

    second = start_worker(database_url, log)
    try:

        async def finished() -> Build | None:
            current = await build_row(sessionmaker, build_id)
            return current if current.status in ("succeeded", "failed") else None

        done = await wait_until(finished, "the build to finish on worker 2", log=log)
        assert done.status == "succeeded", done.error
        assert done.attempt == 2
        assert stop(second) == 0
    finally:
        if second.poll() is None:
            second.kill()

    async with sessionmaker() as session:
        artifacts = await session.scalar(select(func.count()).where(Artifact.build_id == build_id))
        events = list(
            (
                await session.execute(
                    select(BuildEvent)
                    .where(BuildEvent.build_id == build_id)
                    .order_by(BuildEvent.seq)
                )
            ).scalars()
        )
    assert artifacts == 1
    terminal = [e for e in events if e.kind == "status" and e.status in ("succeeded", "failed")]
    assert len(terminal) == 1
    assert terminal[0].attempt == 2
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert {e.attempt for e in events} == {0, 1, 2}


async def test_sigterm_hands_the_running_build_back(
    database_url, make_user, make_build, sessionmaker, tmp_path
) -> None:
    user = make_user()
    build = await make_build(user)
    build_id = uuid.UUID(build["id"])
    await isolate(sessionmaker, build["id"])
    log = tmp_path / "worker.log"
    worker = start_worker(database_url, log, CORE_WORKER_GRACE_SECONDS="0")
    try:
        await wait_until(
            lambda: validate_started(sessionmaker, build_id, 1), "validate started", log=log
        )
        assert stop(worker, signal.SIGTERM, within=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    row = await build_row(sessionmaker, build_id)
    assert (row.status, row.lease_owner, row.lease_expires_at, row.attempt) == (
        "queued",
        None,
        None,
        1,
    )
    async with sessionmaker() as session:
        last = await session.scalar(
            select(BuildEvent.message)
            .where(BuildEvent.build_id == build_id)
            .order_by(BuildEvent.seq.desc())
            .limit(1)
        )
    assert "handed back" in (last or "")
    assert "build handed back" in read_log(log)


def test_a_production_worker_without_a_sandbox_refuses_to_start(tmp_path: Path) -> None:
    """Rather than run a user's model's code unisolated, the worker does not start."""
    import base64

    log = tmp_path / "worker.log"
    key = base64.b64encode(os.urandom(32)).decode()
    worker = start_worker(
        "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres",
        log,
        CORE_ENVIRONMENT="production",
        CORE_KEY_ENCRYPTION_KEYS=f"prod:{key}",
        CORE_INTERNAL_TOKEN="internal-token-for-this-test",
        CORE_SANDBOX_BWRAP="no-such-bubblewrap",
    )
    try:
        code = worker.wait(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert code == 2
    text = read_log(log)
    assert "worker refused to start" in text
    assert "cannot be isolated" in text
    assert key not in text
