"""/v1/auth/api-keys: create (the key is shown once), list, revoke."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, status
from launchforge_common.openapi import problem_responses
from launchforge_common.scopes import SCOPES
from launchforge_common.scopes import known as known_scope
from pydantic import BaseModel, Field, StringConstraints, field_validator

from launchforge_auth.api.deps import SessionDep, SessionUserDep
from launchforge_auth.services import api_keys

router = APIRouter(
    prefix="/v1/auth/api-keys", tags=["api-keys"], responses=problem_responses(401, 403)
)

Scope = Annotated[str, StringConstraints(pattern=r"^(\*|[a-z][a-z0-9:._\-]{0,63})$")]


class ApiKeyCreate(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    # What the key may do (launchforge_common.scopes; "*" for everything). None: only /me.
    scopes: list[Scope] = Field(default_factory=list, max_length=32)

    @field_validator("scopes")
    @classmethod
    def _known_scopes(cls, scopes: list[str]) -> list[str]:
        unknown = [s for s in scopes if not known_scope(s)]
        if unknown:
            raise ValueError(f"unknown scopes {unknown}; known: {', '.join(['*', *SCOPES])}")
        return scopes


class ApiKeyPublic(BaseModel):
    id: uuid.UUID
    prefix: str
    name: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(description="The full key. Shown only in this response.")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    responses=problem_responses(409),
)
async def create_api_key(
    body: ApiKeyCreate, session: SessionDep, user: SessionUserDep
) -> ApiKeyCreated:
    created = await api_keys.create(
        session=session, user_id=user.id, name=body.name, scopes=body.scopes
    )
    row = created.row
    return ApiKeyCreated(
        id=row.id,
        prefix=row.prefix,
        name=row.name,
        scopes=list(row.scopes),
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        key=created.key,
    )


@router.get("", response_model=list[ApiKeyPublic])
async def list_api_keys(session: SessionDep, user: SessionUserDep) -> list[ApiKeyPublic]:
    rows = await api_keys.list_mine(session=session, user_id=user.id)
    return [ApiKeyPublic.model_validate(row, from_attributes=True) for row in rows]


@router.delete(
    "/{key_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404)
)
async def revoke_api_key(key_id: uuid.UUID, session: SessionDep, user: SessionUserDep) -> None:
    await api_keys.revoke(session=session, user_id=user.id, key_id=key_id)
