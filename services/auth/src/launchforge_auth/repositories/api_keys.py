"""Persistence of API keys."""

from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_auth.models import ApiKey, User

# last_used_at is written at most this often per key, so a busy key costs
# one small UPDATE a minute, not one per request.
LAST_USED_RESOLUTION = text("interval '60 seconds'")


async def add(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    prefix: str,
    secret_hash: bytes,
    name: str,
    scopes: list[str],
) -> ApiKey:
    row = ApiKey(user_id=user_id, prefix=prefix, secret_hash=secret_hash, name=name, scopes=scopes)
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return row


async def list_live(session: AsyncSession, *, user_id: uuid.UUID) -> list[ApiKey]:
    stmt = (
        select(ApiKey)
        .where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None))
        .order_by(ApiKey.created_at.desc())
    )
    return list((await session.scalars(stmt)).all())


async def count_live(session: AsyncSession, *, user_id: uuid.UUID) -> int:
    stmt = select(func.count()).where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None))
    return int(await session.scalar(stmt) or 0)


async def revoke(session: AsyncSession, *, user_id: uuid.UUID, key_id: uuid.UUID) -> bool:
    result = await session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=func.now())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def find_live_with_user(session: AsyncSession, *, prefix: str) -> tuple[ApiKey, User] | None:
    """The unrevoked key with this prefix and its enabled owner, else None."""
    stmt = (
        select(ApiKey, User)
        .join(User, User.id == ApiKey.user_id)
        .where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None), User.disabled.is_(False))
    )
    row = (await session.execute(stmt)).one_or_none()
    return (row[0], row[1]) if row else None


async def mark_used(session: AsyncSession, *, key_id: uuid.UUID) -> None:
    await session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == key_id,
            or_(
                ApiKey.last_used_at.is_(None),
                ApiKey.last_used_at < func.now() - LAST_USED_RESOLUTION,
            ),
        )
        .values(last_used_at=func.now())
        .execution_options(synchronize_session=False)
    )
