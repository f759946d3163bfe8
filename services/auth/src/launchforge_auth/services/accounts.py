"""Account use cases: register, authenticate, look up the current user."""

from __future__ import annotations

import logging
import uuid

from launchforge_common.crypto import KeyRing
from launchforge_common.db import release_connection
from launchforge_common.errors import ConflictError, UnauthorizedError
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_auth.config import AuthSettings
from launchforge_auth.core.security import Passwords
from launchforge_auth.models import User
from launchforge_auth.repositories import users as users_repo
from launchforge_auth.services import account_email

logger = logging.getLogger("launchforge.auth.accounts")

# One message for every login failure: unknown email, wrong password, disabled.
INVALID_CREDENTIALS = "Invalid email or password."


async def register(
    *,
    session: AsyncSession,
    passwords: Passwords,
    key_ring: KeyRing,
    settings: AuthSettings,
    email: str,
    password: str,
) -> User:
    """Create an account and queue its verification mail; 409 when the email is taken."""
    password_hash = await passwords.hash(password)
    user = await users_repo.insert_if_absent(session, email=email, password_hash=password_hash)
    if user is None:
        raise ConflictError("An account with this email already exists.")
    logger.info("user registered", extra={"user_id": str(user.id)})
    await account_email.send_verification(
        session=session, key_ring=key_ring, settings=settings, user=user
    )
    return user


async def authenticate(
    *, session: AsyncSession, passwords: Passwords, email: str, password: str
) -> User:
    """The user these credentials belong to, or :class:`UnauthorizedError`.

    Unknown emails are verified against a dummy hash, so every failure costs
    the same time and gets the same answer.
    """
    user = await users_repo.get_by_email(session, email=email)
    await release_connection(session)  # argon2 follows
    if user is None:
        await passwords.verify_dummy(password)
        raise UnauthorizedError(INVALID_CREDENTIALS)
    if not await passwords.verify(user.password_hash, password):
        raise UnauthorizedError(INVALID_CREDENTIALS)
    if user.disabled:
        raise UnauthorizedError(INVALID_CREDENTIALS)
    if passwords.needs_rehash(user.password_hash):
        new_hash = await passwords.hash(password)
        await users_repo.set_password_hash(session, user_id=user.id, password_hash=new_hash)
        user.password_hash = new_hash
        logger.info("password rehashed with current parameters", extra={"user_id": str(user.id)})
    return user


async def get_active_user(*, session: AsyncSession, user_id: str) -> User:
    """The enabled user a verified token speaks for, else :class:`UnauthorizedError`."""
    try:
        uid = uuid.UUID(user_id)
    except ValueError:
        raise UnauthorizedError("Invalid access token.") from None
    user = await users_repo.get_by_id(session, user_id=uid)
    if user is None or user.disabled:
        raise UnauthorizedError("Invalid access token.")
    return user
