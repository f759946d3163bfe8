"""Persistence of versions: a project's builds by number, its current one, artifact copies.

Repositories only flush; the use case commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from launchforge_core.models import Artifact, Build, Project, utcnow


@dataclass(frozen=True)
class VersionRow:
    """A build as a version: the row, its parent's number, and its artifact's facts."""

    build: Build
    parent_version: int | None
    has_artifact: bool
    spec_summary: dict[str, Any] | None


def _version_query(owner_id: uuid.UUID, project_id: uuid.UUID) -> Select[Any]:
    parent = aliased(Build)
    return (
        select(
            Build,
            parent.version,
            Artifact.build_id.is_not(None),
            # Only this small member of the stored manifest is read, never the archive.
            Artifact.manifest["spec_summary"],
        )
        .outerjoin(parent, parent.id == Build.parent_id)
        .outerjoin(Artifact, Artifact.build_id == Build.id)
        .where(Build.project_id == project_id, Build.owner_id == owner_id)
    )


def _row(row: Any) -> VersionRow:
    build, parent_version, has_artifact, summary = row
    return VersionRow(build, parent_version, bool(has_artifact), summary)


async def list_versions(
    session: AsyncSession,
    *,
    owner_id: uuid.UUID,
    project_id: uuid.UUID,
    limit: int,
    below: int | None = None,
) -> list[VersionRow]:
    """Newest version first; keyset on the version number (unique per project)."""
    stmt = _version_query(owner_id, project_id)
    if below is not None:
        stmt = stmt.where(Build.version < below)
    stmt = stmt.order_by(Build.version.desc()).limit(limit)
    return [_row(r) for r in (await session.execute(stmt)).all()]


async def get_version(
    session: AsyncSession, *, owner_id: uuid.UUID, project_id: uuid.UUID, version: int
) -> VersionRow | None:
    stmt = _version_query(owner_id, project_id).where(Build.version == version)
    row = (await session.execute(stmt)).one_or_none()
    return None if row is None else _row(row)


async def versions_of(
    session: AsyncSession, build_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """The version number of each build id (to show a project's current version)."""
    ids = list(build_ids)
    if not ids:
        return {}
    stmt = select(Build.id, Build.version).where(Build.id.in_(ids))
    return {bid: version for bid, version in (await session.execute(stmt)).all()}


async def promote_if_newer(
    session: AsyncSession, *, project_id: uuid.UUID, build_id: uuid.UUID, version: int
) -> bool:
    """Make a succeeded build current unless a higher version already is.

    One conditional UPDATE, so two builds succeeding at once end with the
    higher number current whatever order they commit in.
    """
    current = aliased(Build)
    newer_exists = (
        select(literal(1))
        .where(current.id == Project.current_build_id, current.version >= version)
        .exists()
    )
    stmt = (
        update(Project)
        .where(
            Project.id == project_id,
            or_(Project.current_build_id.is_(None), ~newer_exists),
        )
        .values(current_build_id=build_id, updated_at=utcnow())
        .returning(Project.id)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).scalar_one_or_none() is not None


async def set_current(session: AsyncSession, *, project_id: uuid.UUID, build_id: uuid.UUID) -> None:
    stmt = (
        update(Project)
        .where(Project.id == project_id)
        .values(current_build_id=build_id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await session.execute(stmt)
