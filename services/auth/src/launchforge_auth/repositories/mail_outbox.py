"""Persistence of the mail outbox (queued, retried, and in development read back)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_auth.models import MailOutbox


async def add(
    session: AsyncSession,
    *,
    mail_id: uuid.UUID,
    recipient: str,
    subject: str,
    kind: str,
    body_encrypted: bytes,
) -> None:
    session.add(
        MailOutbox(
            id=mail_id,
            recipient=recipient,
            subject=subject,
            kind=kind,
            body_encrypted=body_encrypted,
        )
    )
    await session.flush()


async def claim_due(
    session: AsyncSession, *, limit: int, max_attempts: int, lease_seconds: float
) -> list[MailOutbox]:
    """Lease due, unsent mail: rows another replica is claiming are skipped
    (SKIP LOCKED), and leased rows are not due again until the lease ends."""
    stmt = (
        select(MailOutbox)
        .where(
            MailOutbox.sent_at.is_(None),
            MailOutbox.attempts < max_attempts,
            MailOutbox.next_attempt_at <= func.now(),
        )
        .order_by(MailOutbox.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = list((await session.scalars(stmt)).all())
    if rows:
        await session.execute(
            update(MailOutbox)
            .where(MailOutbox.id.in_([row.id for row in rows]))
            .values(next_attempt_at=func.now() + timedelta(seconds=lease_seconds))
            .execution_options(synchronize_session=False)
        )
    return rows


async def mark_sent(session: AsyncSession, *, mail_id: uuid.UUID) -> None:
    await session.execute(
        update(MailOutbox)
        .where(MailOutbox.id == mail_id)
        .values(sent_at=func.now(), attempts=MailOutbox.attempts + 1, last_error=None)
        .execution_options(synchronize_session=False)
    )


async def mark_failed(
    session: AsyncSession, *, mail_id: uuid.UUID, error: str, next_attempt_at: datetime
) -> None:
    await session.execute(
        update(MailOutbox)
        .where(MailOutbox.id == mail_id)
        .values(attempts=MailOutbox.attempts + 1, last_error=error, next_attempt_at=next_attempt_at)
        .execution_options(synchronize_session=False)
    )


async def list_for(session: AsyncSession, *, recipient: str, limit: int = 50) -> list[MailOutbox]:
    stmt = (
        select(MailOutbox)
        .where(MailOutbox.recipient == recipient)
        .order_by(MailOutbox.created_at.desc())
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())
