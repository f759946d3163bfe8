"""The lookups a change needs: a project's builds by status (repositories only read here)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.models import Build


async def newest_succeeded(
    session: AsyncSession, *, owner_id: uuid.UUID, project_id: uuid.UUID
) -> Build | None:
    """The project's newest succeeded build (highest version), or None."""
    stmt = (
        select(Build)
        .where(
            Build.project_id == project_id,
            Build.owner_id == owner_id,
            Build.status == "succeeded",
        )
        .order_by(Build.version.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()
