"""/v1/projects/{id}/versions and /diff: a project's versions, compared, restored, downloaded.

Someone else's project (or a version number it does not have) is a 404 with
the same body as a missing one on every route.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from launchforge_common.openapi import problem_responses

from launchforge_core.api.deps import (
    OwnerId,
    VersionServiceDep,
    get_current_principal,
    require_scope,
)
from launchforge_core.api.downloads import ZIP_RESPONSES, zip_response
from launchforge_core.api.paging import Page
from launchforge_core.api.state import core_state
from launchforge_core.schemas.builds import BuildPublic
from launchforge_core.schemas.versions import VersionDiff, VersionPage, VersionPublic

router = APIRouter(
    prefix="/v1/projects/{project_id}",
    tags=["versions"],
    dependencies=[Depends(get_current_principal)],
    responses=problem_responses(401, 403, 404),
)

VersionNumber = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get(
    "/versions", dependencies=[require_scope("builds:read")], responses=problem_responses(400)
)
async def list_versions(
    project_id: uuid.UUID,
    owner_id: OwnerId,
    service: VersionServiceDep,
    page: Page,
) -> VersionPage:
    """Newest version first; ``next_cursor`` is null on the last page."""
    return await service.list_page(
        owner_id=owner_id, project_id=project_id, limit=page.limit, cursor=page.cursor
    )


@router.get("/versions/{version}", dependencies=[require_scope("builds:read")])
async def get_version(
    project_id: uuid.UUID, version: VersionNumber, owner_id: OwnerId, service: VersionServiceDep
) -> VersionPublic:
    return await service.get(owner_id=owner_id, project_id=project_id, version=version)


@router.post(
    "/versions/{version}/restore",
    dependencies=[require_scope("builds:write")],
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(409),
)
async def restore_version(
    project_id: uuid.UUID,
    version: VersionNumber,
    owner_id: OwnerId,
    service: VersionServiceDep,
    response: Response,
) -> BuildPublic:
    """A new version copying this one's artifact; it becomes current. Nothing is deleted."""
    build = await service.restore(owner_id=owner_id, project_id=project_id, version=version)
    response.headers["Location"] = f"/v1/builds/{build.id}"
    return build


@router.get(
    "/versions/{version}/download",
    dependencies=[require_scope("builds:read")],
    response_class=StreamingResponse,
    responses=ZIP_RESPONSES,
)
async def download_version(
    project_id: uuid.UUID,
    version: VersionNumber,
    request: Request,
    owner_id: OwnerId,
    service: VersionServiceDep,
) -> StreamingResponse:
    download = await service.download(owner_id=owner_id, project_id=project_id, version=version)
    return zip_response(core_state(request).artifact_store, download)


@router.get(
    "/diff",
    dependencies=[require_scope("builds:read")],
    responses=problem_responses(400, 409),
    response_model_by_alias=True,
)
async def diff_versions(
    project_id: uuid.UUID,
    owner_id: OwnerId,
    service: VersionServiceDep,
    from_id: Annotated[uuid.UUID | None, Query(alias="from")] = None,
    to_id: Annotated[uuid.UUID | None, Query(alias="to")] = None,
    from_version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    to_version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> VersionDiff:
    """File-by-file changes from one version to another (build ids or version numbers)."""
    return await service.diff(
        owner_id=owner_id,
        project_id=project_id,
        from_id=from_id,
        to_id=to_id,
        from_version=from_version,
        to_version=to_version,
    )
