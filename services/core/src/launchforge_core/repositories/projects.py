"""Persistence of projects. Repositories only flush; the request commits."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.models import Build, Project


async def add(
    session: AsyncSession, *, owner_id: uuid.UUID, name: str, description: str | None
) -> Project:
    project = Project(owner_id=owner_id, name=name, description=description)
    session.add(project)
    await session.flush()
    return project


async def get_owned(
    session: AsyncSession, *, owner_id: uuid.UUID, project_id: uuid.UUID
) -> Project | None:
    """The project if it exists *and* belongs to ``owner_id``, else None."""
    stmt = select(Project).where(Project.id == project_id, Project.owner_id == owner_id)
    result = await session.execute(stmt)
    return result.scalar_one_or_none()


async def list_owned(
    session: AsyncSession,
    *,
    owner_id: uuid.UUID,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None = None,
) -> list[Project]:
    """Up to ``limit`` projects, newest first, strictly after the ``after`` position.

    Keyset pagination over (created_at, id) descending: the row comparison
    matches the ``ix_projects_owner_id_created_at_id`` index, and ties in
    created_at are broken by id so no row is skipped or repeated.
    """
    stmt = select(Project).where(Project.owner_id == owner_id)
    if after is not None:
        stmt = stmt.where(tuple_(Project.created_at, Project.id) < tuple_(*after))
    stmt = stmt.order_by(Project.created_at.desc(), Project.id.desc()).limit(limit)
    result = await session.execute(stmt)
    return list(result.scalars())


async def delete_owned(
    session: AsyncSession, *, owner_id: uuid.UUID, project_id: uuid.UUID
) -> bool:
    """Delete the owner's project; False when there was none to delete."""
    stmt = (
        delete(Project)
        .where(Project.id == project_id, Project.owner_id == owner_id)
        .returning(Project.id)
    )
    result = await session.execute(stmt)
    await session.flush()
    return result.scalar_one_or_none() is not None


async def build_ids(session: AsyncSession, *, project_id: uuid.UUID) -> list[uuid.UUID]:
    """Ids of a project's builds (to drop their cached reads when it is deleted)."""
    stmt = select(Build.id).where(Build.project_id == project_id)
    return list((await session.execute(stmt)).scalars())


async def next_version(
    session: AsyncSession, *, owner_id: uuid.UUID, project_id: uuid.UUID
) -> int | None:
    """Hand out the owner's project's next version number; None when it is not theirs.

    One UPDATE bumps ``version_seq`` and locks the row until the transaction
    ends, so two builds started at once get two different numbers.
    """
    stmt = (
        update(Project)
        .where(Project.id == project_id, Project.owner_id == owner_id)
        .values(version_seq=Project.version_seq + 1)
        .returning(Project.version_seq)
    )
    return (await session.execute(stmt)).scalar_one_or_none()
