"""Persistence of builds as user-facing records. Repositories only flush."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.models import Build, utcnow


async def add(session: AsyncSession, **values: Any) -> Build:
    build = Build(**values)
    session.add(build)
    await session.flush()
    return build


async def get_owned(
    session: AsyncSession, *, owner_id: uuid.UUID, build_id: uuid.UUID
) -> Build | None:
    """The build if it exists *and* belongs to ``owner_id``, else None."""
    stmt = select(Build).where(Build.id == build_id, Build.owner_id == owner_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def status_of(session: AsyncSession, build_id: uuid.UUID) -> str | None:
    """The build's status, or None when it is gone (deleted with its project)."""
    return await session.scalar(select(Build.status).where(Build.id == build_id))


async def list_for_project(
    session: AsyncSession,
    *,
    owner_id: uuid.UUID,
    project_id: uuid.UUID,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None = None,
) -> list[Build]:
    """Newest first, keyset on (created_at, id) like projects."""
    stmt = select(Build).where(Build.project_id == project_id, Build.owner_id == owner_id)
    if after is not None:
        stmt = stmt.where(tuple_(Build.created_at, Build.id) < tuple_(*after))
    stmt = stmt.order_by(Build.created_at.desc(), Build.id.desc()).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def cancel_if_queued(
    session: AsyncSession, *, owner_id: uuid.UUID, build_id: uuid.UUID
) -> int | None:
    """Cancel a build no worker holds; returns the terminal event's seq, or None.

    One conditional UPDATE, so a worker claiming the row at the same moment
    either wins (the row is then running) or finds it cancelled.
    """
    now = utcnow()
    stmt = (
        update(Build)
        .where(Build.id == build_id, Build.owner_id == owner_id, Build.status == "queued")
        .values(
            status="cancelled",
            error="Cancelled before it started.",
            finished_at=now,
            updated_at=now,
            event_seq=Build.event_seq + 1,
        )
        .returning(Build.event_seq)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def request_cancel_if_running(
    session: AsyncSession, *, owner_id: uuid.UUID, build_id: uuid.UUID
) -> bool:
    """Flag a running build; its worker sees the flag at its next heartbeat."""
    stmt = (
        update(Build)
        .where(Build.id == build_id, Build.owner_id == owner_id, Build.status == "running")
        .values(cancel_requested=True, updated_at=utcnow())
        .returning(Build.id)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None
