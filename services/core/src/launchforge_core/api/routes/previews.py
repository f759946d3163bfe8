"""/v1/builds/{id}/preview: run a succeeded build's app, see it, stop it.

Another user's build is a 404 with the same body as a missing one. The
preview itself is reached at the URL these answers carry (``api/preview_proxy``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from launchforge_common.openapi import problem_responses
from pydantic import BaseModel, Field

from launchforge_core.api.deps import OwnerId, SessionDep, get_current_principal, require_scope
from launchforge_core.api.state import core_state
from launchforge_core.services.previews import PreviewService, PreviewView

router = APIRouter(
    tags=["previews"],
    dependencies=[Depends(get_current_principal)],
    responses=problem_responses(401, 403, 404),
)


class PreviewPublic(BaseModel):
    """A build's live preview."""

    id: uuid.UUID
    build_id: uuid.UUID
    status: str = Field(description="queued | starting | running | stopped | failed")
    url: str | None = Field(
        description=(
            "While live: the preview's path on the gateway, with a short-lived signed token "
            "(each answer mints a fresh one)"
        )
    )
    url_expires_at: int | None = Field(description="When the URL's token expires (Unix time)")
    error: str | None
    stop_reason: str | None = Field(
        description="idle | max | user | shutdown | crashed | worker_lost | no_capacity"
    )
    logs: str = Field(description="The tail of the app's output")
    created_at: datetime
    started_at: datetime | None
    last_active_at: datetime | None
    stopped_at: datetime | None

    @classmethod
    def of(cls, view: PreviewView) -> PreviewPublic:
        return cls(**view.__dict__)


async def get_preview_service(request: Request, session: SessionDep) -> PreviewService:
    state = core_state(request)
    return PreviewService(session, state.settings, state.preview_tokens)


PreviewServiceDep = Annotated[PreviewService, Depends(get_preview_service)]


@router.post(
    "/v1/builds/{build_id}/preview",
    dependencies=[require_scope("builds:write")],
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        200: {"description": "The build's preview was already live"},
        **problem_responses(409, 429),
    },
)
async def start_preview(
    build_id: uuid.UUID, owner_id: OwnerId, service: PreviewServiceDep, response: Response
) -> PreviewPublic:
    view, created = await service.start(owner_id=owner_id, build_id=build_id)
    if not created:
        response.status_code = status.HTTP_200_OK
    return PreviewPublic.of(view)


@router.get("/v1/builds/{build_id}/preview", dependencies=[require_scope("builds:read")])
async def get_preview(
    build_id: uuid.UUID, owner_id: OwnerId, service: PreviewServiceDep
) -> PreviewPublic:
    return PreviewPublic.of(await service.get(owner_id=owner_id, build_id=build_id))


@router.delete("/v1/builds/{build_id}/preview", dependencies=[require_scope("builds:write")])
async def stop_preview(
    build_id: uuid.UUID, owner_id: OwnerId, service: PreviewServiceDep
) -> PreviewPublic:
    return PreviewPublic.of(await service.stop(owner_id=owner_id, build_id=build_id))
