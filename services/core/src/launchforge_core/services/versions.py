"""Version use cases: list, read, diff, restore, download.

Every build of a project is a version (``builds.version``); the project names
its current one (``projects.current_build_id``). A restore never rewrites
history: it makes a *new* version whose artifact is a copy of the old one,
and that copy becomes current, so every newer version is still there.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from launchforge_common.cache import CachedFunction
from launchforge_common.errors import BadRequestError, ConflictError, NotFoundError
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_core.models import Build, Project, utcnow
from launchforge_core.pipeline.naming import slugify
from launchforge_core.repositories import builds as build_repo
from launchforge_core.repositories import projects as project_repo
from launchforge_core.repositories import versions as repo
from launchforge_core.schemas.builds import BuildPublic
from launchforge_core.schemas.versions import (
    DiffSide,
    FileDiff,
    VersionDiff,
    VersionPage,
    VersionPublic,
)
from launchforge_core.services import events
from launchforge_core.services.artifacts import ArtifactStore, Download
from launchforge_core.services.builds import inputs_of
from launchforge_core.services.commit import commit, release
from launchforge_core.services.diff import diff_archives
from launchforge_core.services.pagination import decode_version_cursor, encode_version_cursor
from launchforge_core.services.projects import project_not_found

logger = logging.getLogger("launchforge.core.versions")


def version_not_found() -> NotFoundError:
    # One body for "no such version" and "someone else's project".
    return NotFoundError("Version not found.")


def spec_summary(spec: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a person needs to tell versions apart: entity names and counts."""
    if not isinstance(spec, dict) or not isinstance(spec.get("entities"), list):
        return None
    entities = [e for e in spec["entities"] if isinstance(e, dict)]
    relations = spec.get("relations")
    return {
        "entities": [str(e.get("name", "")) for e in entities],
        "entity_count": len(entities),
        "field_count": sum(len(e.get("fields") or []) for e in entities),
        "relation_count": len(relations) if isinstance(relations, list) else 0,
    }


