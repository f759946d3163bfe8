"""Administration of accounts: list them, change plan or roles, disable."""

from __future__ import annotations

import logging
import uuid

from launchforge_common.errors import ConflictError, NotFoundError
from sqlalchemy.ext.asyncio import AsyncSession

from launchforge_auth.models import User
from launchforge_auth.repositories import users as users_repo
from launchforge_auth.services import sessions

logger = logging.getLogger("launchforge.auth.admin")

PLANS = ("free", "pro", "enterprise")
ROLES = ("user", "admin")


def normalise_roles(roles: list[str]) -> list[str]:
    """Every account has ``user``; ``admin`` is added on top."""
    return [role for role in ROLES if role in set(roles) | {"user"}]


async def list_users(
    *, session: AsyncSession, limit: int, offset: int, email_prefix: str | None
) -> list[User]:
    return await users_repo.list_page(
        session, limit=limit, offset=offset, email_prefix=email_prefix
    )


async def update_user(
    *,
    session: AsyncSession,
    actor: User,
    user_id: uuid.UUID,
    plan: str | None,
    roles: list[str] | None,
    disabled: bool | None,
) -> User:
    user = await users_repo.get_by_id(session, user_id=user_id)
    if user is None:
        raise NotFoundError("No such user.")
    if user.id == actor.id and (disabled or (roles is not None and "admin" not in roles)):
        raise ConflictError("Admins cannot disable or demote themselves.")
    changes: dict[str, object] = {}
    if plan is not None and plan != user.plan:
        user.plan = changes["plan"] = plan
    if roles is not None and normalise_roles(roles) != list(user.roles):
        user.roles = normalise_roles(roles)
        changes["roles"] = user.roles
    if disabled is not None and disabled != user.disabled:
        user.disabled = changes["disabled"] = disabled
    await session.flush()
    if disabled:
        # Refresh fails at once; access tokens lapse within their short TTL,
        # and /me and API keys check the flag on every call.
        await sessions.revoke_all(session=session, user_id=user.id, reason="account_disabled")
    if changes:
        logger.info(
            "user updated by admin",
            extra={"user_id": str(user.id), "admin_id": str(actor.id), "changes": changes},
        )
    return user
