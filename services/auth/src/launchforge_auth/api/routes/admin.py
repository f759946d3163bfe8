"""/v1/auth/admin: accounts, for administrators (role checked in the database)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from launchforge_common.openapi import problem_responses
from pydantic import BaseModel, Field

from launchforge_auth.api.deps import AdminDep, SessionDep
from launchforge_auth.api.schemas import Plan, Role, UserAdminView
from launchforge_auth.models import User
from launchforge_auth.services import admin

router = APIRouter(prefix="/v1/auth/admin", tags=["admin"], responses=problem_responses(401, 403))


class UserAdminUpdate(BaseModel):
    plan: Plan | None = None
    roles: list[Role] | None = Field(default=None, max_length=2)
    disabled: bool | None = None


def _view(user: User) -> UserAdminView:
    return UserAdminView(
        id=user.id,
        email=user.email,
        plan=user.plan,
        roles=list(user.roles),
        email_verified=user.email_verified,
        disabled=user.disabled,
        created_at=user.created_at,
    )


@router.get("/users", response_model=list[UserAdminView])
async def list_users(
    session: SessionDep,
    _admin: AdminDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    email: Annotated[str | None, Query(max_length=320)] = None,
) -> list[UserAdminView]:
    users = await admin.list_users(
        session=session, limit=limit, offset=offset, email_prefix=email.lower() if email else None
    )
    return [_view(user) for user in users]


@router.patch(
    "/users/{user_id}", response_model=UserAdminView, responses=problem_responses(404, 409)
)
async def update_user(
    user_id: uuid.UUID, body: UserAdminUpdate, session: SessionDep, actor: AdminDep
) -> UserAdminView:
    user = await admin.update_user(
        session=session,
        actor=actor,
        user_id=user_id,
        plan=body.plan,
        roles=list(body.roles) if body.roles is not None else None,
        disabled=body.disabled,
    )
    return _view(user)