class VersionService:
    def __init__(
        self,
        session: AsyncSession,
        *,
        project_reader: CachedFunction[..., Any],
        store: ArtifactStore,
        publisher: events.Publisher,
    ) -> None:
        self.session = session
        self.project_reader = project_reader
        self.store = store
        self.publisher = publisher

    # --- reads ----------------------------------------------------------------------------

    async def _project(self, owner_id: uuid.UUID, project_id: uuid.UUID) -> Project:
        project = await project_repo.get_owned(
            self.session, owner_id=owner_id, project_id=project_id
        )
        if project is None:
            raise project_not_found()
        return project

    @staticmethod
    def _public(row: repo.VersionRow, project: Project) -> VersionPublic:
        build = row.build
        summary = row.spec_summary if row.spec_summary is not None else spec_summary(build.spec)
        url = (
            f"/v1/projects/{project.id}/versions/{build.version}/download"
            if row.has_artifact
            else None
        )
        return VersionPublic.model_validate(
            {
                "version": build.version,
                "build_id": build.id,
                "origin": build.origin,
                "parent_version": row.parent_version,
                "request": build.change_request or build.idea,
                "status": build.status,
                "spec_summary": summary,
                "is_current": project.current_build_id == build.id,
                "created_at": build.created_at,
                "finished_at": build.finished_at,
                "download_url": url,
            }
        )

    async def list_page(
        self, *, owner_id: uuid.UUID, project_id: uuid.UUID, limit: int, cursor: str | None
    ) -> VersionPage:
        below = decode_version_cursor(cursor) if cursor is not None else None
        project = await self._project(owner_id, project_id)
        rows = await repo.list_versions(
            self.session, owner_id=owner_id, project_id=project_id, limit=limit + 1, below=below
        )
        page, more = rows[:limit], len(rows) > limit
        next_cursor = encode_version_cursor(page[-1].build.version) if more else None
        return VersionPage(items=[self._public(r, project) for r in page], next_cursor=next_cursor)

    async def _row(
        self, owner_id: uuid.UUID, project_id: uuid.UUID, version: int
    ) -> tuple[Project, repo.VersionRow]:
        project = await self._project(owner_id, project_id)
        row = await repo.get_version(
            self.session, owner_id=owner_id, project_id=project_id, version=version
        )
        if row is None:
            raise version_not_found()
        return project, row

    async def get(
        self, *, owner_id: uuid.UUID, project_id: uuid.UUID, version: int
    ) -> VersionPublic:
        project, row = await self._row(owner_id, project_id, version)
        return self._public(row, project)

    async def download(
        self, *, owner_id: uuid.UUID, project_id: uuid.UUID, version: int
    ) -> Download:
        """Version n's zip, named after the project; the session is released for the stream."""
        project, row = await self._row(owner_id, project_id, version)
        size = await self.store.size(self.session, row.build.id)
        if size is None:
            raise NotFoundError(
                "This version has no artifact (yet).", build_status=row.build.status
            )
        await release(self.session)
        return Download(row.build.id, size, f"{slugify(project.name)}-v{row.build.version}.zip")

    # --- diff -----------------------------------------------------------------------------

    async def _side(
        self,
        project: Project,
        owner_id: uuid.UUID,
        build_id: uuid.UUID | None,
        version: int | None,
        name: str,
    ) -> Build:
        if (build_id is None) == (version is None):
            raise BadRequestError(
                f"Give exactly one of '{name}' (a build id) and '{name}_version'.",
                title="Invalid comparison",
            )
        build: Build | None
        if build_id is not None:
            build = await build_repo.get_owned(self.session, owner_id=owner_id, build_id=build_id)
            if build is not None and build.project_id != project.id:
                build = None
        else:
            assert version is not None
            row = await repo.get_version(
                self.session, owner_id=owner_id, project_id=project.id, version=version
            )
            build = None if row is None else row.build
        if build is None:
            raise version_not_found()
        return build

    async def diff(
        self,
        *,
        owner_id: uuid.UUID,
        project_id: uuid.UUID,
        from_id: uuid.UUID | None,
        to_id: uuid.UUID | None,
        from_version: int | None,
        to_version: int | None,
    ) -> VersionDiff:
        project = await self._project(owner_id, project_id)
        old = await self._side(project, owner_id, from_id, from_version, "from")
        new = await self._side(project, owner_id, to_id, to_version, "to")
        old_index = await self.store.files(self.session, old.id)
        new_index = await self.store.files(self.session, new.id)
        missing = [b for b, i in ((old, old_index), (new, new_index)) if i is None]
        if missing:
            raise ConflictError(
                f"Version {missing[0].version} has no artifact to compare "
                f"(it is {missing[0].status}).",
                title="Nothing to compare",
                version=missing[0].version,
                status_value=missing[0].status,
            )
        assert old_index is not None
        assert new_index is not None
        old_zip = await self.store.archive(self.session, old.id)
        new_zip = await self.store.archive(self.session, new.id)
        assert old_zip is not None
        assert new_zip is not None
        # Unzipping and diffing is CPU work: off the event loop.
        result = await asyncio.to_thread(
            diff_archives,
            old_zip,
            new_zip,
            old_index,
            new_index,
            from_label=f"v{old.version}",
            to_label=f"v{new.version}",
        )
        return VersionDiff(
            from_=DiffSide(build_id=old.id, version=old.version),
            to=DiffSide(build_id=new.id, version=new.version),
            files=[FileDiff(path=f.path, status=f.status, diff=f.diff) for f in result.files],
            unchanged=result.unchanged,
            truncated=result.truncated,
        )

    # --- restore --------------------------------------------------------------------------

    async def restore(
        self, *, owner_id: uuid.UUID, project_id: uuid.UUID, version: int
    ) -> BuildPublic:
        """A new version, already succeeded, whose artifact is a copy of ``version``'s.

        Nothing is regenerated, charged or deleted. The version number is
        taken under the project row's lock (``next_version``), so two restores
        at once make two versions.
        """
        _, row = await self._row(owner_id, project_id, version)
        source = row.build
        if source.status != "succeeded" or not row.has_artifact:
            raise ConflictError(
                f"Only a succeeded version with an artifact can be restored; "
                f"version {version} is {source.status}.",
                title="Version cannot be restored",
                status_value=source.status,
            )
        number = await project_repo.next_version(
            self.session, owner_id=owner_id, project_id=project_id
        )
        if number is None:
            raise project_not_found()
        now = utcnow()
        build = await build_repo.add(
            self.session,
            project_id=project_id,
            owner_id=owner_id,
            status="succeeded",
            **inputs_of(source),
            version=number,
            origin="restore",
            parent_id=source.id,
            change_request=source.change_request,
            generator=source.generator,
            stages=[
                {
                    "name": "restore",
                    "started_at": now.isoformat(),
                    "finished_at": now.isoformat(),
                    "outcome": "succeeded",
                    "detail": f"artifact copied from version {source.version}",
                }
            ],
            usage={"input_tokens": 0, "output_tokens": 0},
            attempt=0,
            cancel_requested=False,
            event_seq=0,
            started_at=now,
            finished_at=now,
        )
        files = await self.store.copy(self.session, source.id, build.id)
        await repo.set_current(self.session, project_id=project_id, build_id=build.id)
        message = f"Restored version {source.version} as version {number}."
        event = await events.append(
            self.session,
            build.id,
            kind="status",
            status="succeeded",
            message=message,
            data={"restored_from": source.version, "files": files, "generator": build.generator},
        )
        public = BuildPublic.model_validate(build)
        await commit(
            self.session,
            stale=[(self.project_reader, owner_id, project_id)],
            publisher=self.publisher,
            events=[event],
        )
        logger.info(
            "version restored",
            extra={"build_id": str(build.id), "restored_from": str(source.id), "version": number},
        )
        return public
