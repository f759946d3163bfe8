"""Build events: a per-build, gap-free sequence (the SSE ids).

A seq is handed out by bumping ``builds.event_seq`` in an UPDATE, which holds
the build row's lock until commit: two writers of one build's events are
serialised, so seqs commit in increasing order and a reader that has seen
seq N has seen every seq below it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.models import Build, BuildEvent

TERMINAL_STATUSES = frozenset({"succeeded", "failed", "cancelled"})


async def next_seq(
    session: AsyncSession, build_id: uuid.UUID, *, attempt: int | None = None
) -> int | None:
    """Reserve the next seq; with ``attempt``, only while that attempt holds the lease.

    None means the build is gone or (fenced) another attempt owns it now.
    """
    stmt = update(Build).where(Build.id == build_id)
    if attempt is not None:
        stmt = stmt.where(Build.attempt == attempt, Build.status == "running")
    stmt = (
        stmt.values(event_seq=Build.event_seq + 1)
        .returning(Build.event_seq)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def insert(
    session: AsyncSession,
    *,
    build_id: uuid.UUID,
    seq: int,
    kind: str,
    attempt: int,
    stage: str | None = None,
    status: str | None = None,
    message: str | None = None,
    data: dict[str, Any] | None = None,
) -> BuildEvent:
    event = BuildEvent(
        build_id=build_id,
        seq=seq,
        kind=kind,
        stage=stage,
        status=status,
        message=message,
        data=data,
        attempt=attempt,
    )
    session.add(event)
    await session.flush()
    return event


async def list_after(
    session: AsyncSession, build_id: uuid.UUID, after: int, *, limit: int = 500
) -> list[BuildEvent]:
    stmt = (
        select(BuildEvent)
        .where(BuildEvent.build_id == build_id, BuildEvent.seq > after)
        .order_by(BuildEvent.seq)
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


def to_payload(event: BuildEvent) -> dict[str, Any]:
    """The JSON an SSE client (and the Redis channel) sees for one event."""
    return {
        "id": event.seq,
        "build_id": str(event.build_id),
        "kind": event.kind,
        "stage": event.stage,
        "status": event.status,
        "message": event.message,
        "data": event.data or {},
        "attempt": event.attempt,
        "created_at": event.created_at.isoformat(),
    }


def is_terminal(payload: dict[str, Any]) -> bool:
    return payload.get("kind") == "status" and payload.get("status") in TERMINAL_STATUSES
