"""Request and response bodies shared by the routers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, Field

from launchforge_auth.core.password_policy import MAX_LENGTH, MIN_LENGTH, check_new_password


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
NewPassword = Annotated[
    str,
    Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH),
    AfterValidator(check_new_password),
]
Password = Annotated[str, Field(min_length=1, max_length=MAX_LENGTH)]
OpaqueToken = Annotated[str, Field(min_length=1, max_length=256)]
Plan = Literal["free", "pro", "enterprise"]
Role = Literal["user", "admin"]


class UserPublic(BaseModel):
    id: uuid.UUID
    email: str


class MePublic(UserPublic):
    plan: str
    roles: list[str]
    email_verified: bool


class TokenPublic(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (a scheme, not a secret)
    expires_in: int
    refresh_token: str


class UserAdminView(MePublic):
    disabled: bool
    created_at: datetime
