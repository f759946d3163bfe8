"""Persistence of users' encrypted provider keys. Repositories only flush."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.models import ProviderKey


async def upsert(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    provider: str,
    ciphertext: bytes,
    last4: str,
    base_url: str | None,
    response_format: str | None = None,
) -> ProviderKey:
    stmt = insert(ProviderKey).values(
        user_id=user_id,
        provider=provider,
        ciphertext=ciphertext,
        last4=last4,
        base_url=base_url,
        response_format=response_format,
    )
    upsert_stmt = stmt.on_conflict_do_update(
        index_elements=[ProviderKey.user_id, ProviderKey.provider],
        set_={
            "ciphertext": stmt.excluded.ciphertext,
            "last4": stmt.excluded.last4,
            "base_url": stmt.excluded.base_url,
            "response_format": stmt.excluded.response_format,
            "updated_at": func.now(),
        },
    ).returning(ProviderKey)
    result = await session.execute(upsert_stmt.execution_options(populate_existing=True))
    row: ProviderKey = result.scalar_one()
    return row


async def get(session: AsyncSession, *, user_id: uuid.UUID, provider: str) -> ProviderKey | None:
    return await session.get(ProviderKey, (user_id, provider))


async def list_for(session: AsyncSession, *, user_id: uuid.UUID) -> list[ProviderKey]:
    stmt = select(ProviderKey).where(ProviderKey.user_id == user_id).order_by(ProviderKey.provider)
    return list((await session.execute(stmt)).scalars())


async def remove(session: AsyncSession, *, user_id: uuid.UUID, provider: str) -> bool:
    stmt = (
        delete(ProviderKey)
        .where(ProviderKey.user_id == user_id, ProviderKey.provider == provider)
        .returning(ProviderKey.provider)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None
