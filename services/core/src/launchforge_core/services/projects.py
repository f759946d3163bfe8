"""Project use cases: route -> here -> repository.

Reads by id go through a Redis read-through cache keyed by owner and project.
Writes commit *before* they invalidate that entry (``services/commit.py``).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from launchforge_common.cache import Cache, CachedFunction
from launchforge_common.errors import NotFoundError
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.models import Project, utcnow
from launchforge_core.repositories import projects as repo
from launchforge_core.repositories import versions as version_repo
from launchforge_core.schemas.projects import (
    ProjectCreate,
    ProjectPage,
    ProjectPublic,
    ProjectUpdate,
)
from launchforge_core.services.commit import StaleRead, commit
from launchforge_core.services.pagination import decode_cursor, encode_cursor

logger = logging.getLogger("launchforge.core.projects")

CACHE_NAMESPACE = "project"

ProjectReader = CachedFunction[[AsyncSession, uuid.UUID, uuid.UUID], ProjectPublic]


def project_not_found() -> NotFoundError:
    # One body for "does not exist" and "belongs to someone else".
    return NotFoundError("Project not found.")


def _cache_key(_session: Any, owner_id: uuid.UUID, project_id: uuid.UUID) -> str:
    # The session is an argument of the read, never part of its key.
    return f"{owner_id}:{project_id}"


async def to_public(session: AsyncSession, projects: list[Project]) -> list[ProjectPublic]:
    """Projects as the API shows them, each with its current version's number (one query)."""
    numbers = await version_repo.versions_of(
        session, (p.current_build_id for p in projects if p.current_build_id is not None)
    )
    return [
        ProjectPublic.model_validate(p).model_copy(
            update={"current_version": numbers.get(p.current_build_id)}
            if p.current_build_id is not None
            else {}
        )
        for p in projects
    ]


def build_project_reader(cache: Cache, *, ttl: float) -> ProjectReader:
    """The cached read of one project by id (created once, in the lifespan).

    Always call it positionally ``(session, owner_id, project_id)``. A missing
    project raises, so misses are never cached.
    """

    @cache.cached(CACHE_NAMESPACE, ttl=ttl, response_type=ProjectPublic, key=_cache_key)
    async def read_project(
        session: AsyncSession, owner_id: uuid.UUID, project_id: uuid.UUID
    ) -> ProjectPublic:
        project = await repo.get_owned(session, owner_id=owner_id, project_id=project_id)
        if project is None:
            raise project_not_found()
        return (await to_public(session, [project]))[0]

    return read_project


class ProjectService:
    def __init__(
        self,
        session: AsyncSession,
        reader: ProjectReader,
        build_reader: CachedFunction[..., Any] | None = None,
    ) -> None:
        self.session = session
        self.reader = reader
        self.build_reader = build_reader

    async def create(self, *, owner_id: uuid.UUID, data: ProjectCreate) -> ProjectPublic:
        project = await repo.add(
            self.session, owner_id=owner_id, name=data.name, description=data.description
        )
        public = ProjectPublic.model_validate(project)
        await commit(self.session)
        return public

    async def get(self, *, owner_id: uuid.UUID, project_id: uuid.UUID) -> ProjectPublic:
        return await self.reader(self.session, owner_id, project_id)

    async def list_page(
        self, *, owner_id: uuid.UUID, limit: int, cursor: str | None
    ) -> ProjectPage:
        after = decode_cursor(cursor) if cursor is not None else None
        # One extra row tells whether another page exists.
        rows = await repo.list_owned(self.session, owner_id=owner_id, limit=limit + 1, after=after)
        page, more = rows[:limit], len(rows) > limit
        next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if more else None
        return ProjectPage(items=await to_public(self.session, page), next_cursor=next_cursor)

    async def update(
        self, *, owner_id: uuid.UUID, project_id: uuid.UUID, data: ProjectUpdate
    ) -> ProjectPublic:
        project = await repo.get_owned(self.session, owner_id=owner_id, project_id=project_id)
        if project is None:
            raise project_not_found()
        changes = data.model_dump(exclude_unset=True)
        if not changes:
            return (await to_public(self.session, [project]))[0]
        for field, value in changes.items():
            setattr(project, field, value)
        project.updated_at = utcnow()
        await self.session.flush()
        public = (await to_public(self.session, [project]))[0]
        await commit(self.session, stale=[(self.reader, owner_id, project_id)])
        return public

    async def delete(self, *, owner_id: uuid.UUID, project_id: uuid.UUID) -> None:
        # The project's builds go with it (ON DELETE CASCADE); their cached
        # reads must go too.
        build_ids = await repo.build_ids(self.session, project_id=project_id)
        deleted = await repo.delete_owned(self.session, owner_id=owner_id, project_id=project_id)
        if not deleted:
            raise project_not_found()
        stale: list[StaleRead] = [(self.reader, owner_id, project_id)]
        if self.build_reader is not None:
            stale += [(self.build_reader, owner_id, build_id) for build_id in build_ids]
        await commit(self.session, stale=stale)
