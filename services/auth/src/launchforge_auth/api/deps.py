"""Dependency aliases, chained: session -> principal -> current user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from launchforge_common.db import get_session
from launchforge_common.errors import UnauthorizedError
from launchforge_common.tokens import InvalidTokenError, Principal, bearer_token
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_auth.core.config import AuthSettings
from launchforge_auth.core.security import KeySet, Passwords
from launchforge_auth.models import User
from launchforge_auth.services import accounts

SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def get_settings(request: Request) -> AuthSettings:
    settings: AuthSettings = request.app.state.settings
    return settings


async def get_passwords(request: Request) -> Passwords:
    passwords: Passwords = request.app.state.passwords
    return passwords


async def get_key_set(request: Request) -> KeySet:
    keys: KeySet = request.app.state.key_set
    return keys


SettingsDep = Annotated[AuthSettings, Depends(get_settings)]
PasswordsDep = Annotated[Passwords, Depends(get_passwords)]
KeySetDep = Annotated[KeySet, Depends(get_key_set)]


async def get_principal(
    keys: KeySetDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Principal:
    token = bearer_token(authorization)
    if token is None:
        raise UnauthorizedError("A bearer access token is required.")
    try:
        return keys.verify(
            token,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            leeway=settings.jwt_leeway_seconds,
        )
    except InvalidTokenError:
        # One answer for every rejection: the reason is not the caller's business.
        raise UnauthorizedError("Invalid access token.") from None


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_current_user(session: SessionDep, principal: PrincipalDep) -> User:
    return await accounts.get_active_user(session=session, user_id=principal.user_id)


CurrentUserDep = Annotated[User, Depends(get_current_user)]
