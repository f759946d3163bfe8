"""Bootstrap of administrators from the command line (the first admin cannot
be made through the API, which needs an admin)."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from launchforge_auth.api.schemas import normalise_email
from launchforge_auth.config import AuthSettings
from launchforge_auth.core.password_policy import check_new_password
from launchforge_auth.core.security import Passwords
from launchforge_auth.repositories import users as users_repo
from launchforge_auth.services.admin import normalise_roles

logger = logging.getLogger("launchforge.auth.admin")


async def promote(*, sessionmaker: async_sessionmaker[AsyncSession], email: str) -> str:
    """Make an existing account an admin; returns its id. ValueError if there is none."""
    address = normalise_email(email)
    async with sessionmaker() as session, session.begin():
        user = await users_repo.get_by_email(session, email=address)
        if user is None:
            raise ValueError("no account with this email")
        await users_repo.set_roles(
            session, user_id=user.id, roles=normalise_roles([*user.roles, "admin"])
        )
    logger.info("account promoted to admin", extra={"user_id": str(user.id)})
    return str(user.id)


async def create_admin(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: AuthSettings,
    email: str,
    password: str,
) -> str:
    """Create a verified admin account; returns its id. ValueError if it exists."""
    address = normalise_email(email)
    check_new_password(password)
    password_hash = await Passwords.from_settings(settings).hash(password)
    async with sessionmaker() as session, session.begin():
        user = await users_repo.insert_if_absent(
            session, email=address, password_hash=password_hash
        )
        if user is None:
            raise ValueError("an account with this email exists; use `promote`")
        await users_repo.set_roles(session, user_id=user.id, roles=["user", "admin"])
        await users_repo.set_email_verified(session, user_id=user.id)
    logger.info("admin account created", extra={"user_id": str(user.id)})
    return str(user.id)
