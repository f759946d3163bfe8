"""/v1/auth: register, login, me."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from email_validator import EmailNotValidError, validate_email
from fastapi import APIRouter, status
from pydantic import AfterValidator, BaseModel, Field

from launchforge_auth.api.deps import (
    CurrentUserDep,
    KeySetDep,
    PasswordsDep,
    SessionDep,
    SettingsDep,
)
from launchforge_auth.services import accounts
from launchforge_auth.services.tokens import issue_access_token

router = APIRouter(prefix="/v1/auth", tags=["auth"])


def normalise_email(value: str) -> str:
    """Validate and normalise an email address (stored and compared lowercase)."""
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid email address: {exc}") from None
    return result.normalized.lower()


def normalise_login_email(value: str) -> str:
    """Same normalisation as registration; anything invalid simply matches nobody."""
    try:
        return normalise_email(value)
    except ValueError:
        return value.strip().lower()


Email = Annotated[str, Field(max_length=320), AfterValidator(normalise_email)]
LoginEmail = Annotated[
    str, Field(min_length=1, max_length=320), AfterValidator(normalise_login_email)
]
NewPassword = Annotated[str, Field(min_length=8, max_length=128)]
Password = Annotated[str, Field(min_length=1, max_length=128)]


class UserCreate(BaseModel):
    email: Email
    password: NewPassword


class UserLogin(BaseModel):
    email: LoginEmail
    password: Password


class UserPublic(BaseModel):
    id: uuid.UUID
    email: str


class TokenPublic(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (a scheme, not a secret)
    expires_in: int


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserPublic)
async def register(body: UserCreate, session: SessionDep, passwords: PasswordsDep) -> UserPublic:
    user = await accounts.register(
        session=session, passwords=passwords, email=body.email, password=body.password
    )
    return UserPublic(id=user.id, email=user.email)


@router.post("/login", response_model=TokenPublic)
async def login(
    body: UserLogin,
    session: SessionDep,
    passwords: PasswordsDep,
    keys: KeySetDep,
    settings: SettingsDep,
) -> TokenPublic:
    user = await accounts.authenticate(
        session=session, passwords=passwords, email=body.email, password=body.password
    )
    issued = issue_access_token(user=user, keys=keys, settings=settings)
    return TokenPublic(access_token=issued.access_token, expires_in=issued.expires_in)


@router.get("/me", response_model=UserPublic)
async def me(user: CurrentUserDep) -> UserPublic:
    return UserPublic(id=user.id, email=user.email)
