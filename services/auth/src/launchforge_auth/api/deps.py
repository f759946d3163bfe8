"""Dependency aliases, chained: session -> principal -> current user -> admin."""

from __future__ import annotations

import hmac
import uuid
from typing import Annotated

from fastapi import Depends, Header, Request
from launchforge_common.client_ip import parse_ip
from launchforge_common.crypto import KeyRing
from launchforge_common.db import get_session
from launchforge_common.errors import ForbiddenError, UnauthorizedError
from launchforge_common.introspection import INTERNAL_TOKEN_HEADER, is_api_key
from launchforge_common.tokens import InvalidTokenError, Principal, bearer_token
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_auth.config import AuthSettings
from launchforge_auth.core.security import KeySet, Passwords
from launchforge_auth.models import User
from launchforge_auth.repositories import sessions as sessions_repo
from launchforge_auth.services import accounts, api_keys
from launchforge_auth.services.login_throttle import LoginThrottle
from launchforge_auth.services.signing_keys import KeyManager

# scope="function": the session commits when the route returns, before the
# answer is sent (the default scope commits after, so a failed commit would
# follow a 2xx the client already has).
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_settings(request: Request) -> AuthSettings:
    settings: AuthSettings = request.app.state.settings
    return settings


async def get_passwords(request: Request) -> Passwords:
    passwords: Passwords = request.app.state.passwords
    return passwords


async def get_key_manager(request: Request) -> KeyManager:
    manager: KeyManager = request.app.state.keys
    return manager


async def get_key_set(request: Request) -> KeySet:
    manager: KeyManager = request.app.state.keys
    return manager.current


async def get_key_ring(request: Request) -> KeyRing:
    ring: KeyRing = request.app.state.key_ring
    return ring


async def get_throttle(request: Request) -> LoginThrottle:
    throttle: LoginThrottle = request.app.state.login_throttle
    return throttle


SettingsDep = Annotated[AuthSettings, Depends(get_settings)]
PasswordsDep = Annotated[Passwords, Depends(get_passwords)]
KeyManagerDep = Annotated[KeyManager, Depends(get_key_manager)]
KeySetDep = Annotated[KeySet, Depends(get_key_set)]
KeyRingDep = Annotated[KeyRing, Depends(get_key_ring)]
ThrottleDep = Annotated[LoginThrottle, Depends(get_throttle)]


def _internal_token_shown(settings: AuthSettings, token: str | None) -> bool:
    """``token`` is AUTH_INTERNAL_TOKEN (compared in constant time); False when unset."""
    expected = settings.internal_token
    return (
        expected is not None
        and token is not None
        and hmac.compare_digest(token.encode(), expected.get_secret_value().encode())
    )


async def get_client_ip(request: Request, settings: SettingsDep) -> str:
    """The client's address, for login throttling.

    A peer that shows the internal token is the gateway, trusted by identity:
    its ``X-Client-IP`` (the client as the gateway resolved it) is believed.
    Otherwise X-Forwarded-For (or ``Forwarded``) counts only from
    AUTH_TRUSTED_PROXIES, by the same rule as the gateway's
    (:mod:`launchforge_common.client_ip`).
    """
    vouched = parse_ip(request.headers.get("x-client-ip"))
    # The peer showed the internal token: it is the gateway (or core), not a client.
    if vouched and _internal_token_shown(settings, request.headers.get(INTERNAL_TOKEN_HEADER)):
        return str(vouched)
    return settings.proxy_trust.client_ip(request.scope)


ClientIpDep = Annotated[str, Depends(get_client_ip)]
UserAgentDep = Annotated[str | None, Header(alias="user-agent")]

INVALID_TOKEN = "Invalid access token."  # noqa: S105 (a message)


async def get_principal(
    session: SessionDep,
    keys: KeyManagerDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Principal:
    """Who the bearer is: an access token (JWT) or an API key (``lf_...``)."""
    token = bearer_token(authorization)
    if token is None:
        raise UnauthorizedError("A bearer access token is required.")
    if is_api_key(token):
        found = await api_keys.resolve(session=session, key=token)
        if found is None:
            raise UnauthorizedError(INVALID_TOKEN)
        key, user = found
        return Principal(
            user_id=str(user.id),
            plan=user.plan,
            roles=tuple(user.roles),
            email_verified=user.email_verified,
            api_key_id=str(key.id),
            scopes=tuple(key.scopes),
        )
    try:
        return await keys.verify(
            token,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            leeway=settings.jwt_leeway_seconds,
        )
    except InvalidTokenError:
        # One answer for every rejection: the reason is not the caller's business.
        raise UnauthorizedError(INVALID_TOKEN) from None


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def get_signed_in_principal(principal: PrincipalDep) -> Principal:
    """An access token with a session (live or not), not an API key: for logout only."""
    if principal.api_key_id is not None or not principal.session_id:
        raise ForbiddenError("This needs a signed-in session, not an API key.")
    return principal


SignedInPrincipalDep = Annotated[Principal, Depends(get_signed_in_principal)]


async def get_session_principal(session: SessionDep, principal: SignedInPrincipalDep) -> Principal:
    """Only a signed-in person whose session is still live, not an API key.

    An access token outlives its session by up to its TTL: after a logout-all
    or a password reset, a stolen token must not mint API keys, list sessions
    or change the account, so every session route checks the session itself.
    """
    session_id = session_uuid(principal)
    if session_id is None or not await sessions_repo.is_live(session, session_id=session_id):
        raise UnauthorizedError("This session has ended; sign in again.")
    return principal


SessionPrincipalDep = Annotated[Principal, Depends(get_session_principal)]


def user_uuid(principal: Principal) -> uuid.UUID:
    try:
        return uuid.UUID(principal.user_id)
    except ValueError:
        raise UnauthorizedError(INVALID_TOKEN) from None


def session_uuid(principal: Principal) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(principal.session_id))
    except ValueError:
        return None


async def get_current_user(session: SessionDep, principal: PrincipalDep) -> User:
    return await accounts.get_active_user(session=session, user_id=principal.user_id)


async def get_session_user(session: SessionDep, principal: SessionPrincipalDep) -> User:
    return await accounts.get_active_user(session=session, user_id=principal.user_id)


CurrentUserDep = Annotated[User, Depends(get_current_user)]
SessionUserDep = Annotated[User, Depends(get_session_user)]


async def get_admin(user: SessionUserDep) -> User:
    """Checked against the database, not the token: a demotion takes effect at once."""
    if "admin" not in user.roles:
        raise ForbiddenError("Administrators only.")
    return user


AdminDep = Annotated[User, Depends(get_admin)]


async def require_internal_token(
    settings: SettingsDep,
    token: Annotated[str | None, Header(alias=INTERNAL_TOKEN_HEADER)] = None,
) -> None:
    """When AUTH_INTERNAL_TOKEN is set, /internal/* needs it in X-Internal-Token."""
    if settings.internal_token is not None and not _internal_token_shown(settings, token):
        raise UnauthorizedError("A valid internal token is required.")
