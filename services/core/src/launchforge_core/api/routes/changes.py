"""Change by asking: ``POST /v1/projects/{id}/changes``, ``POST /v1/specs/edit`` and
``GET /v1/builds/{id}/spec-diff``.

Another user's project or build is a 404 with the same body as a missing one.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from launchforge_common.openapi import problem_responses

from launchforge_core.api.deps import (
    BuildServiceDep,
    CurrentPrincipal,
    OwnerId,
    get_current_principal,
    require_scope,
)
from launchforge_core.api.state import core_state
from launchforge_core.schemas.builds import BuildPublic
from launchforge_core.schemas.changes import ChangeCreate, SpecDiffPublic, SpecEdit, SpecEdited
from launchforge_core.services import changes
from launchforge_core.services.changes import ChangeService

router = APIRouter(
    tags=["changes"],
    dependencies=[Depends(get_current_principal)],
    responses=problem_responses(401, 403),
)

_NOT_APPLICABLE: dict[int | str, dict[str, Any]] = {
    422: {
        "description": (
            "The request cannot be applied (or the body is invalid): `understood` lists the "
            "edits it did read, `failed` each part it could not apply and why"
        )
    }
}


def get_change_service(request: Request, builds: BuildServiceDep) -> ChangeService:
    return ChangeService(builds, core_state(request).artifact_store)


ChangeServiceDep = Annotated[ChangeService, Depends(get_change_service)]


@router.post(
    "/v1/projects/{project_id}/changes",
    dependencies=[require_scope("builds:write")],
    status_code=status.HTTP_202_ACCEPTED,
    responses={**problem_responses(400, 402, 404, 409), **_NOT_APPLICABLE},
)
async def create_change(
    project_id: uuid.UUID,
    body: ChangeCreate,
    principal: CurrentPrincipal,
    owner_id: OwnerId,
    service: ChangeServiceDep,
    response: Response,
) -> BuildPublic:
    """A new version of the project: its base build's spec, changed as asked, built."""
    build = await service.create(
        principal=principal, owner_id=owner_id, project_id=project_id, body=body
    )
    response.headers["Location"] = f"/v1/builds/{build.id}"
    return build


@router.post(
    "/v1/specs/edit",
    # Editing a spec is the first half of building a change.
    dependencies=[require_scope("builds:write")],
    responses=_NOT_APPLICABLE,
)
async def edit_spec(body: SpecEdit) -> SpecEdited:
    """The spec changed as asked, the edits made and the diff; nothing is built or stored."""
    return await changes.edit(body.spec, body.request)


@router.get(
    "/v1/builds/{build_id}/spec-diff",
    dependencies=[require_scope("builds:read")],
    responses=problem_responses(404, 409),
)
async def spec_diff(
    build_id: uuid.UUID, owner_id: OwnerId, service: ChangeServiceDep
) -> SpecDiffPublic:
    """What changed in the spec from the build's parent version to the build."""
    return await service.spec_diff(owner_id=owner_id, build_id=build_id)
