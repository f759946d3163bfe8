"""The previews table: create, find, claim (``FOR UPDATE SKIP LOCKED``), lease, finish.

Same shape as the build queue (``queue.py``): a worker claims a queued row
only while it is under its own cap, holds a lease renewed by its loop, and
every later write is fenced by its worker id and a live status, so a preview
whose worker died (lease expired) is failed once, by whoever sees it first.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.models import Build, Preview

LIVE = ("queued", "starting", "running")
NO_CAPACITY = (
    "No worker could take this preview: every worker is running its maximum of previews; "
    "stop one or try again later."
)


async def lock_owner(session: AsyncSession, owner_id: uuid.UUID) -> None:
    """Serialise one owner's preview starts (the per-user limit is a count, then an insert)."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"preview-owner:{owner_id}"},
    )


async def live_for_build(session: AsyncSession, build_id: uuid.UUID) -> Preview | None:
    stmt = (
        select(Preview)
        .where(Preview.build_id == build_id, Preview.status.in_(LIVE))
        .order_by(Preview.created_at.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def latest_for_build(session: AsyncSession, build_id: uuid.UUID) -> Preview | None:
    stmt = (
        select(Preview)
        .where(Preview.build_id == build_id)
        .order_by(Preview.created_at.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def count_live_for_owner(session: AsyncSession, owner_id: uuid.UUID) -> int:
    stmt = select(func.count()).where(Preview.owner_id == owner_id, Preview.status.in_(LIVE))
    return int((await session.execute(stmt)).scalar_one())


async def add(session: AsyncSession, *, build_id: uuid.UUID, owner_id: uuid.UUID) -> Preview:
    preview = Preview(build_id=build_id, owner_id=owner_id, status="queued")
    session.add(preview)
    await session.flush()
    await session.refresh(preview)
    return preview


async def request_stop(session: AsyncSession, preview_id: uuid.UUID, *, reason: str) -> None:
    """Mark a live preview stopped; its worker sees it on its next loop and ends the app."""
    await session.execute(
        update(Preview)
        .where(Preview.id == preview_id, Preview.status.in_(LIVE))
        .values(status="stopped", stop_reason=reason, stopped_at=func.now())
    )


async def fail_lost(session: AsyncSession) -> int:
    """Previews whose worker stopped renewing: failed (their app died with the worker)."""
    result = await session.execute(
        update(Preview)
        .where(
            Preview.status.in_(("starting", "running")),
            Preview.lease_expires_at < func.now(),
        )
        .values(
            status="failed",
            stop_reason="worker_lost",
            error="The worker running this preview stopped.",
            stopped_at=func.now(),
        )
        .returning(Preview.id)
    )
    return len(result.all())


async def fail_unclaimed(
    session: AsyncSession,
    *,
    queue_seconds: float,
    owner_id: uuid.UUID | None = None,
    preview_id: uuid.UUID | None = None,
) -> int:
    """Previews queued longer than ``queue_seconds``: failed as ``no_capacity``.

    Without it a preview no worker has room for waits forever and holds its
    owner's slot. A worker's claim and this update exclude each other (the
    claim skips locked rows, this re-checks ``status`` after a claim commits).
    """
    stmt = update(Preview).where(
        Preview.status == "queued",
        Preview.created_at < func.now() - timedelta(seconds=queue_seconds),
    )
    if owner_id is not None:
        stmt = stmt.where(Preview.owner_id == owner_id)
    if preview_id is not None:
        stmt = stmt.where(Preview.id == preview_id)
    result = await session.execute(
        stmt.values(
            status="failed",
            stop_reason="no_capacity",
            error=NO_CAPACITY,
            stopped_at=func.now(),
        )
        .returning(Preview.id)
        .execution_options(synchronize_session=False)
    )
    return len(result.all())


async def claim(
    session: AsyncSession, *, worker_id: str, internal_url: str, lease_seconds: float
) -> tuple[Preview, Build] | None:
    """Take the oldest queued preview (and its build), or None. The caller commits."""
    candidate = (
        select(Preview.id)
        .where(Preview.status == "queued")
        .order_by(Preview.created_at)
        .limit(1)
        .with_for_update(skip_locked=True)
        .cte("candidate")
    )
    stmt = (
        update(Preview)
        .where(Preview.id == candidate.c.id)
        .values(
            status="starting",
            worker_id=worker_id,
            internal_url=internal_url,
            lease_expires_at=func.now() + timedelta(seconds=lease_seconds),
        )
        .returning(Preview)
        .execution_options(synchronize_session=False)
    )
    preview = (await session.execute(stmt)).scalar_one_or_none()
    if preview is None:
        return None
    build = await session.get(Build, preview.build_id)
    if build is None:  # deleted between the insert and the claim: the row went with it
        return None
    return preview, build


async def renew(
    session: AsyncSession,
    worker_id: str,
    ids: Sequence[uuid.UUID],
    *,
    lease_seconds: float,
) -> set[uuid.UUID]:
    """Extend the leases of this worker's live previews; returns the ids still live."""
    if not ids:
        return set()
    result = await session.execute(
        update(Preview)
        .where(
            Preview.id.in_(list(ids)),
            Preview.worker_id == worker_id,
            Preview.status.in_(("starting", "running")),
        )
        .values(lease_expires_at=func.now() + timedelta(seconds=lease_seconds))
        .returning(Preview.id)
        .execution_options(synchronize_session=False)
    )
    return {row[0] for row in result.all()}


async def update_live(
    session: AsyncSession, preview_id: uuid.UUID, worker_id: str, **values: Any
) -> bool:
    """A fenced write by the worker running the preview; False when it is not live any more."""
    result = await session.execute(
        update(Preview)
        .where(
            Preview.id == preview_id,
            Preview.worker_id == worker_id,
            Preview.status.in_(("starting", "running")),
        )
        .values(**values)
        .returning(Preview.id)
        .execution_options(synchronize_session=False)
    )
    return result.scalar_one_or_none() is not None


async def finish(
    session: AsyncSession,
    preview_id: uuid.UUID,
    worker_id: str,
    *,
    status: str,
    stop_reason: str,
    error: str | None,
    log_tail: str,
) -> None:
    """The worker's last write: the end state (unless the owner stopped it first) and the logs."""
    await session.execute(
        update(Preview)
        .where(
            Preview.id == preview_id,
            Preview.worker_id == worker_id,
            Preview.status.in_(("starting", "running")),
        )
        .values(
            status=status,
            stop_reason=stop_reason,
            error=error,
            stopped_at=func.now(),
            lease_expires_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    # The logs are kept whoever ended it (a user stop included).
    await session.execute(
        update(Preview)
        .where(Preview.id == preview_id, Preview.worker_id == worker_id)
        .values(log_tail=log_tail)
        .execution_options(synchronize_session=False)
    )
