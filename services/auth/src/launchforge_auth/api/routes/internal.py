"""/internal/*: service-to-service endpoints. The gateway never routes them.

``POST /internal/introspect`` implements the contract of
:mod:`launchforge_common.introspection`. ``GET /internal/dev/outbox`` shows
queued mail (with its links) outside production only: the router is not
even mounted in production.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from launchforge_common.openapi import problem_responses
from pydantic import BaseModel, Field

from launchforge_auth.api.deps import KeyRingDep, SessionDep, require_internal_token
from launchforge_auth.api.schemas import LoginEmail
from launchforge_auth.repositories import mail_outbox
from launchforge_auth.services import api_keys
from launchforge_auth.services.mail import decrypt_body

router = APIRouter(
    prefix="/internal",
    tags=["internal"],
    dependencies=[Depends(require_internal_token)],
    responses=problem_responses(401),
)
dev_router = APIRouter(
    prefix="/internal/dev",
    tags=["development"],
    dependencies=[Depends(require_internal_token)],
    responses=problem_responses(401),
)


class IntrospectRequest(BaseModel):
    token: str = Field(max_length=8192)


@router.post("/introspect")
async def introspect(body: IntrospectRequest, session: SessionDep) -> dict[str, Any]:
    found = await api_keys.resolve(session=session, key=body.token)
    if found is None:
        return {"active": False}
    key, user = found
    return {
        "active": True,
        "sub": str(user.id),
        "plan": user.plan,
        "roles": list(user.roles),
        "scopes": list(key.scopes),
        "key_id": str(key.id),
        "email_verified": user.email_verified,
    }


class OutboxMail(BaseModel):
    id: uuid.UUID
    to: str
    subject: str
    kind: str
    body: str
    created_at: datetime
    sent_at: datetime | None
    attempts: int


@dev_router.get("/outbox", response_model=list[OutboxMail])
async def outbox(
    email: Annotated[LoginEmail, Query()], session: SessionDep, key_ring: KeyRingDep
) -> list[OutboxMail]:
    rows = await mail_outbox.list_for(session, recipient=email)
    return [
        OutboxMail(
            id=row.id,
            to=row.recipient,
            subject=row.subject,
            kind=row.kind,
            body=decrypt_body(key_ring, row.id, row.body_encrypted),
            created_at=row.created_at,
            sent_at=row.sent_at,
            attempts=row.attempts,
        )
        for row in rows
    ]
