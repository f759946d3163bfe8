"""Persistence of token-signing keys."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_auth.models import SigningKey

# pg_advisory_xact_lock key for "create the first signing key" (any fixed int64).
KEY_CREATION_LOCK = 0x4C46_4155_5448_4B31  # "LFAUTHK1"


async def lock_key_creation(session: AsyncSession) -> None:
    """Serialise key creation across replicas until the transaction ends."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": KEY_CREATION_LOCK})


async def list_published(session: AsyncSession) -> list[SigningKey]:
    """Keys whose tokens are still accepted (``not_after`` unset or in the future), newest first."""
    stmt = (
        select(SigningKey)
        .where(or_(SigningKey.not_after.is_(None), SigningKey.not_after > func.now()))
        .order_by(SigningKey.created_at.desc(), SigningKey.kid)
    )
    return list((await session.scalars(stmt)).all())


async def add(
    session: AsyncSession,
    *,
    kid: str,
    algorithm: str,
    public_jwk: dict[str, Any],
    private_key_encrypted: bytes,
) -> SigningKey:
    key = SigningKey(
        kid=kid,
        algorithm=algorithm,
        public_jwk=public_jwk,
        private_key_encrypted=private_key_encrypted,
    )
    session.add(key)
    await session.flush()
    await session.refresh(key)
    return key


async def set_private_key_encrypted(session: AsyncSession, *, kid: str, value: bytes) -> None:
    await session.execute(
        update(SigningKey).where(SigningKey.kid == kid).values(private_key_encrypted=value)
    )


async def retire_active(session: AsyncSession, *, grace_seconds: int) -> int:
    """Retire every unretired key; each stays published for ``grace_seconds`` more."""
    result = await session.execute(
        update(SigningKey)
        .where(SigningKey.retired_at.is_(None))
        .values(retired_at=func.now(), not_after=func.now() + timedelta(seconds=grace_seconds))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
