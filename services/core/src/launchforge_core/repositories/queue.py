"""The build queue: claim with ``FOR UPDATE SKIP LOCKED``, leases, fencing.

Why hand-rolled rather than procrastinate (or another Postgres queue
library): the job *is* the build row. A build's lease, its terminal
transition, its terminal event and its artifact must change in one
transaction, fenced by the attempt that holds the lease; a library keeps its
own job table whose state would have to be kept in step with ours across two
transactions. procrastinate also needs psycopg 3, a second driver and pool
beside asyncpg, and owns its schema through its own migrations, while here
Alembic owns the schema. What we need is small: one claim query, one renew,
one release, one fenced finish.

Protocol:

- **claim**: the oldest build that is ``queued``, or ``running`` with an
  expired lease (its worker died), is locked with ``SKIP LOCKED`` (so two
  workers never take the same row) and moved to ``running`` with
  ``attempt = attempt + 1`` and a fresh lease.
- **attempt** is the fencing token: every later write by a worker (renew,
  events, finish, release) is an UPDATE ``WHERE attempt = <its attempt> AND
  status = 'running'``. Once another worker re-claimed the build, the old
  worker's writes match no row and are dropped, so a build finishes once.
- **renew** (the heartbeat) extends the lease and reports whether the owner
  asked to cancel.
- **release** hands the build back (``queued``) on a graceful shutdown.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Update, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.models import Build


@dataclass(frozen=True)
class Lease:
    """What a worker holds while it runs one build."""

    build_id: uuid.UUID
    attempt: int
    worker_id: str


async def claim(session: AsyncSession, *, worker_id: str, lease_seconds: float) -> Build | None:
    """Take the next runnable build, or None. The caller commits right away."""
    candidate = (
        select(Build.id)
        .where(
            or_(
                Build.status == "queued",
                and_(Build.status == "running", Build.lease_expires_at < func.now()),
            )
        )
        .order_by(Build.created_at)
        .limit(1)
        .with_for_update(skip_locked=True)
        .cte("candidate")
    )
    stmt = (
        update(Build)
        .where(Build.id == candidate.c.id)
        .values(
            status="running",
            attempt=Build.attempt + 1,
            lease_owner=worker_id,
            lease_expires_at=func.now() + timedelta(seconds=lease_seconds),
            started_at=func.coalesce(Build.started_at, func.now()),
            updated_at=func.now(),
        )
        .returning(Build)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


def _fenced(lease: Lease) -> Update:
    """An UPDATE of the build that matches only while this attempt still holds it running."""
    return update(Build).where(
        Build.id == lease.build_id,
        Build.attempt == lease.attempt,
        Build.status == "running",
    )


async def renew(session: AsyncSession, lease: Lease, *, lease_seconds: float) -> bool | None:
    """Extend the lease. None: the lease is lost. Otherwise: is a cancel requested?"""
    stmt = (
        _fenced(lease)
        .values(lease_expires_at=func.now() + timedelta(seconds=lease_seconds))
        .returning(Build.cancel_requested)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def release(session: AsyncSession, lease: Lease) -> bool:
    """Hand a running build back to the queue (graceful shutdown). False if not ours."""
    stmt = (
        _fenced(lease)
        .values(status="queued", lease_owner=None, lease_expires_at=None, updated_at=func.now())
        .returning(Build.id)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def finish(session: AsyncSession, lease: Lease, *, status: str, **values: Any) -> int | None:
    """The fenced terminal transition; returns the terminal event's seq, or None.

    None means this attempt no longer holds the build (re-claimed after its
    lease expired, or deleted): the caller must roll back and write nothing.
    The caller writes the artifact and the terminal event in the same
    transaction, with the returned seq.
    """
    stmt = (
        _fenced(lease)
        .values(
            status=status,
            lease_owner=None,
            lease_expires_at=None,
            finished_at=func.now(),
            updated_at=func.now(),
            event_seq=Build.event_seq + 1,
            **values,
        )
        .returning(Build.event_seq)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).scalar_one_or_none()
