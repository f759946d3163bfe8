"""Persistence of single-use email tokens (verification, password reset)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_auth.models import OneTimeToken


async def add(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    purpose: str,
    token_hash: bytes,
    expires_at: datetime,
) -> None:
    session.add(
        OneTimeToken(user_id=user_id, purpose=purpose, token_hash=token_hash, expires_at=expires_at)
    )
    await session.flush()


async def consume(session: AsyncSession, *, purpose: str, token_hash: bytes) -> uuid.UUID | None:
    """Use a live token once (one atomic UPDATE); the user id, or None."""
    stmt = (
        update(OneTimeToken)
        .where(
            OneTimeToken.token_hash == token_hash,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > func.now(),
        )
        .values(used_at=func.now())
        .returning(OneTimeToken.user_id)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def invalidate_all(session: AsyncSession, *, user_id: uuid.UUID, purpose: str) -> None:
    """Spend every outstanding token of this kind (a newer one, or the job is done)."""
    await session.execute(
        update(OneTimeToken)
        .where(
            OneTimeToken.user_id == user_id,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
        )
        .values(used_at=func.now())
        .execution_options(synchronize_session=False)
    )
