"""Email verification and password recovery with single-use tokens.

Tokens are 256-bit random strings mailed as a link; only their SHA-256 is
stored, with an expiry (24 h to verify, 1 h to reset) and a ``used_at`` set by
one atomic UPDATE, so a token works once. Issuing a new token of a kind spends
the older ones. The mail is queued in the same transaction (see
:mod:`launchforge_auth.services.mail`), and log lines never carry the token.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from launchforge_common.crypto import KeyRing
from launchforge_common.db import release_connection
from launchforge_common.errors import BadRequestError, TooManyRequestsError
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_auth.config import AuthSettings
from launchforge_auth.core.opaque import digest, new_token
from launchforge_auth.core.security import Passwords
from launchforge_auth.models import User
from launchforge_auth.repositories import api_keys as api_keys_repo
from launchforge_auth.repositories import one_time_tokens as tokens_repo
from launchforge_auth.repositories import users as users_repo
from launchforge_auth.services import mail, sessions
from launchforge_auth.services.login_throttle import LOCKED, Lockout, LoginThrottle

logger = logging.getLogger("launchforge.auth.email")

VERIFY_EMAIL = "verify_email"
PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose name)
API_KEYS_KEPT = "api_keys_kept"
INVALID_TOKEN = "This link is invalid or has expired."  # noqa: S105 (a message)


async def _issue(
    session: AsyncSession, *, user_id: uuid.UUID, purpose: str, ttl_seconds: int
) -> str:
    await tokens_repo.invalidate_all(session, user_id=user_id, purpose=purpose)
    token = new_token()
    await tokens_repo.add(
        session,
        user_id=user_id,
        purpose=purpose,
        token_hash=digest(token),
        expires_at=datetime.now(UTC) + timedelta(seconds=ttl_seconds),
    )
    return token


def _link(settings: AuthSettings, path: str, token: str) -> str:
    return f"{settings.public_url.rstrip('/')}{path}?{urlencode({'token': token})}"


async def send_verification(
    *, session: AsyncSession, key_ring: KeyRing, settings: AuthSettings, user: User
) -> None:
    token = await _issue(
        session,
        user_id=user.id,
        purpose=VERIFY_EMAIL,
        ttl_seconds=settings.email_verification_ttl_seconds,
    )
    hours = settings.email_verification_ttl_seconds // 3600
    await mail.enqueue(
        session,
        key_ring=key_ring,
        recipient=user.email,
        subject="Confirm your LaunchForge email address",
        kind=VERIFY_EMAIL,
        body=(
            "Welcome to LaunchForge.\n\nConfirm your email address by opening this link"
            f" (valid for {hours} hours):\n\n{_link(settings, '/verify-email', token)}\n\n"
            "If you did not sign up, ignore this message.\n"
        ),
    )


async def verify_email(*, session: AsyncSession, token: str) -> None:
    user_id = await tokens_repo.consume(session, purpose=VERIFY_EMAIL, token_hash=digest(token))
    if user_id is None:
        raise BadRequestError(INVALID_TOKEN)
    await users_repo.set_email_verified(session, user_id=user_id)
    logger.info("email verified", extra={"user_id": str(user_id)})


async def forgot_password(
    *, session: AsyncSession, key_ring: KeyRing, settings: AuthSettings, email: str
) -> None:
    """Mail a reset link if the account exists; the caller answers the same either way."""
    user = await users_repo.get_by_email(session, email=email)
    if user is None or user.disabled:
        return
    token = await _issue(
        session,
        user_id=user.id,
        purpose=PASSWORD_RESET,
        ttl_seconds=settings.password_reset_ttl_seconds,
    )
    minutes = settings.password_reset_ttl_seconds // 60
    await mail.enqueue(
        session,
        key_ring=key_ring,
        recipient=user.email,
        subject="Reset your LaunchForge password",
        kind=PASSWORD_RESET,
        body=(
            f"Someone asked to reset the password of this account. Open this link (valid for"
            f" {minutes} minutes) to choose a new one:\n\n"
            f"{_link(settings, '/reset-password', token)}\n\n"
            "If it was not you, ignore this message; your password is unchanged.\n"
        ),
    )


async def reset_password(
    *,
    session: AsyncSession,
    passwords: Passwords,
    key_ring: KeyRing,
    settings: AuthSettings,
    token: str,
    new_password: str,
) -> None:
    """Set a new password from a reset link, and sign the account out everywhere.

    API keys are kept, as most platforms do (they are separate credentials,
    often in a CI system, and revoking them silently breaks those), but the
    owner is told how many are live and where to revoke them.
    """
    user_id = await tokens_repo.consume(session, purpose=PASSWORD_RESET, token_hash=digest(token))
    if user_id is None:
        raise BadRequestError(INVALID_TOKEN)
    user = await users_repo.get_by_id(session, user_id=user_id)
    if user is None or user.disabled:
        raise BadRequestError(INVALID_TOKEN)
    new_hash = await passwords.hash(new_password)
    await users_repo.set_password_hash(session, user_id=user_id, password_hash=new_hash)
    await tokens_repo.invalidate_all(session, user_id=user_id, purpose=PASSWORD_RESET)
    await sessions.revoke_all(session=session, user_id=user_id, reason="password_reset")
    live_keys = await api_keys_repo.count_live(session, user_id=user_id)
    if live_keys:
        await mail.enqueue(
            session,
            key_ring=key_ring,
            recipient=user.email,
            subject="Your LaunchForge password was reset; your API keys still work",
            kind=API_KEYS_KEPT,
            body=(
                "The password of this account was just reset and every session was signed"
                f" out. Your {live_keys} API key(s) still work. If the reset was not you,"
                " revoke them now: GET /v1/auth/api-keys lists them, DELETE"
                f" /v1/auth/api-keys/{{id}} revokes one ({settings.public_url}).\n"
            ),
        )
    logger.info("password reset", extra={"user_id": str(user_id), "api_keys_kept": live_keys})


async def change_password(
    *,
    session: AsyncSession,
    passwords: Passwords,
    user: User,
    current_password: str,
    new_password: str,
    current_session_id: uuid.UUID | None,
    throttle: LoginThrottle,
    ip: str,
) -> None:
    """Change a password knowing the current one; other sessions are signed out.

    Wrong guesses count towards the same lockout as failed logins, so a stolen
    access token cannot be used to brute-force the password here either.
    """
    attempt = await throttle.begin(email=user.email, ip=ip)  # counted before the check
    if isinstance(attempt, Lockout):
        raise TooManyRequestsError(LOCKED, headers={"Retry-After": str(attempt.retry_after)})
    await release_connection(session)  # two argon2 runs follow
    if not await passwords.verify(user.password_hash, current_password):
        raise BadRequestError("The current password is not correct.")
    await throttle.succeeded(attempt, email=user.email, ip=ip)
    new_hash = await passwords.hash(new_password)
    await users_repo.set_password_hash(session, user_id=user.id, password_hash=new_hash)
    await tokens_repo.invalidate_all(session, user_id=user.id, purpose=PASSWORD_RESET)
    await sessions.revoke_all(
        session=session,
        user_id=user.id,
        reason="password_changed",
        except_session_id=current_session_id,
    )
    logger.info("password changed", extra={"user_id": str(user.id)})
