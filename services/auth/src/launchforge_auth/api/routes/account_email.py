"""/v1/auth: email verification, password forgot / reset / change."""

from __future__ import annotations

from fastapi import APIRouter, status
from launchforge_common.openapi import problem_responses
from pydantic import BaseModel

from launchforge_auth.api.deps import (
    ClientIpDep,
    KeyRingDep,
    PasswordsDep,
    SessionDep,
    SessionPrincipalDep,
    SessionUserDep,
    SettingsDep,
    ThrottleDep,
    session_uuid,
)
from launchforge_auth.api.schemas import LoginEmail, NewPassword, OpaqueToken, Password
from launchforge_auth.services import account_email

router = APIRouter(prefix="/v1/auth", tags=["account"])

FORGOT_ANSWER = "If an account exists for this email, a reset link is on its way."


class TokenBody(BaseModel):
    token: OpaqueToken


class ForgotBody(BaseModel):
    email: LoginEmail


class ResetBody(BaseModel):
    token: OpaqueToken
    password: NewPassword


class ChangeBody(BaseModel):
    current_password: Password
    new_password: NewPassword


class Accepted(BaseModel):
    detail: str


@router.post(
    "/verify-email", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(400)
)
async def verify_email(body: TokenBody, session: SessionDep) -> None:
    await account_email.verify_email(session=session, token=body.token)


@router.post(
    "/verify-email/resend",
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(401, 403),
)
async def resend_verification(
    session: SessionDep, user: SessionUserDep, key_ring: KeyRingDep, settings: SettingsDep
) -> Accepted:
    if not user.email_verified:
        await account_email.send_verification(
            session=session, key_ring=key_ring, settings=settings, user=user
        )
    return Accepted(detail="If the address is not verified yet, a new link is on its way.")


@router.post("/password/forgot", status_code=status.HTTP_202_ACCEPTED)
async def forgot_password(
    body: ForgotBody, session: SessionDep, key_ring: KeyRingDep, settings: SettingsDep
) -> Accepted:
    await account_email.forgot_password(
        session=session, key_ring=key_ring, settings=settings, email=body.email
    )
    return Accepted(detail=FORGOT_ANSWER)


@router.post(
    "/password/reset", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(400)
)
async def reset_password(
    body: ResetBody,
    session: SessionDep,
    passwords: PasswordsDep,
    key_ring: KeyRingDep,
    settings: SettingsDep,
) -> None:
    await account_email.reset_password(
        session=session,
        passwords=passwords,
        key_ring=key_ring,
        settings=settings,
        token=body.token,
        new_password=body.password,
    )


@router.post(
    "/password/change",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(400, 401, 403),
)
async def change_password(
    body: ChangeBody,
    session: SessionDep,
    passwords: PasswordsDep,
    user: SessionUserDep,
    principal: SessionPrincipalDep,
    throttle: ThrottleDep,
    ip: ClientIpDep,
) -> None:
    await account_email.change_password(
        session=session,
        passwords=passwords,
        user=user,
        current_password=body.current_password,
        new_password=body.new_password,
        current_session_id=session_uuid(principal),
        throttle=throttle,
        ip=ip,
    )
