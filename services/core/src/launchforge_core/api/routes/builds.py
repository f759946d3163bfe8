"""/v1/projects/{id}/builds and /v1/builds/*: start, follow, stop and fetch builds.

Another user's build (or project) is a 404 with the same body as a missing
one, on every route, events and artifacts included.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from launchforge_common.errors import BadRequestError, NotFoundError
from launchforge_common.openapi import problem_responses
from sse_starlette import EventSourceResponse

from launchforge_core.api.deps import (
    BuildServiceDep,
    CurrentPrincipal,
    OwnerId,
    get_current_principal,
    require_scope,
)
from launchforge_core.api.downloads import ZIP_RESPONSES, zip_response
from launchforge_core.api.paging import Page
from launchforge_core.api.state import core_state
from launchforge_core.schemas.builds import BuildCreate, BuildPage, BuildPublic, FileTree
from launchforge_core.services import events
from launchforge_core.services.artifacts import ArtifactStore, is_safe_path
from launchforge_core.services.builds import ensure_visible

router = APIRouter(
    tags=["builds"],
    dependencies=[Depends(get_current_principal)],
    # Every route names a project or a build: someone else's is a 404 too.
    responses=problem_responses(401, 403, 404),
)

# The success answers that are not JSON.
_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file's content",
        "content": {"text/plain": {}, "application/octet-stream": {}},
    }
}
_EVENTS: dict[int | str, dict[str, Any]] = {
    200: {"description": "Server-Sent Events", "content": {"text/event-stream": {}}}
}


@router.post(
    "/v1/projects/{project_id}/builds",
    dependencies=[require_scope("builds:write")],
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        **problem_responses(400, 402),
        422: {
            "description": (
                "The body is invalid, or its `spec` cannot build: `errors` lists every "
                'problem, each located (`["body", "spec", "entities", "1", "fields", "0", '
                '"type"]`)'
            )
        },
    },
)
async def create_build(
    project_id: uuid.UUID,
    body: BuildCreate,
    principal: CurrentPrincipal,
    owner_id: OwnerId,
    service: BuildServiceDep,
    response: Response,
) -> BuildPublic:
    build = await service.create(
        principal=principal, owner_id=owner_id, project_id=project_id, data=body
    )
    response.headers["Location"] = f"/v1/builds/{build.id}"
    return build


@router.get(
    "/v1/projects/{project_id}/builds",
    dependencies=[require_scope("builds:read")],
    responses=problem_responses(400),
)
async def list_builds(
    project_id: uuid.UUID,
    owner_id: OwnerId,
    service: BuildServiceDep,
    page: Page,
) -> BuildPage:
    return await service.list_page(
        owner_id=owner_id, project_id=project_id, limit=page.limit, cursor=page.cursor
    )


@router.get("/v1/builds/{build_id}", dependencies=[require_scope("builds:read")])
async def get_build(
    build_id: uuid.UUID, owner_id: OwnerId, service: BuildServiceDep
) -> BuildPublic:
    return await service.get(owner_id=owner_id, build_id=build_id)


@router.post(
    "/v1/builds/{build_id}/cancel",
    dependencies=[require_scope("builds:write")],
    responses=problem_responses(409),
)
async def cancel_build(
    build_id: uuid.UUID, owner_id: OwnerId, service: BuildServiceDep
) -> BuildPublic:
    return await service.cancel(owner_id=owner_id, build_id=build_id)


@router.post(
    "/v1/builds/{build_id}/retry",
    dependencies=[require_scope("builds:write")],
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        **problem_responses(402, 409),
        422: {
            "description": (
                "The build's stored spec cannot build (a build queued before specs were "
                'checked): `errors` locates each problem (`["spec", "entities", "0", ...]`)'
            )
        },
    },
)
async def retry_build(
    build_id: uuid.UUID,
    principal: CurrentPrincipal,
    owner_id: OwnerId,
    service: BuildServiceDep,
    response: Response,
) -> BuildPublic:
    build = await service.retry(principal=principal, owner_id=owner_id, build_id=build_id)
    response.headers["Location"] = f"/v1/builds/{build.id}"
    return build


def _last_event_id(header: str | None, query: int | None) -> int:
    if header is None:
        return query or 0
    try:
        value = int(header.strip())
    except ValueError:
        raise BadRequestError("Last-Event-ID must be an event id (an integer).") from None
    if value < 0 or value > 2**62:
        raise BadRequestError("Last-Event-ID is out of range.")
    return value


@router.get(
    "/v1/builds/{build_id}/events",
    dependencies=[require_scope("builds:read")],
    response_class=EventSourceResponse,
    responses={**_EVENTS, **problem_responses(400)},
)
async def build_events(
    build_id: uuid.UUID,
    request: Request,
    owner_id: OwnerId,
    last_event_id: Annotated[str | None, Header(max_length=32)] = None,
    after: Annotated[int | None, Query(ge=0, le=2**62)] = None,
) -> EventSourceResponse:
    """Server-Sent Events: everything after ``Last-Event-ID``, ending after the terminal event.

    No request-scoped session here: a stream can last minutes, and it must not
    pin a pooled connection (idle in transaction) for that long.
    """
    start = _last_event_id(last_event_id, after)
    state = core_state(request)
    await ensure_visible(state.sessionmaker, owner_id=owner_id, build_id=build_id)
    settings = state.settings

    async def sse() -> AsyncIterator[dict[str, Any]]:
        async for payload in events.stream(
            state.sessionmaker,
            state.redis,
            state.redis_health,
            build_id,
            after=start,
            poll=settings.sse_poll_seconds,
        ):
            yield {"id": str(payload["id"]), "event": payload["kind"], "data": json.dumps(payload)}

    return EventSourceResponse(
        sse(),
        ping=settings.sse_heartbeat_seconds,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _store(request: Request) -> ArtifactStore:
    return core_state(request).artifact_store


@router.get(
    "/v1/builds/{build_id}/download",
    dependencies=[require_scope("builds:read")],
    response_class=StreamingResponse,
    responses=ZIP_RESPONSES,
)
async def download_build(
    build_id: uuid.UUID, request: Request, owner_id: OwnerId, service: BuildServiceDep
) -> StreamingResponse:
    download = await service.download(owner_id=owner_id, build_id=build_id)
    return zip_response(_store(request), download)


@router.get("/v1/builds/{build_id}/files", dependencies=[require_scope("builds:read")])
async def list_files(
    build_id: uuid.UUID, request: Request, owner_id: OwnerId, service: BuildServiceDep
) -> FileTree:
    build = await service.get_fresh(owner_id=owner_id, build_id=build_id)
    files = await _store(request).files(service.session, build.id)
    if files is None:
        raise NotFoundError("This build has no artifact (yet).", build_status=build.status)
    return FileTree.model_validate({"build_id": build.id, "files": files})


@router.get(
    "/v1/builds/{build_id}/files/{path:path}",
    dependencies=[require_scope("builds:read")],
    response_class=Response,
    responses={**_FILE, **problem_responses(400)},
)
async def read_file(
    build_id: uuid.UUID, path: str, request: Request, owner_id: OwnerId, service: BuildServiceDep
) -> Response:
    """One file's content. Only exact paths recorded in the artifact's index are served."""
    build = await service.get_fresh(owner_id=owner_id, build_id=build_id)
    if not is_safe_path(path):
        raise BadRequestError("The file path is not a valid relative path.")
    content = await _store(request).read_file(service.session, build.id, path)
    if content is None:
        raise NotFoundError("No such file in this build.")
    try:
        content.decode("utf-8")
        media_type = "text/plain; charset=utf-8"
    except UnicodeDecodeError:
        media_type = "application/octet-stream"
    # Always text/plain for text (never text/html): generated files are
    # shown, not executed, in the browser.
    return Response(
        content,
        media_type=media_type,
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=60"},
    )
