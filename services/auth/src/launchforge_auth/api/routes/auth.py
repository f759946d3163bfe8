"""/v1/auth: register, login, refresh, logout, me."""

from __future__ import annotations

import contextlib

from fastapi import APIRouter, Response, status
from launchforge_common.errors import NotFoundError, UnauthorizedError
from launchforge_common.openapi import problem_responses
from pydantic import BaseModel

from launchforge_auth.api.deps import (
    ClientIpDep,
    CurrentUserDep,
    KeyRingDep,
    KeySetDep,
    PasswordsDep,
    SessionDep,
    SessionPrincipalDep,
    SettingsDep,
    SignedInPrincipalDep,
    ThrottleDep,
    UserAgentDep,
    session_uuid,
    user_uuid,
)
from launchforge_auth.api.schemas import (
    Email,
    LoginEmail,
    MePublic,
    NewPassword,
    OpaqueToken,
    Password,
    TokenPublic,
    UserPublic,
)
from launchforge_auth.services import accounts, sessions
from launchforge_auth.services.login import login as login_use_case
from launchforge_auth.services.sessions import TokenPair

router = APIRouter(prefix="/v1/auth", tags=["auth"])

INVALID_REFRESH = "Invalid refresh token."


class UserCreate(BaseModel):
    email: Email
    password: NewPassword


class UserLogin(BaseModel):
    email: LoginEmail
    password: Password


class RefreshRequest(BaseModel):
    refresh_token: OpaqueToken


def _token_public(pair: TokenPair) -> TokenPublic:
    return TokenPublic(
        access_token=pair.access_token, expires_in=pair.expires_in, refresh_token=pair.refresh_token
    )


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=UserPublic,
    responses=problem_responses(409),
)
async def register(
    body: UserCreate,
    session: SessionDep,
    passwords: PasswordsDep,
    key_ring: KeyRingDep,
    settings: SettingsDep,
) -> UserPublic:
    user = await accounts.register(
        session=session,
        passwords=passwords,
        key_ring=key_ring,
        settings=settings,
        email=body.email,
        password=body.password,
    )
    return UserPublic(id=user.id, email=user.email)


@router.post("/login", response_model=TokenPublic, responses=problem_responses(401))
async def login(
    body: UserLogin,
    session: SessionDep,
    passwords: PasswordsDep,
    throttle: ThrottleDep,
    keys: KeySetDep,
    settings: SettingsDep,
    ip: ClientIpDep,
    user_agent: UserAgentDep = None,
) -> TokenPublic:
    user = await login_use_case(
        session=session,
        passwords=passwords,
        throttle=throttle,
        email=body.email,
        password=body.password,
        ip=ip,
    )
    pair = await sessions.start(
        session=session, user=user, keys=keys, settings=settings, user_agent=user_agent, ip=ip
    )
    return _token_public(pair)


@router.post("/refresh", response_model=TokenPublic, responses=problem_responses(401))
async def refresh(
    body: RefreshRequest, session: SessionDep, keys: KeySetDep, settings: SettingsDep
) -> TokenPublic | Response:
    pair = await sessions.refresh(
        session=session, refresh_token=body.refresh_token, keys=keys, settings=settings
    )
    if pair is None:
        # Returned, not raised: a revocation caused by reuse must still commit.
        return UnauthorizedError(INVALID_REFRESH).to_response()
    return _token_public(pair)


@router.post(
    "/logout", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 403)
)
async def logout(session: SessionDep, principal: SignedInPrincipalDep) -> None:
    """End this session (idempotent: an already ended one is fine)."""
    sid = session_uuid(principal)
    if sid is None:
        return
    with contextlib.suppress(NotFoundError):
        await sessions.revoke_mine(
            session=session, user_id=user_uuid(principal), session_id=sid, reason="logout"
        )


@router.post(
    "/logout-all", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 403)
)
async def logout_all(session: SessionDep, principal: SessionPrincipalDep) -> None:
    await sessions.revoke_all(session=session, user_id=user_uuid(principal), reason="logout_all")


@router.get("/me", response_model=MePublic, responses=problem_responses(401))
async def me(user: CurrentUserDep) -> MePublic:
    """Who I am; an access token or an API key both work here."""
    return MePublic(
        id=user.id,
        email=user.email,
        plan=user.plan,
        roles=list(user.roles),
        email_verified=user.email_verified,
    )
