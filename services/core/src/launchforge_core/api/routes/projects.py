"""/v1/projects: a user's own projects. Others' projects are indistinguishable from missing."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Response, status
from launchforge_common.openapi import problem_responses

from launchforge_core.api.deps import (
    OwnerId,
    ProjectServiceDep,
    get_current_principal,
    require_scope,
)
from launchforge_core.api.paging import Page
from launchforge_core.schemas.projects import (
    ProjectCreate,
    ProjectPage,
    ProjectPublic,
    ProjectUpdate,
)

# Guard on the whole router: no route here answers without a verified token
# (FastAPI caches the dependency, so the token is verified once per request).
router = APIRouter(
    prefix="/v1/projects",
    tags=["projects"],
    dependencies=[Depends(get_current_principal)],
    responses=problem_responses(401, 403),
)


@router.post(
    "", dependencies=[require_scope("projects:write")], status_code=status.HTTP_201_CREATED
)
async def create_project(
    body: ProjectCreate, owner_id: OwnerId, service: ProjectServiceDep, response: Response
) -> ProjectPublic:
    project = await service.create(owner_id=owner_id, data=body)
    response.headers["Location"] = router.url_path_for("get_project", project_id=str(project.id))
    return project


@router.get("", dependencies=[require_scope("projects:read")], responses=problem_responses(400))
async def list_projects(
    owner_id: OwnerId,
    service: ProjectServiceDep,
    page: Page,
) -> ProjectPage:
    return await service.list_page(owner_id=owner_id, limit=page.limit, cursor=page.cursor)


@router.get(
    "/{project_id}", dependencies=[require_scope("projects:read")], responses=problem_responses(404)
)
async def get_project(
    project_id: uuid.UUID, owner_id: OwnerId, service: ProjectServiceDep
) -> ProjectPublic:
    return await service.get(owner_id=owner_id, project_id=project_id)


@router.patch(
    "/{project_id}",
    dependencies=[require_scope("projects:write")],
    responses=problem_responses(404),
)
async def update_project(
    project_id: uuid.UUID, body: ProjectUpdate, owner_id: OwnerId, service: ProjectServiceDep
) -> ProjectPublic:
    return await service.update(owner_id=owner_id, project_id=project_id, data=body)


@router.delete(
    "/{project_id}",
    dependencies=[require_scope("projects:write")],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404),
)
async def delete_project(
    project_id: uuid.UUID, owner_id: OwnerId, service: ProjectServiceDep
) -> Response:
    await service.delete(owner_id=owner_id, project_id=project_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
