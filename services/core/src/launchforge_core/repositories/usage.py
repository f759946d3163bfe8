"""Usage counters: builds per (user, month) and model spending per (user, month, provider).

Both are bumped by one atomic ``INSERT ... ON CONFLICT DO UPDATE`` so that
concurrent requests and builds add up without a read-modify-write race.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.models import ModelUsage, UsageCounter


async def reserve_build(
    session: AsyncSession, *, user_id: uuid.UUID, month: date, limit: int | None
) -> int | None:
    """Count one build in ``month`` unless ``limit`` is reached; the new count, else None.

    The conflict branch increments only ``WHERE used < limit``: PostgreSQL
    re-checks it on the latest row version under the row lock, so however
    many requests race, at most ``limit`` get a row back.
    """
    if limit == 0:
        return None
    stmt = insert(UsageCounter).values(user_id=user_id, month=month, used=1)
    upsert = stmt.on_conflict_do_update(
        index_elements=[UsageCounter.user_id, UsageCounter.month],
        set_={"used": UsageCounter.used + 1},
        where=None if limit is None else UsageCounter.used < limit,
    ).returning(UsageCounter.used)
    used = (await session.execute(upsert)).scalar_one_or_none()
    return None if used is None else int(used)


async def builds_used(session: AsyncSession, *, user_id: uuid.UUID, month: date) -> int:
    """Builds counted for ``user_id`` in ``month`` (0 without a row)."""
    stmt = select(UsageCounter.used).where(
        UsageCounter.user_id == user_id, UsageCounter.month == month
    )
    return (await session.execute(stmt)).scalar_one_or_none() or 0


async def model_usage(
    session: AsyncSession, *, user_id: uuid.UUID, month: date
) -> Sequence[ModelUsage]:
    """A user's model-spending rows of ``month``, one per provider, by provider name."""
    stmt = (
        select(ModelUsage)
        .where(ModelUsage.user_id == user_id, ModelUsage.month == month)
        .order_by(ModelUsage.provider)
    )
    return (await session.execute(stmt)).scalars().all()


async def add_model_usage(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    month: date,
    provider: str,
    input_tokens: int = 0,
    output_tokens: int = 0,
    cost_usd: Decimal = Decimal(0),
    calls: int = 0,
    builds_stopped: int = 0,
) -> None:
    """Add to the (user, month, provider) row in one atomic statement."""
    values = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cost_usd": cost_usd,
        "calls": calls,
        "builds_stopped": builds_stopped,
    }
    stmt = insert(ModelUsage).values(user_id=user_id, month=month, provider=provider, **values)
    table = ModelUsage.__table__.c
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[ModelUsage.user_id, ModelUsage.month, ModelUsage.provider],
            set_={name: table[name] + stmt.excluded[name] for name in values},
        )
    )
