"""/v1/auth/sessions: my signed-in devices, and signing one out."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, status
from launchforge_common.openapi import problem_responses
from pydantic import BaseModel

from launchforge_auth.api.deps import SessionDep, SessionPrincipalDep, session_uuid, user_uuid
from launchforge_auth.services import sessions

router = APIRouter(
    prefix="/v1/auth/sessions", tags=["sessions"], responses=problem_responses(401, 403)
)


class SessionPublic(BaseModel):
    id: uuid.UUID
    created_at: datetime
    last_used_at: datetime
    user_agent: str | None
    ip: str | None
    current: bool


@router.get("", response_model=list[SessionPublic])
async def list_sessions(session: SessionDep, principal: SessionPrincipalDep) -> list[SessionPublic]:
    current = session_uuid(principal)
    rows = await sessions.list_mine(session=session, user_id=user_uuid(principal))
    return [
        SessionPublic(
            id=row.id,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            user_agent=row.user_agent,
            ip=row.ip,
            current=row.id == current,
        )
        for row in rows
    ]


@router.delete(
    "/{session_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404)
)
async def delete_session(
    session_id: uuid.UUID, session: SessionDep, principal: SessionPrincipalDep
) -> None:
    await sessions.revoke_mine(
        session=session, user_id=user_uuid(principal), session_id=session_id, reason="revoked"
    )
